"""The figures of a work summary (§6), counted from the records of the day: houses screened,
C/D houses, entries on the ledger and closed, red alerts, and the look-back's coverage."""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from anju.divisions.scope import within
from anju.rectification.codes import EntryStatus
from anju.rectification.models import LedgerEntry
from anju.registry.codes import Grade, HouseStatus
from anju.registry.models import House
from anju.supervision import rules
from anju.supervision.models import CampaignHouse

LABELS = {
    "houses": "现存农村房屋（栋）",
    "screened": "已排查（栋）",
    "grade_c": "C级危房（栋）",
    "grade_d": "D级危房（栋）",
    "on_ledger": "列入整治台账（户）",
    "closed": "已销号（户）",
    "red_alerts": "危房住人（户）",
    "lookback_listed": "回头看列入（栋）",
    "lookback_revisited": "回头看已回访（栋）",
    "lookback_found": "回头看发现隐患（栋）",
    "lookback_coverage": "回头看覆盖率",
}


def lookback_counts(code: str) -> dict:
    counts = CampaignHouse.objects.filter(within(code)).aggregate(
        listed=Count("id"), revisited=Count("id", filter=Q(revisited_on__isnull=False)),
        found=Count("id", filter=Q(found_danger=True)))
    return counts


def summary_figures(code: str, *, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    houses = House.objects.filter(within(code), status=HouseStatus.STANDING).aggregate(
        houses=Count("id"),
        screened=Count("id", filter=~Q(screening_result="") | ~Q(grade=Grade.UNRATED)),
        grade_c=Count("id", filter=Q(grade=Grade.C)), grade_d=Count("id", filter=Q(grade=Grade.D)))
    ledger = LedgerEntry.objects.filter(within(code)).aggregate(
        on_ledger=Count("id"), closed=Count("id", filter=Q(status=EntryStatus.CLOSED)),
        red_alerts=Count("id", filter=Q(red_alert=True)))
    lookback = lookback_counts(code)
    return {**houses, **ledger, "lookback_listed": lookback["listed"],
            "lookback_revisited": lookback["revisited"], "lookback_found": lookback["found"],
            "lookback_coverage": rules.coverage(lookback["listed"], lookback["revisited"]),
            "as_of": today.isoformat()}
