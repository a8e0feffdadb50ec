"""Which policy numbers apply where and when (domain.md: *profile* values, §8)."""

from datetime import date
from decimal import Decimal

import pytest

from anju.kit.errors import RuleViolation
from anju.policy.models import PolicyProfile
from anju.policy.profiles import CHANGJI_2023, MEIHEKOU_2021, NATIONAL_2022
from anju.policy.rules import profile_for

MEIHEKOU_VILLAGE = "220581100001"
CHANGJI_VILLAGE = "652301100001"
TODAY = date(2026, 6, 1)


def test_meihekou_village_works_by_the_meihekou_plan(db):
    profile = profile_for(MEIHEKOU_VILLAGE, TODAY)
    assert profile.code == "meihekou-2021"
    assert (profile.cap_c_repair, profile.cap_d_rebuild) == (Decimal("10000"), Decimal("40000"))
    assert (profile.notice_days, profile.payment_days) == (7, 30)  # R-MH-4, R-MH-12
    assert profile.low_income_programme == "renovation"


def test_changji_village_works_by_the_changji_notice(db):
    profile = profile_for(CHANGJI_VILLAGE, TODAY)
    assert profile.code == "changji-2023"
    # R-CJ-9: low-income households' dangerous houses go into the seismic programme
    assert profile.low_income_programme == "seismic"
    assert profile.seismic_intensity == 8


def test_changji_notice_applies_only_from_its_date(db):
    assert profile_for(CHANGJI_VILLAGE, date(2023, 8, 17)).code == "meihekou-2021"
    assert profile_for(CHANGJI_VILLAGE, date(2023, 8, 18)).code == "changji-2023"


def test_a_more_specific_region_with_local_numbers_wins_within_its_dates(db):
    PolicyProfile.objects.create(
        division_prefix="220581100", base="meihekou-2021", name="山城镇 2025 年调整",
        effective_from=date(2025, 1, 1), effective_to=date(2025, 12, 31),
        overrides={"notice_days": 10, "cap_c_repair": "12000"})
    inside = profile_for(MEIHEKOU_VILLAGE, date(2025, 6, 1))
    assert (inside.notice_days, inside.cap_c_repair) == (10, Decimal("12000"))
    assert inside.cap_d_rebuild == Decimal("40000")  # what is not overridden stays
    assert profile_for(MEIHEKOU_VILLAGE, date(2026, 1, 1)).notice_days == 7
    assert profile_for(MEIHEKOU_VILLAGE, date(2024, 12, 31)).notice_days == 7
    assert profile_for("220581101001", date(2025, 6, 1)).notice_days == 7  # 红梅镇


def test_local_numbers_from_json_keep_their_types(db):
    PolicyProfile.objects.create(
        division_prefix="652301", base="changji-2023", name="昌吉市调整",
        effective_from=date(2025, 1, 1),
        overrides={"national_minimums": ["22", 32, 42.5], "use_national_minimums": True,
                   "main_area_max_small_household": "60", "payment_days": "20",
                   "cap_d_rebuild": 35000, "implementation_window": [[6, 1], [9, 30]]})
    profile = profile_for(CHANGJI_VILLAGE, TODAY)
    assert profile.national_minimums == (Decimal("22"), Decimal("32"), Decimal("42.5"))
    assert profile.payment_days == 20
    assert profile.cap_d_rebuild == Decimal("35000")
    assert profile.implementation_window == ((6, 1), (9, 30))
    assert profile.main_area_bounds(1) == (Decimal("22"), Decimal("60"))
    assert profile.cap_c_repair is None  # what the region did not enter stays unknown


def test_unknown_policy_parameter_is_refused():
    with pytest.raises(KeyError):
        MEIHEKOU_2021.with_overrides({"subsidy_for_cars": 1})


@pytest.mark.parametrize("profile, persons, low, high", [
    # §8 national minimums for rebuilt houses: 20 / 30 / 40 m², then 13 m² a person
    (NATIONAL_2022, 1, 20, 60), (NATIONAL_2022, 2, 30, 60), (NATIONAL_2022, 3, 40, 60),
    (NATIONAL_2022, 4, 52, 72),
    # R-MH-7 Meihekou: 13 m² a person; ≤ 60 m² up to 3 persons, ≤ 18 m² a person above
    (MEIHEKOU_2021, 1, 13, 60), (MEIHEKOU_2021, 2, 26, 60), (MEIHEKOU_2021, 3, 39, 60),
    (MEIHEKOU_2021, 4, 52, 72), (MEIHEKOU_2021, 6, 78, 108),
])
def test_main_house_area_bounds_by_household_size(profile, persons, low, high):
    assert profile.main_area_bounds(persons) == (Decimal(low), Decimal(high))


def test_area_bounds_reach_the_profiles_through_the_division(db):
    PolicyProfile.objects.create(
        division_prefix="652301", base="national-2022", name="昌吉市采用全国面积标准",
        effective_from=date(2025, 1, 1))
    assert profile_for(CHANGJI_VILLAGE, TODAY).main_area_bounds(1)[0] == Decimal("20")
    assert profile_for(CHANGJI_VILLAGE, TODAY).main_area_bounds(2)[0] == Decimal("30")
    assert profile_for(MEIHEKOU_VILLAGE, TODAY).main_area_bounds(1)[0] == Decimal("13")
    assert profile_for(MEIHEKOU_VILLAGE, TODAY).main_area_bounds(2)[0] == Decimal("26")


def test_before_any_profile_the_default_numbers_apply(db):
    assert profile_for(MEIHEKOU_VILLAGE, date(2020, 1, 1)) == MEIHEKOU_2021


def test_changji_profile_carries_only_the_changji_numbers(db):
    """R-CJ-9: "Changji's notice sets no subsidy caps, area standards or yearly windows, so
    none are borrowed from Meihekou"; its own deadlines are 2023-10-31 and 2023-09-12."""
    profile = profile_for(CHANGJI_VILLAGE, TODAY)
    for name in ("cap_c_repair", "cap_d_rebuild", "cap_new_build", "cap_public_housing",
                 "cap_co_owned_c", "cap_co_owned_d", "main_area_min_per_person",
                 "main_area_max_small_household", "main_area_max_per_person",
                 "auxiliary_ratio_max", "fully_subsidised_area", "payment_days",
                 "old_house_demolition_months", "implementation_window", "acceptance_window"):
        assert getattr(profile, name) is None, name
    assert profile.tasks_due_on == date(2023, 10, 31)
    assert profile.summary_due_on == date(2023, 9, 12)
    assert MEIHEKOU_2021.tasks_due_on is None  # Meihekou's plan names no such dates
    assert profile.control_order_days == 3  # R-CJ-2: "default 3"


def test_a_number_the_region_does_not_give_is_refused_by_name():
    with pytest.raises(RuleViolation) as refused:
        CHANGJI_2023.need("cap_d_rebuild", field="subsidy_amount")
    error = refused.value
    assert (error.code, error.rule, error.field) == (
        "profile_value_unknown", "R-MH-6", "subsidy_amount")
    assert error.message == "本地区政策未规定D 级危房拆除重建补助上限（请由县级录入本地标准）"
    with pytest.raises(RuleViolation, match="本地区政策未规定主房人均面积下限"):
        CHANGJI_2023.main_area_bounds(2)
    assert MEIHEKOU_2021.need("cap_d_rebuild") == Decimal("40000")


def test_an_override_may_clear_a_number_back_to_unknown():
    profile = MEIHEKOU_2021.with_overrides({"payment_days": None, "tasks_due_on": "2024-10-31"})
    assert profile.payment_days is None
    assert profile.tasks_due_on == date(2024, 10, 31)
