"""What every verb of the ledger shares: the entry's facts, the refusal, dates and photos."""

from datetime import date, timedelta

from django.db.models import Max

from anju.appraisal.models import Appraisal, Inspection
from anju.kit.errors import Code, Conflict, RuleViolation
from anju.kit.fields import LONG_TEXT
from anju.policy.rules import profile_for
from anju.rectification import rules, transitions
from anju.rectification.codes import ENGINEERING, EntryStatus, MeasureKind, Source
from anju.rectification.models import LedgerEntry
from anju.registry.codes import BUSINESS_USES, HouseStatus, Occupancy
from anju.registry.models import Attachment, House

NOTE_MAX = LONG_TEXT


def _interval(division_code: str, on: date) -> timedelta:
    return timedelta(days=profile_for(division_code, on).control_check_interval_days)


def _programme(house: House, on: date) -> tuple[str, str]:
    """R-CJ-9: the region's programme for a certified low-income household's house."""
    household = house.household
    category = household.low_income_category if household else ""
    if not category:
        return "", ""
    return profile_for(house.division_code, on).low_income_programme, category


def _alert(occupancy: str, status: str, business: bool = False,
           house_status: str = HouseStatus.STANDING) -> bool:
    # R-CJ-6 住人不危房、危房不住人: occupied and not signed off; R-CJ-8: business found going
    # on in the house is a red alert like occupancy; a house pulled down is no longer lived in
    # or used (R-CJ-8a)
    return ((occupancy == Occupancy.OCCUPIED or business)
            and status in transitions.WORKFLOW.open and house_status == HouseStatus.STANDING)


def _business_found(house_id: int, since: date) -> bool:
    """R-CJ-8: the latest inspection (any level, a villager's report included) since the entry
    opened found business going on in the house."""
    latest = (Inspection.objects.filter(house_id=house_id, inspected_on__gte=since)
              .order_by("-inspected_on", "-id").values_list("business_in_use", flat=True)
              .first())
    return bool(latest)


def refuse_business_reopen(*, house: House, use: str) -> None:
    """R-CJ-8: until its entry is signed off a former business house may not reopen; asked by
    the register's change of use (kit.guards, ADR 0032)."""
    if use in BUSINESS_USES and LedgerEntry.objects.filter(
            house_id=house.pk, status__in=transitions.open_statuses()).exists():
        raise Conflict(Code.BUSINESS_REOPEN_NOT_ALLOWED,
                       "该房屋整治台账尚未销号，不得恢复经营或改为住+经营（整治销号前不得使用）",
                       field="use", rule="R-CJ-8")


def _note(text: str) -> str:
    return text.strip()[:NOTE_MAX]


def facts_of(entry: LedgerEntry) -> rules.Facts:
    """What the closed-loop rules look at, in three small queries."""
    done = list(entry.measures.filter(kind__in=ENGINEERING, completed_on__isnull=False)
                .values_list("kind", "completed_on"))
    last_done = max((d for _, d in done), default=None)
    accepted_on = (entry.acceptances.filter(passed=True).aggregate(on=Max("accepted_on"))["on"]
                   if entry.status in (EntryStatus.ACCEPTED, EntryStatus.CLOSED) else None)
    reappraisal = None
    if last_done is not None:
        latest = (Appraisal.objects.filter(house_id=entry.house_id, appraised_on__gte=last_done)
                  .order_by("-appraised_on", "-id").values_list("grade", flat=True).first())
        reappraisal = latest
    last_acceptance = entry.acceptances.order_by("-accepted_on", "-id").values_list(
        "source", "passed").first()
    # A case's rebuild replaces the house: the old one must be recorded pulled down first.
    rebuilt = entry.measures.filter(kind=MeasureKind.REBUILD, source=Source.APPLICATION,
                                    completed_on__isnull=False).exists()
    standing = rebuilt and House.objects.filter(
        pk=entry.house_id, status=HouseStatus.STANDING).exists()
    return rules.Facts(
        engineering_completed=frozenset(k for k, _ in done), last_engineering_on=last_done,
        accepted=entry.status in (EntryStatus.ACCEPTED, EntryStatus.CLOSED),
        accepted_on=accepted_on, reappraisal_grade=reappraisal,
        case_acceptance_failed=(last_acceptance == (Source.APPLICATION, False)
                                and entry.status not in (EntryStatus.ACCEPTED,
                                                         EntryStatus.CLOSED)),
        old_house_standing=standing)


def _refuse_if_blocked(entry: LedgerEntry, action: str, facts: rules.Facts | None = None):
    problem = transitions.refusal(entry.status, action, facts)
    if problem is not None:
        raise problem


def _photos(entry: LedgerEntry, ids: list[int]) -> list[int]:
    if not ids:
        return []
    found = set(Attachment.objects.filter(house_id=entry.house_id, pk__in=ids)
                .values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise RuleViolation(Code.PHOTO_NOT_FOUND, f"照片 {missing[0]} 不是本房屋的附件",
                            field="photo_ids")
    return ids
