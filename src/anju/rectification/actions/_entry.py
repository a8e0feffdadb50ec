"""What every verb of the ledger shares: the entry's facts, the refusal, dates and photos."""

from datetime import date, timedelta

from django.db.models import Max

from anju.appraisal.models import Appraisal
from anju.kit.errors import Code, RuleViolation
from anju.kit.fields import LONG_TEXT
from anju.policy.rules import profile_for
from anju.rectification import rules, transitions
from anju.rectification.codes import ENGINEERING, EntryStatus, MeasureKind, Source
from anju.rectification.models import LedgerEntry
from anju.registry.codes import HouseStatus, Occupancy
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


def _alert(occupancy: str, status: str, house_status: str = HouseStatus.STANDING) -> bool:
    # R-CJ-6 住人不危房、危房不住人: occupied and not signed off; a house pulled down is no
    # longer lived in (R-CJ-8a)
    return (occupancy == Occupancy.OCCUPIED and status in transitions.WORKFLOW.open
            and house_status == HouseStatus.STANDING)


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
