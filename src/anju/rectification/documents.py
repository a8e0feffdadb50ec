"""The ledger's outputs as files: the Excel ledger and the county's work summary (工作总结) as PDF.
Both are exports: each is written to the audit log."""

from collections.abc import Iterator

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from anju.accounts.access import can
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.divisions.models import Division
from anju.divisions.queries import covered_name
from anju.divisions.scope import narrowed
from anju.kit.origin import Origin
from anju.rectification.codes import EntryStatus, MeasureKind
from anju.rectification.exports import stream_ledger_xlsx
from anju.rectification.models import LedgerEntry, Measure, Transition
from anju.rectification.queries import (
    _sector_narrowed,
    counts_by_child,
    hazard_alerts_for_user,
    ledger_for_user,
    overdue_measure_counts,
    overdue_q,
)
from anju.rectification.transitions import open_statuses
from anju.registry.codes import Grade
from anju.registry.queries import houses_for_user


def ledger_xlsx(user, division: str | None, *,
                origin: Origin | None = None) -> tuple[str, Iterator[bytes]]:
    """The ledger's file name and its .xlsx bytes, streamed as they are written: nothing is
    held but the rows of one chunk. The export is audited."""
    entries = ledger_for_user(user, division=division)  # 404 for a division out of scope
    reveal = can(user, "registry.reveal")
    audit.record(AuditAction.EXPORT, actor=user, origin=origin,
                 division_code=division or user.scope,
                 details={"export": "rectification-ledger", "rows": entries.count(),
                          "full_view": reveal})
    code = division or user.scope
    name = f"整治台账-{covered_name(code)}-{code}-{timezone.localdate():%Y%m%d}.xlsx"
    return name, stream_ledger_xlsx(user, division=division, reveal=reveal)


def summary_figures(user, division: str | None, *, today=None) -> dict:
    """The figures of the 工作总结 (domain.md §6): houses by grade, ledger by status, measures,
    sign-offs, red alerts and overdue checks, and the same per child division."""
    today = today or timezone.localdate()
    code = division or user.scope
    entries = _sector_narrowed(user, narrowed(user, LedgerEntry.objects.all(), division))
    by_grade = dict(houses_for_user(user, division=division).order_by().values_list("grade")
                    .annotate(n=Count("id")).values_list("grade", "n"))
    status = entries.aggregate(
        total=Count("id"), **{s.value: Count("id", filter=Q(status=s.value))
                              for s in EntryStatus},
        red_alerts=Count("id", filter=Q(red_alert=True)),
        broken=Count("id", filter=Q(broken_alert=True)),
        overdue=Count("id", filter=overdue_q(today)),
        c=Count("id", filter=Q(grade="C")), d=Count("id", filter=Q(grade="D")),
        priority=Count("id", filter=Q(priority=True, status__in=open_statuses())))
    # R-CJ-2: occupied houses with a major hazard awaiting appraisal are red alerts too
    status["hazard_alerts"] = hazard_alerts_for_user(user, division=division) \
        .order_by().values("house_id").distinct().count()
    status["red_alerts"] += status["hazard_alerts"]
    status.update(overdue_measure_counts(user, division=division, today=today))
    measures = dict(Measure.objects.filter(entry__in=entries, completed_on__isnull=False)
                    .order_by().values_list("kind").annotate(n=Count("id"))
                    .values_list("kind", "n"))
    signoffs = Transition.objects.filter(entry__in=entries, action="sign_off").count()
    width = {2: 4, 4: 6, 6: 9, 9: 12}.get(len(code), 12)
    children = counts_by_child(user, code, width, today=today)
    names = dict(Division.objects.filter(code__in=[code, *children]).values_list("code", "name"))
    return {
        "division": names.get(code, code), "code": code, "today": today,
        "grades": [(g.label, by_grade.get(g.value, 0)) for g in Grade],
        "status": status, "signoffs": signoffs,
        "measures": [(k.label, measures.get(k.value, 0)) for k in MeasureKind],
        "children": [(names.get(c, c), row) for c, row in children.items()],
    }


def render_summary_pdf(figures: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string("rectification/summary.html", figures)
    return HTML(string=html).write_pdf()


def summary_pdf(user, division: str | None, *,
                origin: Origin | None = None) -> tuple[str, bytes]:
    """The work summary's file name and PDF; the export is audited."""
    figures = summary_figures(user, division)
    pdf = render_summary_pdf(figures)
    audit.record(AuditAction.EXPORT, actor=user, origin=origin,
                 division_code=figures["code"], details={"export": "rectification-summary"})
    return f"rectification-summary-{figures['code']}.pdf", pdf
