"""The plan's Excel export and the work summary's PDF (ADR 0014: WeasyPrint from a template)."""

from django.template.loader import render_to_string
from django.utils import timezone

from anju.audit import actions as audit
from anju.audit.models import Action
from anju.divisions.models import Division
from anju.divisions.queries import covered_name, export_note
from anju.kit.origin import Origin
from anju.kit.xlsx import stream_xlsx
from anju.rectification.codes import Programme
from anju.supervision import queries
from anju.supervision.codes import PlanState, Receipt
from anju.supervision.figures import LABELS
from anju.supervision.models import WorkSummary

PLAN_HEADER = (("房屋编号", 10), ("农户编号", 10), ("所在村", 14), ("地址", 36), ("年度", 8),
               ("等级", 8), ("状态", 12), ("列入方式", 14), ("列入日期", 12))
SECTION_TITLES = (("situation", "一、基本情况"), ("measures", "二、主要措施"),
                  ("lookback", "三、回头看情况"), ("problems", "四、存在问题"),
                  ("next_steps", "五、下一步工作"))


def plan_xlsx(user, programme: str, division: str | None, year: int | None, *,
              origin: Origin | None = None):
    rows = list(queries.plan_for_user(user, programme, division=division, year=year))
    states = queries.plan_states(rows)
    labels = dict(PlanState.choices)
    audit.record(Action.EXPORT, actor=user, origin=origin, division_code=division or user.scope,
                 details={"export": "programme-plan", "programme": programme, "year": year})
    data = ((r.house_id, r.household_id, r.division_code, r.house.address, r.year, r.grade,
             labels[states[r.pk]], r.get_source_display(), r.listed_on.isoformat())
            for r in rows)
    code, title = division or user.scope, str(dict(Programme.choices)[programme])
    year_label = f"{year} 年" if year else "全部年度"
    name = f"年度建设计划-{covered_name(code)}-{code}-{year or '全部年度'}.xlsx"
    note = export_note("年度建设计划", code, timezone.localdate(), ("项目", title),
                       ("年度", year_label))
    return name, stream_xlsx(PLAN_HEADER, data, sheet_name=title[:31], note=note)


def render_summary_pdf(summary: WorkSummary) -> bytes:
    from weasyprint import HTML

    name = Division.objects.filter(code=summary.division_code).values_list(
        "name", flat=True).first() or summary.division_code
    html = render_to_string("supervision/summary_pdf.html", {
        "summary": summary, "county": name,
        "figures": [(label, summary.figures.get(key)) for key, label in LABELS.items()
                    if key in summary.figures],
        "sections": [(title, summary.sections.get(key, "")) for key, title in SECTION_TITLES],
        "receipt": dict(Receipt.choices),
    })
    return HTML(string=html).write_pdf()


def summary_pdf(user, summary: WorkSummary, *, origin: Origin | None = None):
    pdf = render_summary_pdf(summary)
    audit.record(Action.EXPORT, actor=user, obj=summary, origin=origin,
                 division_code=summary.division_code, details={"export": "work-summary"})
    return f"work-summary-{summary.division_code}-{summary.pk}.pdf", pdf
