"""R-CJ-9: a region's profile carries only the numbers its own policy gives. Where Changji's
notice sets no cap, area standard, payment days or yearly window, the rules that need the
number refuse with profile_value_unknown instead of using Meihekou's."""

from datetime import date
from decimal import Decimal

import pytest

from anju.assistance import present, rules
from anju.kit.errors import RuleViolation
from anju.policy.profiles import CHANGJI_2023, MEIHEKOU_2021


def _refused(read) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        read()
    assert refused.value.code == "profile_value_unknown"
    assert "（请由县级录入本地标准）" in refused.value.message
    return refused.value


def test_no_subsidy_cap_is_borrowed_from_meihekou_for_changji():
    error = _refused(lambda: rules.subsidy_cap(CHANGJI_2023, "rebuild", "D"))
    assert (error.rule, error.field) == ("R-MH-6", "subsidy_amount")
    assert "D 级危房拆除重建补助上限" in error.message
    assert rules.subsidy_cap(MEIHEKOU_2021, "rebuild", "D") == Decimal("40000")


def test_area_standard_unknown_in_changji_is_refused_naming_the_value():
    error = _refused(lambda: rules.area_problems(
        CHANGJI_2023, "rebuild", persons=2, main_area=Decimal("50"),
        auxiliary_area=Decimal("10")))
    assert (error.rule, error.field) == ("R-MH-7", "main_area")
    assert error.message.startswith("本地区政策未规定")


def test_payment_days_and_old_house_limit_unknown_in_changji():
    assert _refused(lambda: rules.payment_due(date(2024, 5, 1), CHANGJI_2023)).rule == "R-MH-12"
    assert _refused(lambda: rules.old_house_due(date(2024, 5, 1), CHANGJI_2023)).rule == \
        "R-MH-11"
    assert rules.payment_due(date(2024, 5, 1), MEIHEKOU_2021) == date(2024, 5, 31)


def test_without_yearly_windows_no_case_is_late_against_them():
    """R-MH-15 windows are Meihekou's; a Changji case is never flagged late against them."""
    late = dict(completed=False, accepted=False, today=date(2024, 12, 1))
    assert rules.late_against_windows(CHANGJI_2023, 2024, **late) is False
    assert rules.late_against_windows(MEIHEKOU_2021, 2024, **late) is True


def test_pages_show_unknown_instead_of_a_number():
    assert present.shown(lambda: CHANGJI_2023.main_area_bounds(2), (None, None)) == (None, None)
    assert present.shown(lambda: rules.subsidy_cap(CHANGJI_2023, "repair_reinforce", "C")) \
        is None
    assert present.shown(lambda: rules.subsidy_cap(MEIHEKOU_2021, "repair_reinforce", "C")) \
        == Decimal("10000")


@pytest.mark.django_db
def test_a_changji_application_page_is_told_the_numbers_are_not_set_there():
    """Where a number is unknown the page says so instead of using Meihekou's."""
    from anju.conftest import CHANGJI_V1, SHANCHENG_V1

    changji = present.standards(CHANGJI_V1, house=None, persons=2, on=date(2026, 6, 1))
    assert (changji.area_low, changji.area_high, changji.auxiliary_ratio) == (None, None, None)
    assert {cap for _, _, cap in changji.methods} <= {None, Decimal("0")}
    meihekou = present.standards(SHANCHENG_V1, house=None, persons=2, on=date(2026, 6, 1))
    assert (meihekou.area_low, meihekou.area_high) == (Decimal("26"), Decimal("60"))
