"""Dates typed by clerks: the checks every verb makes of the date of an act."""

from datetime import date

from anju.errors import RuleViolation


def date_errors(value, field: str, label: str, today: date, *, required: bool = True,
                not_before: date | None = None, before_label: str = "") -> list[RuleViolation]:
    """Errors of an act's date, naming the field: missing, not a date, after today, or
    before the date it must follow (`not_before`, called `before_label`)."""
    if value is None:
        return [RuleViolation("field_required", f"{label}不能为空", field=field)] \
            if required else []
    if not isinstance(value, date):
        return [RuleViolation("invalid_value", f"{label}应为日期", field=field)]
    if value > today:
        return [RuleViolation("date_in_future", f"{label}不能晚于今天", field=field)]
    if not_before is not None and value < not_before:
        return [RuleViolation("date_out_of_order", f"{label}不能早于{before_label}"
                              f"（{not_before:%Y-%m-%d}）", field=field)]
    return []
