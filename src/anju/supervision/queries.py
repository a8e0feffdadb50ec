"""The one scoped way to read supervision's records, and what the plan reads of others."""

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr

from anju.assistance.models import Application, Certification
from anju.divisions.models import Division, Level
from anju.divisions.scope import narrowed, not_found, scoped, within
from anju.registry.codes import HouseStatus
from anju.registry.models import House
from anju.supervision import rules
from anju.supervision.codes import Receipt, SummaryStatus
from anju.supervision.models import Campaign, PlanRow, WorkSummary


def current_certifications(on: date):
    """R-MH-1 certifications in force on `on`."""
    return Certification.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
        Q(lapsed_on__isnull=True) | Q(lapsed_on__gt=on), certified_on__lte=on)


def is_certified(household_id: int, on: date) -> bool:
    return current_certifications(on).filter(household_id=household_id).exists()


def plan_candidates(county: str, year: int, on: date):
    """R-CJ-9: the standing C/D houses of the county's certified low-income households that
    are in no programme now, nor were taken out of this year's plan by the county."""
    return (House.objects.filter(within(county), status=HouseStatus.STANDING,
                                 grade__in=rules.PLAN_GRADES, household__isnull=False)
            .filter(Exists(current_certifications(on).filter(household=OuterRef("household"))))
            .exclude(Exists(PlanRow.objects.filter(
                Q(removed_on__isnull=True) | Q(year=year), house=OuterRef("pk"))))
            .order_by("division_code", "id"))


def plan_for_user(user, programme: str, *, division: str | None, year: int | None,
                  removed: bool = False):
    rows = narrowed(user, PlanRow.objects.filter(programme=programme), division)
    if year is not None:
        rows = rows.filter(year=year)
    if not removed:
        rows = rows.filter(removed_on__isnull=True)
    return rows.select_related("house").order_by("division_code", "house_id")


def get_plan_row_for_user(user, row_id: int) -> PlanRow:
    row = scoped(user, PlanRow.objects.filter(pk=row_id)).first()
    if row is None:
        raise not_found(PlanRow, pk=row_id)
    return row


def plan_states(rows) -> dict[int, str]:
    """Each row's state from the cases on its house (or on its household with no house named)."""
    rows = list(rows)
    houses = {r.house_id for r in rows}
    households = {r.household_id for r in rows}
    by_house: dict[int, set] = {}
    by_household: dict[int, set] = {}
    for house_id, household_id, status in Application.objects.filter(
            Q(house_id__in=houses) | Q(household_id__in=households, house__isnull=True)
    ).values_list("house_id", "household_id", "status"):
        if house_id is not None:
            by_house.setdefault(house_id, set()).add(status)
        else:
            by_household.setdefault(household_id, set()).add(status)
    return {r.pk: rules.plan_state(by_house.get(r.house_id, set())
                                   | by_household.get(r.household_id, set()))
            for r in rows}


# --- 回头看 ---------------------------------------------------------------------------------


def campaigns_for_user(user, division: str | None = None):
    # A campaign is seen by whoever sees part of its division: a township sees its county's.
    campaigns = Campaign.objects.all()
    scope = getattr(user, "scope", "")
    if not scope:
        return campaigns.none()
    if division:
        narrowed(user, Campaign.objects.none(), division)  # refuses a malformed or foreign code
        campaigns = campaigns.filter(within(division[:Level.COUNTY]))
    return campaigns.filter(Q(within(scope)) | Q(division_code__in=[
        scope[:n] for n in (2, 4, 6, 9) if n <= len(scope)]))


def get_campaign_for_user(user, campaign_id: int) -> Campaign:
    campaign = campaigns_for_user(user).filter(pk=campaign_id).first()
    if campaign is None:
        raise not_found(Campaign, pk=campaign_id)
    return campaign


def campaign_houses(user, campaign: Campaign, *, division: str | None = None,
                    revisited: bool | None = None):
    houses = narrowed(user, campaign.houses.all(), division)
    if revisited is not None:
        houses = houses.filter(revisited_on__isnull=not revisited)
    return houses.select_related("house")


def coverage_by_division(user, campaign: Campaign) -> list[dict]:
    """Listed, revisited and found per township of the campaign, within the caller's scope."""
    rows = (scoped(user, campaign.houses.all()).annotate(township=Substr("division_code", 1, 9))
            .values("township").order_by("township")
            .annotate(listed=Count("id"),
                      revisited=Count("id", filter=Q(revisited_on__isnull=False)),
                      found=Count("id", filter=Q(found_danger=True))))
    names = dict(Division.objects.filter(code__in=[r["township"] for r in rows])
                 .values_list("code", "name"))
    return [{"division_code": r["township"], "name": names.get(r["township"], r["township"]),
             "listed": r["listed"], "revisited": r["revisited"], "found": r["found"],
             "coverage": rules.coverage(r["listed"], r["revisited"])} for r in rows]


# --- 工作总结 -------------------------------------------------------------------------------


def summaries_for_user(user, division: str | None = None):
    return narrowed(user, WorkSummary.objects.all(), division)


def get_summary_for_user(user, summary_id: int) -> WorkSummary:
    summary = scoped(user, WorkSummary.objects.filter(pk=summary_id)).first()
    if summary is None:
        raise not_found(WorkSummary, pk=summary_id)
    return summary


def receipts(user, division: str, period: str | None = None) -> list[dict]:
    """§6: each county under `division`, its summary as received, late or missing (a draft is
    not received). Without a period, each county's latest summary."""
    code = division or user.scope
    narrowed(user, WorkSummary.objects.none(), code)  # refuses a division beyond the scope
    if len(code) >= Level.COUNTY:
        counties = list(Division.objects.filter(code=code[:Level.COUNTY]).values_list(
            "code", "name"))
    else:
        counties = list(Division.objects.filter(within(code, "code"), level=Level.COUNTY)
                        .order_by("code").values_list("code", "name"))
    summaries = WorkSummary.objects.filter(division_code__in=[c for c, _ in counties])
    if period:
        summaries = summaries.filter(period=period)
    latest: dict[str, WorkSummary] = {}
    for s in summaries.order_by("division_code", "-due_on", "-id"):
        latest.setdefault(s.division_code, s)
    out = []
    for county, name in counties:
        s = latest.get(county)
        submitted = s is not None and s.status == SummaryStatus.SUBMITTED
        out.append({
            "division_code": county, "name": name, "summary_id": s.pk if s else None,
            "period": s.period if s else (period or ""), "due_on": s.due_on if s else None,
            "status": s.status if s else "",
            "submitted_on": s.submitted_on if submitted else None,
            "receipt": rules.receipt(s.submitted_on if submitted else None,
                                     s.due_on if s else None) if s else Receipt.MISSING,
        })
    return out
