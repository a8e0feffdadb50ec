"""The doors to data-quality records, scoped by division, and the figures of the quality page
and the township work lists."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone

from anju.appraisal.codes import InspectionLevel
from anju.appraisal.models import Inspection
from anju.divisions.models import Level
from anju.divisions.queries import ancestors, names_for
from anju.divisions.scope import narrowed, not_found, scoped, within
from anju.quality.models import (
    Finding,
    FindingKind,
    FindingStatus,
    Notice,
    SpotCheck,
    SpotCheckHouse,
)
from anju.quality.rules import CHECKS, RULE_LABELS, VERIFICATION_RULE
from anju.registry.queries import houses_for_user

RULE_ORDER = [c.code for c in CHECKS] + [VERIFICATION_RULE]


def findings_for_user(user, *, division: str | None = None, status: str | None = "open",
                      kind: str | None = None, rule: str | None = None,
                      house_id: int | None = None, overdue: bool | None = None,
                      today: date | None = None):
    """Findings in scope; open ones first, soonest deadline first. `status` None means all."""
    today = today or timezone.localdate()
    queryset = narrowed(user, Finding.objects.all(), division)
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if rule:
        queryset = queryset.filter(rule=rule)
    if house_id:
        queryset = queryset.filter(house_id=house_id)
    late = Q(status=FindingStatus.OPEN, due_on__lt=today)
    if overdue is True:
        queryset = queryset.filter(late)
    elif overdue is False:
        queryset = queryset.exclude(late)
    # "open" sorts after "closed": descending puts the open findings first.
    return queryset.order_by("-status", "due_on", "id")


def get_finding_for_user(user, finding_id: int) -> Finding:
    finding = scoped(user, Finding.objects.filter(pk=finding_id)).first()
    if finding is None:
        raise not_found(Finding, pk=finding_id)
    return finding


def summary_for_user(user, *, division: str | None = None, today: date | None = None) -> dict:
    """Open findings of the division counted by rule and by township, with the overdue ones."""
    today = today or timezone.localdate()
    rows = (findings_for_user(user, division=division, today=today).order_by()
            .values("rule", "kind", township=Substr("division_code", 1, Level.TOWNSHIP))
            .annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today))))
    by_rule: dict[str, dict] = {}
    by_township: dict[str, dict] = {}
    total = overdue = 0
    for row in rows:
        n, late = row["n"], row["late"]
        total += n
        overdue += late
        r = by_rule.setdefault(row["rule"], {
            "rule": row["rule"], "kind": row["kind"],
            "label": RULE_LABELS.get(row["rule"], row["rule"]), "open": 0, "overdue": 0})
        r["open"] += n
        r["overdue"] += late
        t = by_township.setdefault(row["township"], {
            "code": row["township"], "open": 0, "overdue": 0, "by_rule": {},
            **{k: 0 for k in FindingKind.values}})
        t["open"] += n
        t["overdue"] += late
        t[row["kind"]] += n
        t["by_rule"][row["rule"]] = t["by_rule"].get(row["rule"], 0) + n
    names = names_for(by_township)
    for code, t in by_township.items():
        t["name"] = names.get(code, code)
    order = {code: i for i, code in enumerate(RULE_ORDER)}
    return {
        "division": division or user.scope, "open": total, "overdue": overdue,
        "by_rule": sorted(by_rule.values(), key=lambda r: (order.get(r["rule"], 99), r["rule"])),
        "by_township": [by_township[c] for c in sorted(by_township)],
    }


def houses_with_findings(user, *, division: str | None = None, overdue: bool = False,
                         today: date | None = None):
    """Houses with open findings (or overdue ones), priority houses first (R-CJ-1)."""
    today = today or timezone.localdate()
    findings = Finding.objects.filter(house_id=OuterRef("pk"), status=FindingStatus.OPEN)
    if overdue:
        findings = findings.filter(due_on__lt=today)
    return houses_for_user(user, division=division).filter(Exists(findings))


def notices_for_user(user, *, division: str | None = None):
    """举一反三 notices to the townships in scope; a village cadre sees their township's."""
    scope = getattr(user, "scope", "") or ""
    if not scope:
        return Notice.objects.none()
    if len(scope) >= Level.TOWNSHIP:
        queryset = Notice.objects.filter(township_code=scope[:Level.TOWNSHIP])
    else:
        queryset = narrowed(user, Notice.objects.all(), division, field="township_code")
    return queryset.select_related("finding", "created_by").order_by("-created_at", "-id")


def verifications_for_house(house):
    return house.verifications.select_related("verifier").prefetch_related("findings")


def spot_checks_for_user(user):
    """Spot checks of a division inside the caller's scope or above it (a township sees the
    county's draws, and only its own houses in them)."""
    scope = getattr(user, "scope", "") or ""
    if not scope:
        return SpotCheck.objects.none()
    return SpotCheck.objects.filter(
        within(scope) | Q(division_code__in=ancestors(scope))).order_by("-drawn_on", "-id")


def get_spot_check_for_user(user, spot_check_id: int) -> SpotCheck:
    spot_check = spot_checks_for_user(user).filter(pk=spot_check_id).first()
    if spot_check is None:
        raise not_found(SpotCheck, pk=spot_check_id)
    return spot_check


def spot_check_houses(user, spot_check: SpotCheck):
    """The drawn houses the caller may see, each with `done`: a spot-check inspection recorded
    on or after the draw."""
    done = Inspection.objects.filter(house_id=OuterRef("house_id"),
                                     level=InspectionLevel.SPOT_CHECK,
                                     inspected_on__gte=spot_check.drawn_on)
    return (scoped(user, SpotCheckHouse.objects.filter(spot_check=spot_check),
                   "house__division_code")
            .annotate(done=Exists(done)).select_related("house")
            .order_by("township_code", "house_id"))
