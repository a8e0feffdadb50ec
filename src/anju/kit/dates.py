"""Dates typed by clerks: the checks every verb makes of the date of an act."""

from datetime import date

from anju.kit.errors import Code, RuleViolation

# No act of the register predates 1949; an earlier date is a typing slip (0218 for 2018).
EARLIEST = date(1949, 1, 1)


def date_errors(value, field: str, label: str, today: date, *, required: bool = True,
                not_before: date | None = None, before_label: str = "",
                plan: bool = False) -> list[RuleViolation]:
    """Errors of an act's date, naming the field: missing, not a date, before 1949, after
    today (unless it is a `plan`: a deadline or an end still to come), or before the date it
    must follow (`not_before`, called `before_label`)."""
    if value is None:
        return [RuleViolation(Code.FIELD_REQUIRED, f"{label}不能为空", field=field)] \
            if required else []
    if not isinstance(value, date):
        return [RuleViolation(Code.INVALID_VALUE, f"{label}应为日期", field=field)]
    if value < EARLIEST:
        return [RuleViolation(Code.DATE_TOO_EARLY, f"{label}不能早于{EARLIEST.year}年"
                              f"（填写的是 {value.isoformat()}）", field=field)]
    if value > today and not plan:
        return [RuleViolation(Code.DATE_IN_FUTURE, f"{label}不能晚于今天", field=field)]
    if not_before is not None and value < not_before:
        return [RuleViolation(Code.DATE_OUT_OF_ORDER, f"{label}不能早于{before_label}"
                              f"（{not_before:%Y-%m-%d}）", field=field)]
    return []
