"""The rules of the monthly roster cycle (以人找房, national-exchange.md N4), as plain
functions: the two clocks of the profile, the ID cell Excel mangled, and the state of a
person's row from what the register holds."""

import re
from dataclasses import dataclass
from datetime import date

from anju.policy.profiles import Profile
from anju.roster.codes import ClosedBy, PersonStatus

RULE = "N4"
_PERIOD = re.compile(r"(\d{4})-(\d{2})")
# How Excel shows a long number it keeps as a number (1.10105E+17), and writes it to CSV.
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")


def parse_period(text: str) -> tuple[int, int] | None:
    match = _PERIOD.fullmatch(text or "")
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return int(match[1]), int(match[2])


def period_start(period: str) -> date:
    year, month = parse_period(period)
    return date(year, month, 1)


def _next_month(period: str, day: int) -> date:
    year, month = parse_period(period)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, min(day, 28))


def list_due_on(period: str, profile: Profile) -> date:
    """N4: civil affairs and rural revitalisation hand over last month's people by the 5th."""
    return _next_month(period, profile.roster_list_day)


def appraisal_due_on(period: str, profile: Profile) -> date:
    """N4: the township appraises each listed person's only house by the 20th."""
    return _next_month(period, profile.roster_appraisal_day)


def mangled_id(value) -> str | None:
    """The Chinese message for an ID cell Excel stored as a number (its last digits are lost
    beyond 15 significant ones, and an 'X' cannot be a number at all); None when it is text."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        shown = f"{value:.5E}" if isinstance(value, float) and abs(value) >= 1e11 else value
        return (f"身份证号被 Excel 存成了数字（{shown}），后几位已经丢失：请把这一列设为"
                "“文本”格式，重新录入或粘贴身份证号后再上传")
    text = str(value).strip()
    if _SCIENTIFIC.fullmatch(text):
        return (f"身份证号是科学计数法（{text}），Excel 把它当成了数字，后几位已经丢失：请把"
                "这一列设为“文本”格式，重新录入或粘贴身份证号后再上传")
    return None


@dataclass(frozen=True)
class Facts:
    """What a person's row depends on, read from the register at once for a whole list."""

    removed: bool
    household: bool
    standing_houses: int
    appraisal_due_on: date
    # the latest appraisal of the house since the roster month began: (grade, date)
    appraisal: tuple[str, date] | None = None
    # the house's latest ledger entry: (status, closed_on, programme)
    entry: tuple[str, date | None, str] | None = None
    # the household's latest case of this house: (status, date of its last move)
    case: tuple[str, date | None] | None = None


@dataclass(frozen=True)
class State:
    status: str
    closed_by: str = ""
    closed_on: date | None = None
    grade: str = ""
    appraised_on: date | None = None


CASE_DONE = frozenset({"accepted", "paid", "closed"})


def state_of(facts: Facts, today: date) -> State:
    """The row's state (N4): closed by 销号 through the case or the ledger, or by an A/B
    appraisal; a C/D house is dangerous until then; an unappraised house is late after the
    profile's day."""
    if facts.removed:
        return State(PersonStatus.REMOVED)
    if not facts.household:
        return State(PersonStatus.UNMATCHED)
    if facts.standing_houses == 0:
        return State(PersonStatus.NO_HOUSE)
    if facts.standing_houses > 1:
        return State(PersonStatus.SEVERAL_HOUSES)
    grade, appraised_on = facts.appraisal or ("", None)
    if facts.case and facts.case[0] in CASE_DONE:
        return State(PersonStatus.CLOSED, ClosedBy.CASE, facts.case[1], grade, appraised_on)
    if facts.entry:
        status, closed_on, _ = facts.entry
        if status != "closed":
            return State(PersonStatus.DANGEROUS, grade=grade, appraised_on=appraised_on)
        if facts.appraisal is None or (closed_on and closed_on >= appraised_on):
            return State(PersonStatus.CLOSED, ClosedBy.LEDGER, closed_on, grade, appraised_on)
    if facts.appraisal is not None:
        if grade in ("A", "B"):
            return State(PersonStatus.CLOSED, ClosedBy.APPRAISAL, appraised_on, grade,
                         appraised_on)
        return State(PersonStatus.DANGEROUS, grade=grade, appraised_on=appraised_on)
    if today > facts.appraisal_due_on:
        return State(PersonStatus.LATE)
    return State(PersonStatus.AWAITING)
