"""The numbers of the policy texts, as a typed record per region and period.

Meihekou 2021 (梅政办发〔2021〕17号) is the default; Changji/Xinjiang (昌州农排函〔2023〕1号)
ships beside it. A region's profile stores only what differs from the default.
"""

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    # R-MH-6 subsidy caps, yuan per household
    cap_c_repair: Decimal = Decimal("10000")
    cap_d_rebuild: Decimal = Decimal("40000")
    cap_new_build: Decimal = Decimal("40000")
    cap_public_housing: Decimal = Decimal("40000")
    cap_co_owned_c: Decimal = Decimal("10000")
    cap_co_owned_d: Decimal = Decimal("40000")
    # R-MH-7 area standards, m²
    main_area_min_per_person: Decimal = Decimal("13")
    main_area_max_small_household: Decimal = Decimal("60")  # households of <= 3 persons
    small_household_persons: int = 3
    main_area_max_per_person: Decimal = Decimal("18")  # households of > 3 persons
    auxiliary_ratio_max: Decimal = Decimal("0.5")
    fully_subsidised_area: Decimal = Decimal("40")
    # §8 national minimums for rebuilt houses by persons (1, 2, 3), then per person above
    national_minimums: tuple = (Decimal("20"), Decimal("30"), Decimal("40"))
    national_min_per_person_above: Decimal = Decimal("13")
    use_national_minimums: bool = False
    # intervals and deadlines, days unless named otherwise
    notice_days: int = 7  # R-MH-4
    payment_days: int = 30  # R-MH-12
    old_house_demolition_months: int = 1  # R-MH-11
    rental_min_years: int = 5  # R-MH-5
    # R-MH-5: the plan asks the host to renovate a dangerous house "限期" without naming the
    # period; three months is Anju's default until a region enters its own.
    relatives_host_renovation_months: int = 3
    # R-MH-5 孤寡: the plan names no age; 60 is the age of an elderly person in law
    # (老年人权益保障法 第二条).
    nursing_home_min_age: int = 60
    control_check_interval_days: int = 30  # R-CJ-7
    periodic_inspection_interval_days: int = 365  # R-MH-14
    finding_deadline_days: int = 15  # R-CJ-3
    # R-CJ-9 where a low-income household's C/D house is routed: renovation or seismic programme
    low_income_programme: str = "renovation"
    # N4 以人找房: last month's lists by this day of the month, each listed person's only
    # house appraised by that day (national-exchange.md N4)
    roster_list_day: int = 5
    roster_appraisal_day: int = 20
    seismic_intensity: int = 7  # >= 8 makes the seismic appraisal items required
    # R-MH-15 yearly windows as (month, day) pairs
    implementation_window: tuple = ((7, 15), (9, 30))
    acceptance_window: tuple = ((10, 1), (10, 30))
    sources: tuple = field(default=())

    def as_dict(self) -> dict:
        return asdict(self)

    def with_overrides(self, overrides: dict) -> "Profile":
        known = {f.name: f for f in fields(self)}
        clean = {}
        for key, value in overrides.items():
            if key not in known:
                raise KeyError(f"unknown policy parameter {key!r}")
            default = getattr(self, key)
            # Overrides come from JSON: numbers may arrive as strings, tuples as lists.
            if isinstance(default, Decimal):
                value = Decimal(str(value))
            elif isinstance(default, tuple) and default and isinstance(default[0], Decimal):
                value = tuple(Decimal(str(v)) for v in value)
            elif isinstance(default, tuple):
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            elif isinstance(default, int) and not isinstance(default, bool):
                value = int(value)
            clean[key] = value
        return replace(self, **clean)

    def main_area_bounds(self, persons: int) -> tuple[Decimal, Decimal]:
        """R-MH-7: (minimum, maximum) main-house area for a household of `persons`."""
        if self.use_national_minimums:
            if persons <= len(self.national_minimums):
                low = self.national_minimums[persons - 1]
            else:
                low = self.national_min_per_person_above * persons
        else:
            low = self.main_area_min_per_person * persons
        if persons <= self.small_household_persons:
            high = self.main_area_max_small_household
        else:
            high = self.main_area_max_per_person * persons
        return low, max(low, high)


MEIHEKOU_2021 = Profile(
    code="meihekou-2021",
    name="梅河口市农村住房安全保障实施方案（2021）",
    sources=("梅政办发〔2021〕17号",),
)

CHANGJI_2023 = replace(
    MEIHEKOU_2021,
    code="changji-2023",
    name="昌吉州农村房屋安全隐患排查整治（2023）",
    # The notice routes low-income households' dangerous houses into the seismic programme
    # (农房抗震防灾工程) and Changji lies in seismic intensity 8 areas; it sets no caps of its
    # own, so the national rebuilt-house minimums (domain.md §8) apply with default caps.
    low_income_programme="seismic",
    seismic_intensity=8,
    use_national_minimums=True,
    sources=("昌州农排函〔2023〕1号",),
)

SHIPPED = {p.code: p for p in (MEIHEKOU_2021, CHANGJI_2023)}
DEFAULT = MEIHEKOU_2021

# (profile code, division prefix, effective from, effective to) installed by migration
SHIPPED_ASSIGNMENTS = (
    ("meihekou-2021", "", date(2021, 8, 9), None),
    ("changji-2023", "6523", date(2023, 8, 18), None),
)
