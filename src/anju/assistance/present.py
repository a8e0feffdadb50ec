"""What the housing-security pages and documents show of a case, read-only: the buttons of the
case page, the lines of its timeline, the joint approval per department, the standards in
force for an application. Rules stay in rules.py, acts.py and transitions.py; this only words
them."""

from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from anju.accounts.models import Department
from anju.assistance import rules, transitions
from anju.assistance.codes import (
    APPROVERS,
    Account,
    Action,
    AgreementKind,
    Decision,
    DesignKind,
    DocumentKind,
    Method,
    NoticeContent,
    NoticeLevel,
    OldHouseTreatment,
    Stage,
    Status,
)
from anju.assistance.transitions import WORKFLOW
from anju.divisions.queries import names_for
from anju.policy.rules import profile_for, profile_resolver


@cache
def forward() -> frozenset[str]:
    """Acts that move the case on (shown first in colour; leaving it is not one of them)."""
    return frozenset(m.action for m in WORKFLOW.moves if m.target is not None
                     and m.action not in (Action.WAIVE, Action.REJECT))


def place_names(codes) -> dict[str, str]:
    """'山城镇 演示一村' for each village code, from one query."""
    codes = set(codes)
    names = names_for(codes | {c[:9] for c in codes})
    return {c: f"{names.get(c[:9], '')} {names.get(c, c)}".strip() for c in codes}


def file_url(attachment) -> str:
    if attachment.household_id:
        return reverse("api:household_attachment_file", kwargs={
            "household_id": attachment.household_id, "attachment_id": attachment.pk})
    return reverse("api:house_attachment_file", kwargs={
        "house_id": attachment.house_id, "attachment_id": attachment.pk})


def file_title(attachment, case) -> str:
    """An archive file's title without the case number it was filed under."""
    title = attachment.title or f"文件 {attachment.pk}"
    return title.removeprefix(case.number).strip() or title


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    open: bool
    why_not: str
    forward: bool
    url: str


def steps_for(user, case, facts: rules.Facts) -> list[Step]:
    """The case page's buttons (transitions.next_steps), each with its form's address."""
    steps = []
    for action, label, is_open, why in transitions.next_steps(user, case.status, facts):
        if action == Action.DEPARTMENT_APPROVE:
            label = f"{Department(user.department).label}部门审批"
        steps.append(Step(action, label, is_open, why, action in forward(),
                          reverse("assistance:act", args=[case.pk, action])))
    return steps


def approvals_by_department(case) -> list[tuple[str, object]]:
    """R-MH-3: each of the three departments and its decision (None while awaited)."""
    given = {a.department: a for a in case.approvals.all()}
    return [(Department(d).label, given.get(d)) for d in APPROVERS]


def _money(value) -> str:
    return f"{Decimal(value or 0):,.2f} 元"


def _label(choices, value) -> str:
    return choices(value).label if value in choices.values else (value or "")


def describe(transition) -> str:
    """One line of what an act recorded, from its transition row's details."""
    d, action = transition.details or {}, transition.action
    if action == Action.APPLY:
        return f"{_label(Method, d.get('method'))}，申请补助 {_money(d.get('subsidy_amount'))}"
    if action in (Action.PLANNING_APPROVAL, Action.TITLE_REGISTRATION, Action.DRINKING_WATER,
                  Action.POWER_CONNECTION):  # 六、责任分工
        return d.get("reference") or "已办理"
    if action == Action.FILE_PAPER:
        return {"township": "乡镇存档", "city": "市危改办存档"}.get(d.get("kept_at"), "")
    if action in (Action.VILLAGE_REVIEW, Action.TOWNSHIP_REVIEW, Action.CITY_CHECK):
        text = "通过" if d.get("passed") else "未通过"
        if d.get("meeting"):
            text = f"{d['meeting']}，{text}"
        if d.get("attendance"):
            text += f"，参会 {d['attendance']} 人"
        return text
    if action == Action.PUBLISH_NOTICE:
        text = (f"{_label(NoticeLevel, d.get('level'))}公示 {d.get('starts_on', '')} 至 "
                f"{d.get('ends_on', '')}")
        if d.get("contents"):
            text += "：" + "、".join(_label(NoticeContent, c) for c in d["contents"])
        return text
    if action == Action.DEPARTMENT_APPROVE:
        department = _label(Department, d.get("department"))
        return f"{department}：{_label(Decision, d.get('decision'))}"
    if action == Action.REGISTER_DESIGN:
        return f"{_label(DesignKind, d.get('kind'))} {d.get('reference', '')}".strip()
    if action == Action.REGISTER_AGREEMENT:
        return _label(AgreementKind, d.get("kind"))
    if action == Action.STAGE_INSPECTION:
        return f"{_label(Stage, d.get('stage'))}：{'合格' if d.get('passed') else '不合格'}"
    if action == Action.ACCEPT:
        text = "验收合格" if d.get("passed") else "验收不合格"
        if d.get("final_cost") is not None:
            text += f"，审计决算 {_money(d.get('final_cost'))}"
        if d.get("payable_amount") is not None:
            text += f"，应付补助 {_money(d['payable_amount'])}"
        return text
    if action == Action.RECORD_OLD_HOUSE:
        return _label(OldHouseTreatment, d.get("treatment"))
    if action == Action.PAY:
        text = f"拨付 {_money(d.get('amount'))}（{_label(Account, d.get('account'))}）"
        if d.get("days_late"):
            text += f"，逾期 {d['days_late']} 天"
        return text
    if action == Action.ADD_DOCUMENT:
        return _label(DocumentKind, d.get("kind"))
    if action == Action.WAIVE and d.get("was"):
        return f"原改造方式：{_label(Method, d['was'])}"
    return ""


def timeline(case) -> list[dict]:
    """The case's Transition rows, oldest first (newest last), with who, when and what."""
    rows = []
    for t in case.transitions.select_related("actor"):
        moved = t.from_status != t.to_status
        rows.append({
            "t": t, "label": _label(Action, t.action), "what": describe(t), "moved": moved,
            "from": _label(Status, t.from_status), "to": _label(Status, t.to_status),
            "who": (t.actor.get_full_name() or t.actor.username) if t.actor else "系统"})
    return rows


# What a line of a case list reads: encrypted numbers are neither read nor decrypted.
LIST_FIELDS = ("id", "division_code", "year", "household__head_name", "house_id", "method",
               "grade", "subsidy_amount", "applied_on", "status", "payment_overdue",
               "old_house_overdue", "window_late", "payment_due_on", "paid_on")
LATE_LABELS = (("payment_overdue", "拨付逾期"), ("old_house_overdue", "原房处置逾期"),
               ("window_late", "未按年度时限完成"))


def case_row(case, place: str, list_url: str | None = None) -> dict:
    """One line of a case list as plain text: a list page of fifty lines renders it as is.
    `list_url` is the case list's path, reversed once by a caller with many lines."""
    url = list_url or reverse("assistance:case_list")
    return {"pk": case.pk, "number": case.number, "url": f"{url}cases/{case.pk}/",
            "head": case.household.head_name, "place": place,
            "method": _label(Method, case.method), "grade": case.grade,
            "subsidy": f"{case.subsidy_amount:,.2f}", "applied": case.applied_on.isoformat(),
            "status": case.status, "status_label": _label(Status, case.status),
            "late": [label for flag, label in LATE_LABELS if late_now(case, flag)]}


_CASE_ROW = ('\n  <tr>\n'
             '    <td data-label="{l_number}" class="mono"><a href="{url}">{number}</a></td>\n'
             '    <td data-label="{l_head}">{head}</td>\n'
             '    <td data-label="{l_village}">{place}</td>\n'
             '    <td data-label="{l_method}">{method}</td>\n'
             '    <td data-label="{l_grade}">{grade}</td>\n'
             '    <td data-label="{l_subsidy}" class="num">{subsidy}</td>\n'
             '    <td data-label="{l_applied}">{applied}</td>\n'
             '    <td data-label="{l_stage}"><span class="status status-{status}">{status_label}'
             '</span>{late}</td>\n'
             '  </tr>\n  ')


def case_rows_html(rows: list[dict]) -> SafeString:
    """The case list's table rows from case_row's lines, in one pass: the markup the
    template's loop gave, labels translated and escaped once per page, every value escaped
    (ADR 0053)."""
    cells = {key: escape(gettext(text)) for key, text in (
        ("l_number", "编号"), ("l_head", "户主"), ("l_village", "所在村"),
        ("l_method", "改造方式"), ("l_grade", "原房"), ("l_subsidy", "补助"),
        ("l_applied", "申请日期"), ("l_stage", "环节"))}
    out = []
    for r in rows:
        grade = (f'<span class="grade grade-{escape(r["grade"])}">{escape(r["grade"])} 级</span>'
                 if r["grade"] else "无房")
        out.append(_CASE_ROW.format(
            url=escape(r["url"]), number=escape(r["number"]), head=escape(r["head"]),
            place=escape(r["place"]), method=escape(r["method"]), grade=grade,
            subsidy=escape(r["subsidy"]), applied=escape(r["applied"]),
            status=escape(r["status"]), status_label=escape(r["status_label"]),
            late="".join(f'<span class="late">{escape(label)}</span>' for label in r["late"]),
            **cells))
    return mark_safe("".join(out))  # every value above is escaped


def late_now(case, flag: str) -> bool:
    """A case's late flag as the dates say today (R-MH-12: overdue follows from the dates
    whenever it is read; the sweep's column only serves the indexes)."""
    if flag == "payment_overdue":
        return (case.status not in (Status.PAID, Status.CLOSED, Status.WAIVED, Status.REJECTED)
                and rules.payment_overdue(case.payment_due_on, case.paid_on,
                                          timezone.localdate()))
    return bool(getattr(case, flag))


def queue_rows(cases, places: dict, today) -> list[dict]:
    """The approval queue's lines, with R-MH-4's reason when the decision must wait: the
    page's notices, open objections and decisions read in three small queries."""
    from anju.assistance.models import Approval, Notice, Objection

    ids = [c.pk for c in cases]
    notices: dict[int, list] = {}
    for case_id, level, starts, ends in Notice.objects.filter(application_id__in=ids) \
            .values_list("application_id", "level", "starts_on", "ends_on"):
        notices.setdefault(case_id, []).append((level, starts, ends))
    objections: dict[int, int] = {}
    for case_id in Objection.objects.filter(application_id__in=ids, resolved_on__isnull=True) \
            .values_list("application_id", flat=True):
        objections[case_id] = objections.get(case_id, 0) + 1
    decided: dict[int, list] = {}
    for case_id, department, decision in Approval.objects.filter(application_id__in=ids) \
            .order_by("id").values_list("application_id", "department", "decision"):
        decided.setdefault(case_id, []).append(
            f"{_label(Department, department)}：{_label(Decision, decision)}")
    rows = []
    resolve = profile_resolver(today)
    for case in cases:
        posted = tuple(notices.get(case.pk, ()))
        unmet = rules.approval_unmet(rules.Facts(
            method=case.method, grade=case.grade, has_house=case.house_id is not None,
            today=today, notices=posted, open_objections=objections.get(case.pk, 0),
            publicity_levels=tuple(resolve(case.division_code).publicity_levels or ())))
        row = case_row(case, places.get(case.division_code, ""))
        ends = max((n[2] for n in posted), default=None)
        row.update(notice_ends=ends.isoformat() if ends else "未公示",
                   decided="；".join(decided.get(case.pk, ())) or "—",
                   why_not=unmet.message if unmet else "",
                   approve_url=f"{row['url']}{Action.DEPARTMENT_APPROVE}/")
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Standards:
    """R-MH-6/7 for an application: the cap of each method open to the house, the area
    bounds for the household's size."""

    methods: list  # [(method, label, cap)]
    area_low: Decimal | None  # None: the region's policy gives no number
    area_high: Decimal | None
    auxiliary_ratio: Decimal | None
    fully_subsidised_area: Decimal | None
    notice_days: int


def shown(read, unknown=None):
    """A profile value for a page: what `read` answers, or `unknown` (the page then says
    "本地区政策未规定") where the region's policy does not give it (R-CJ-9)."""
    from anju.kit.errors import Code, RuleViolation

    try:
        return read()
    except RuleViolation as error:
        if error.code != Code.PROFILE_VALUE_UNKNOWN:
            raise
        return unknown


def standards(division_code: str, *, house, persons: int, on=None) -> Standards:
    on = on or timezone.localdate()
    profile = profile_for(division_code, on)
    grade = house.grade if house else ""
    allowed = rules.methods_for(has_house=house is not None, grade=grade)
    methods = [(m.value, m.label, shown(lambda m=m: rules.subsidy_cap(profile, m.value, grade)))
               for m in Method if m.value in allowed]
    low, high = shown(lambda: profile.main_area_bounds(max(persons or 1, 1)), (None, None))
    return Standards(methods, low, high, profile.auxiliary_ratio_max,
                     profile.fully_subsidised_area, profile.notice_days)


def notice_batch(notice, cases):
    """The notices posted together with `notice`: same place, level and dates (one paper
    list on the board), among the cases the user may see."""
    from anju.assistance.models import Notice

    return (Notice.objects.filter(application__in=cases, division_code=notice.division_code,
                                  level=notice.level, starts_on=notice.starts_on,
                                  ends_on=notice.ends_on)
            .select_related("application", "application__household")
            .order_by("application__division_code", "application_id"))
