"""The verbs of supervision: the programme plan (R-CJ-9), the look-back campaign and its
revisits, and the county's work summary (domain.md §6). Each checks role and scope, refuses
before it writes, and writes in one transaction with its audit row."""

from datetime import date

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from anju.accounts.access import check
from anju.appraisal import actions as appraisal
from anju.appraisal.codes import InspectionLevel
from anju.appraisal.commands import RecordInspection
from anju.audit.actions import record as audit
from anju.audit.models import Action
from anju.divisions.models import Level
from anju.divisions.scope import LEVEL_LENGTHS, covers, prefix_upper_bound
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, NotFound, RuleViolation, raise_if, version_conflict
from anju.kit.origin import Origin
from anju.policy.rules import profile_for
from anju.rectification.codes import EntryStatus, Programme
from anju.rectification.models import LedgerEntry
from anju.registry.codes import HouseStatus
from anju.registry.models import House
from anju.registry.queries import get_house_for_user
from anju.supervision import commands, figures, queries, rules
from anju.supervision.codes import (
    RULE_PLAN,
    RULE_SUPERVISION,
    LookbackReason,
    PlanAction,
    PlanSource,
    SummaryStatus,
)
from anju.supervision.models import (
    Campaign,
    CampaignHouse,
    PlanEvent,
    PlanRow,
    WorkSummary,
)

PLAN_BATCH = 2000


def _raise(unmet) -> None:
    if unmet is not None:
        raise RuleViolation(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)


def check_division(user, division: str, field: str = "division", *,
                   county: bool = False, rule: str = RULE_SUPERVISION) -> str:
    """A division code the caller may act on: well formed, inside the caller's scope, and a
    county's when the act is a county's."""
    division = (division or "").strip()
    if not division.isdigit() or len(division) not in LEVEL_LENGTHS:
        raise NotFound("区划代码应为 2、4、6、9 或 12 位数字", field=field)
    if not covers(user.scope, division):
        raise NotFound("该区划不在您的管辖范围内", field=field)
    if county and len(division) != Level.COUNTY:
        raise RuleViolation(Code.DIVISION_NOT_COUNTY, "应填写县（市、区）的区划代码（6 位）",
                            field=field, rule=rule)
    return division


def check_programme(programme: str) -> str:
    if programme not in Programme.values:
        raise RuleViolation(Code.CHOICE_INVALID, f"工程“{programme}”不是有效选项（seismic、"
                            "renovation）", field="programme", rule=RULE_PLAN)
    return programme


# --- 年度建设计划 (R-CJ-9) ---------------------------------------------------------------


def _region_programme(programme: str, county: str, on: date) -> None:
    check_programme(programme)
    _raise(rules.programme_unmet(programme, profile_for(county, on).low_income_programme))


@transaction.atomic
def draw_plan(programme: str, cmd: commands.DrawPlan, *, acting_user,
              origin: Origin | None = None, today: date | None = None) -> int:
    """List every certified low-income household's standing C/D house of the county that is
    in no programme yet; answers how many were listed."""
    check(acting_user, "supervision.county")
    today = today or timezone.localdate()
    county = check_division(acting_user, cmd.division, county=True, rule=RULE_PLAN)
    _region_programme(programme, county, today)
    houses = list(queries.plan_candidates(county, cmd.year, today).values_list(
        "id", "household_id", "division_code", "grade"))
    created = 0
    for start in range(0, len(houses), PLAN_BATCH):
        batch = [PlanRow(programme=programme, county_code=county, year=cmd.year, house_id=h,
                         household_id=hh, division_code=code, grade=grade,
                         source=PlanSource.DRAWN, listed_on=today)
                 for h, hh, code, grade in houses[start:start + PLAN_BATCH]]
        rows = PlanRow.objects.bulk_create(batch)
        PlanEvent.objects.bulk_create(PlanEvent(row=r, action=PlanAction.DRAW, actor=acting_user)
                                      for r in rows)
        created += len(rows)
    audit(Action.TRANSITION, actor=acting_user, origin=origin, division_code=county,
          details={"workflow": "programme_plan", "action": "draw", "programme": programme,
                   "year": cmd.year, "houses": created})
    return created


@transaction.atomic
def add_plan_row(programme: str, cmd: commands.AddPlanRow, *, acting_user,
                 origin: Origin | None = None, today: date | None = None) -> PlanRow:
    """The county adds one house; a house already in a programme is refused (one at a time)."""
    check(acting_user, "supervision.county")
    today = today or timezone.localdate()
    check_programme(programme)
    house = get_house_for_user(acting_user, cmd.house_id)
    listed = PlanRow.objects.filter(house=house, removed_on__isnull=True).first()
    if listed is not None:
        raise Conflict(Code.HOUSE_IN_PROGRAMME,
                       f"该房屋已列入{listed.year}年度“{listed.get_programme_display()}”计划，"
                       "一栋房屋同一时间只能纳入一项工程", field="house_id", rule=RULE_PLAN)
    county = house.division_code[:Level.COUNTY]
    _region_programme(programme, county, today)
    certified = house.household_id is not None and queries.is_certified(house.household_id,
                                                                        today)
    _raise(rules.plan_house_unmet(grade=house.grade, certified=certified,
                                  standing=house.status == HouseStatus.STANDING))
    row = PlanRow.objects.create(
        programme=programme, county_code=county, year=cmd.year, house=house,
        household_id=house.household_id, division_code=house.division_code,
        grade=house.grade, source=PlanSource.ADDED, listed_on=today)
    PlanEvent.objects.create(row=row, action=PlanAction.ADD, actor=acting_user,
                             reason=cmd.reason.strip())
    audit(Action.TRANSITION, actor=acting_user, obj=row, origin=origin,
          division_code=house.division_code,
          details={"workflow": "programme_plan", "action": "add", "house": house.pk})
    return row


@transaction.atomic
def remove_plan_row(row: PlanRow, cmd: commands.RemovePlanRow, *, acting_user,
                    origin: Origin | None = None, today: date | None = None) -> PlanRow:
    check(acting_user, "supervision.county")
    reason = cmd.reason.strip()
    if row.removed_on is not None:
        raise Conflict(Code.PLAN_ROW_REMOVED, "该房屋已移出计划", field="reason", rule=RULE_PLAN)
    if not reason:
        raise RuleViolation(Code.REASON_REQUIRED, "移出计划应写明原因", field="reason",
                            rule=RULE_PLAN)
    row.removed_on = today or timezone.localdate()
    row.removal_reason = reason
    if PlanRow.objects.filter(pk=row.pk, removed_on__isnull=True).update(
            removed_on=row.removed_on, removal_reason=reason) != 1:
        raise version_conflict()
    PlanEvent.objects.create(row=row, action=PlanAction.REMOVE, actor=acting_user, reason=reason)
    audit(Action.TRANSITION, actor=acting_user, obj=row, origin=origin,
          division_code=row.division_code,
          details={"workflow": "programme_plan", "action": "remove", "reason": reason})
    return row


# --- 回头看 (§6) ----------------------------------------------------------------------------


def draw_lookback_list(campaign: Campaign) -> int:
    """One INSERT … SELECT: the standing houses of the campaign's division with a signed-off
    or controlled ledger entry, and the priority-area houses screened `none`. Set-based (the
    division's entries grouped once and joined to its houses), so a county of 300,000 houses
    is drawn in seconds."""
    house, entry = House._meta.db_table, LedgerEntry._meta.db_table
    target = CampaignHouse._meta.db_table
    low, high = campaign.division_code, prefix_upper_bound(campaign.division_code)
    below = " AND {0}division_code < %s" if high else ""
    sql = (
        f"INSERT INTO {target} (campaign_id, house_id, division_code, reason) "
        f"SELECT %s, h.id, h.division_code, CASE WHEN e.closed = 1 THEN %s "
        f"WHEN e.controlled = 1 THEN %s ELSE %s END FROM {house} h LEFT JOIN ("
        f"SELECT house_id, MAX(CASE WHEN status = %s THEN 1 ELSE 0 END) AS closed, "
        f"MAX(CASE WHEN status = %s THEN 1 ELSE 0 END) AS controlled FROM {entry} "
        f"WHERE status IN (%s, %s) AND division_code >= %s{below.format('')} "
        f"GROUP BY house_id) e ON e.house_id = h.id "
        f"WHERE h.division_code >= %s{below.format('h.')} AND h.status = %s "
        f"AND (e.house_id IS NOT NULL OR (h.is_priority = %s AND h.screening_result = %s))")
    closed, controlled = EntryStatus.CLOSED, EntryStatus.CONTROLLED
    params = [campaign.pk, LookbackReason.SIGNED_OFF, LookbackReason.CONTROLLED,
              LookbackReason.PRIORITY, closed, controlled, closed, controlled, low,
              *([high] if high else []), low, *([high] if high else []),
              HouseStatus.STANDING, True, "none"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        listed = cursor.rowcount
    if listed is None or listed < 0:
        listed = CampaignHouse.objects.filter(campaign=campaign).count()
    Campaign.objects.filter(pk=campaign.pk).update(listed=listed)
    campaign.listed = listed
    return listed


@transaction.atomic
def open_campaign(cmd: commands.OpenCampaign, *, acting_user, origin: Origin | None = None,
                  today: date | None = None) -> Campaign:
    """The county opens a look-back over a division with a deadline; the list is drawn at once."""
    check(acting_user, "supervision.county")
    today = today or timezone.localdate()
    division = check_division(acting_user, cmd.division)
    raise_if(date_errors(cmd.deadline, "deadline", "完成期限", today, plan=True,
                         not_before=today, before_label="开始日期"))
    campaign = Campaign.objects.create(division_code=division, title=cmd.title.strip() or "回头看",
                                       opened_on=today, deadline=cmd.deadline,
                                       opened_by=acting_user)
    draw_lookback_list(campaign)
    audit(Action.TRANSITION, actor=acting_user, obj=campaign, origin=origin,
          division_code=division, details={"workflow": "lookback", "action": "open",
                                           "houses": campaign.listed})
    return campaign


@transaction.atomic
def record_revisit(campaign: Campaign, cmd: commands.RecordRevisit, *, acting_user,
                   origin: Origin | None = None, today: date | None = None) -> CampaignHouse:
    """A township's revisit of a listed house, recorded as an inspection of level `lookback`;
    a major hazard found is reported and controlled the normal way (R-CJ-2). A house outside
    the campaign is refused."""
    check(acting_user, "appraisal.inspect")
    house = get_house_for_user(acting_user, cmd.house_id)
    listed = CampaignHouse.objects.select_for_update().filter(campaign=campaign,
                                                              house=house).first()
    if listed is None:
        raise RuleViolation(Code.LOOKBACK_HOUSE_NOT_LISTED,
                            "该房屋不在本次回头看名单内，不能录入回头看记录",
                            field="house_id", rule=RULE_SUPERVISION)
    raise_if(date_errors(cmd.inspected_on, "inspected_on", "回访日期",
                         today or timezone.localdate(), not_before=campaign.opened_on,
                         before_label="回头看开始日期"))
    inspection = appraisal.record_inspection(
        house, RecordInspection(level=InspectionLevel.LOOKBACK, inspected_on=cmd.inspected_on,
                                inspector=cmd.inspector, findings=cmd.findings,
                                major_hazard=cmd.major_hazard, controls=cmd.controls,
                                photo_ids=cmd.photo_ids),
        acting_user=acting_user, origin=origin, today=today)
    listed.revisited_on = inspection.inspected_on
    listed.inspection_id = inspection.pk
    listed.found_danger = listed.found_danger or inspection.major_hazard
    listed.save(update_fields=["revisited_on", "inspection_id", "found_danger"])
    return listed


# --- 工作总结 (§6) --------------------------------------------------------------------------


def _sections(sections: commands.Sections) -> dict:
    return {k: v.strip() for k, v in sections.model_dump().items()}


@transaction.atomic
def write_summary(cmd: commands.WriteSummary, *, acting_user, origin: Origin | None = None,
                  today: date | None = None) -> WorkSummary:
    check(acting_user, "supervision.county")
    county = check_division(acting_user, cmd.division_code, "division_code", county=True)
    period = cmd.period.strip()
    if not period:
        raise RuleViolation(Code.FIELD_REQUIRED, "总结期间不能为空", field="period",
                            rule=RULE_SUPERVISION)
    if WorkSummary.objects.filter(division_code=county, period=period).exists():
        raise Conflict(Code.SUMMARY_EXISTS, "该县市本期的工作总结已存在，请修改原稿",
                       field="period", rule=RULE_SUPERVISION)
    summary = WorkSummary.objects.create(
        division_code=county, period=period, due_on=cmd.due_on,
        sections=_sections(cmd.sections), created_by=acting_user,
        figures=figures.summary_figures(county, today=today))
    audit(Action.TRANSITION, actor=acting_user, obj=summary, origin=origin,
          division_code=county, details={"workflow": "summary", "action": "draft"})
    return summary


def _open_draft(summary: WorkSummary, version: int | None) -> None:
    if summary.status == SummaryStatus.SUBMITTED:
        raise Conflict(Code.SUMMARY_ALREADY_SUBMITTED, "工作总结已报送，不能再修改或重复报送",
                       field="status", rule=RULE_SUPERVISION)
    if version is not None and version != summary.version:
        raise version_conflict()


@transaction.atomic
def edit_summary(summary: WorkSummary, cmd: commands.EditSummary, *, acting_user,
                 origin: Origin | None = None, today: date | None = None) -> WorkSummary:
    """A draft is saved again; its figures are filled in afresh from the records."""
    check(acting_user, "supervision.county")
    _open_draft(summary, cmd.version)
    changes = {"figures": figures.summary_figures(summary.division_code, today=today)}
    if cmd.period is not None and cmd.period.strip() != summary.period:
        period = cmd.period.strip()
        if not period:
            raise RuleViolation(Code.FIELD_REQUIRED, "总结期间不能为空", field="period",
                                rule=RULE_SUPERVISION)
        if WorkSummary.objects.filter(division_code=summary.division_code,
                                      period=period).exists():
            raise Conflict(Code.SUMMARY_EXISTS, "该县市本期的工作总结已存在",
                           field="period", rule=RULE_SUPERVISION)
        changes["period"] = period
    if cmd.due_on is not None:
        changes["due_on"] = cmd.due_on
    if cmd.sections is not None:
        changes["sections"] = _sections(cmd.sections)
    if WorkSummary.objects.filter(pk=summary.pk, version=summary.version,
                                  status=SummaryStatus.DRAFT).update(
            **changes, version=F("version") + 1, updated_at=timezone.now()) != 1:
        raise version_conflict()
    summary.refresh_from_db()
    return summary


@transaction.atomic
def submit_summary(summary: WorkSummary, cmd: commands.SubmitSummary, *, acting_user,
                   origin: Origin | None = None, today: date | None = None) -> WorkSummary:
    """Submitted once, with its figures as of that day; after its due date it is marked late."""
    check(acting_user, "supervision.county")
    _open_draft(summary, cmd.version)
    today = today or timezone.localdate()
    late = today > summary.due_on
    if WorkSummary.objects.filter(pk=summary.pk, version=summary.version,
                                  status=SummaryStatus.DRAFT).update(
            status=SummaryStatus.SUBMITTED, submitted_on=today, late=late,
            submitted_by=acting_user, version=F("version") + 1, updated_at=timezone.now(),
            figures=figures.summary_figures(summary.division_code, today=today)) != 1:
        raise Conflict(Code.SUMMARY_ALREADY_SUBMITTED, "工作总结已报送，不能重复报送",
                       field="status", rule=RULE_SUPERVISION)
    summary.refresh_from_db()
    audit(Action.TRANSITION, actor=acting_user, obj=summary, origin=origin,
          division_code=summary.division_code,
          details={"workflow": "summary", "action": "submit", "late": late})
    return summary
