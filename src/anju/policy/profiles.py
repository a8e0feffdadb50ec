"""The numbers of the policy texts, as a typed record per region and period.

Meihekou 2021 (梅政办发〔2021〕17号) is the default; Changji/Xinjiang (昌州农排函〔2023〕1号)
ships beside it. A region's profile stores only what differs from the default.
"""

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from decimal import Decimal

from anju.kit.errors import Code, RuleViolation

UNKNOWN = "本地区政策未规定"

# What a value is called where a page or a refusal names it, and the rule that asks for it.
LABELS: dict[str, tuple[str, str]] = {
    "cap_c_repair": ("C 级危房维修加固补助上限", "R-MH-6"),
    "cap_d_rebuild": ("D 级危房拆除重建补助上限", "R-MH-6"),
    "cap_new_build": ("无房户新建补助上限", "R-MH-6"),
    "cap_public_housing": ("保障性公有住房补助上限", "R-MH-6"),
    "cap_co_owned_c": ("共有产权 C 级房屋补助上限", "R-MH-6"),
    "cap_co_owned_d": ("共有产权 D 级房屋补助上限", "R-MH-6"),
    "main_area_min_per_person": ("主房人均面积下限", "R-MH-7"),
    "main_area_max_small_household": ("3 人及以下农户主房面积上限", "R-MH-7"),
    "main_area_max_per_person": ("3 人以上农户主房人均面积上限", "R-MH-7"),
    "auxiliary_ratio_max": ("辅助用房面积占主房比例上限", "R-MH-7"),
    "fully_subsidised_area": ("兜底保障户建筑面积", "R-MH-7"),
    "payment_days": ("竣工验收后补助资金拨付期限", "R-MH-12"),
    "old_house_demolition_months": ("原有 D 级住房拆除期限", "R-MH-11"),
    "implementation_window": ("年度实施期", "R-MH-15"),
    "acceptance_window": ("年度验收期", "R-MH-15"),
    "evidence_presence_required": ("关键节点检查、验收和抽查须有现场取证", "R-MH-9"),
    "evidence_gps_accuracy_max_m": ("现场取证定位精度上限（米）", "R-MH-9"),
    "evidence_distance_max_m": ("现场取证位置与房屋坐标距离上限（米）", "R-MH-9"),
    "evidence_photo_time_tolerance_minutes": ("照片拍摄时间与采集时间相差上限（分钟）", "R-MH-9"),
    "evidence_photo_reuse_bits": ("判定为同一张照片的感知哈希差异位数上限", "R-MH-13"),
}


@dataclass(frozen=True)
class Profile:
    """None is a number the region's own policy does not give (R-CJ-9): it is never borrowed
    from another region; a reader that needs it to decide asks `need`."""

    code: str
    name: str
    # R-MH-6 subsidy caps, yuan per household
    cap_c_repair: Decimal | None = Decimal("10000")
    cap_d_rebuild: Decimal | None = Decimal("40000")
    cap_new_build: Decimal | None = Decimal("40000")
    cap_public_housing: Decimal | None = Decimal("40000")
    cap_co_owned_c: Decimal | None = Decimal("10000")
    cap_co_owned_d: Decimal | None = Decimal("40000")
    # R-MH-7 area standards, m²
    main_area_min_per_person: Decimal | None = Decimal("13")
    main_area_max_small_household: Decimal | None = Decimal("60")  # households of <= 3 persons
    small_household_persons: int = 3
    main_area_max_per_person: Decimal | None = Decimal("18")  # households of > 3 persons
    auxiliary_ratio_max: Decimal | None = Decimal("0.5")
    fully_subsidised_area: Decimal | None = Decimal("40")
    # §8 national minimums for rebuilt houses by persons (1, 2, 3), then per person above
    national_minimums: tuple = (Decimal("20"), Decimal("30"), Decimal("40"))
    national_min_per_person_above: Decimal = Decimal("13")
    use_national_minimums: bool = False
    # intervals and deadlines, days unless named otherwise
    notice_days: int = 7  # R-MH-4
    # R-MH-4 三级公示: the levels whose notice must have run before approval (a region may
    # name fewer)
    publicity_levels: tuple = ("village", "township", "county")
    payment_days: int | None = 30  # R-MH-12
    old_house_demolition_months: int | None = 1  # R-MH-11
    rental_min_years: int = 5  # R-MH-5
    # R-MH-5: the plan asks the host to renovate a dangerous house "限期" without naming the
    # period; three months is Anju's default until a region enters its own.
    relatives_host_renovation_months: int = 3
    # R-MH-5 孤寡: the plan names no age; 60 is the age of an elderly person in law
    # (老年人权益保障法 第二条).
    nursing_home_min_age: int = 60
    control_check_interval_days: int = 30  # R-CJ-7
    control_order_days: int = 3  # R-CJ-2: an ordered control not carried out by then is overdue
    # R-CJ-7 村民监督: a villager's report at a warning sign is checked by the township within
    # this many days (the notice names no number; three is the platform's own default)
    villager_report_days: int = 3
    periodic_inspection_interval_days: int = 365  # R-MH-14
    # R-MH-10a 严禁…空置: a handed-over house still not lived in after this many days is
    # flagged. The plan names no number; 90 days is the platform's own default.
    empty_after_handover_days: int = 90
    finding_deadline_days: int = 15  # R-CJ-3
    # R-MH-9/R-MH-10 on site, evidence (ADR 0048): the plans name no numbers; these are the
    # platform's defaults. A fix worse than the accuracy, a position farther than the distance
    # from the house, a camera clock farther than the tolerance from the capture is flagged;
    # photos within the bits of one another are one photo (at most 3: the index's bands).
    # Where a region turns it on (its recorded profile), the presence acts (stage inspection,
    # acceptance, the ledger's acceptance, spot check) each rest on a capture of the house and
    # act, its flags cleared or accepted. Off by default: the plans ask for the visit, not for
    # a phone's record of it, and the HTTP contract records these acts without one; a capture
    # that is given is checked either way.
    evidence_presence_required: bool = False
    evidence_gps_accuracy_max_m: int = 50
    evidence_distance_max_m: int = 200
    evidence_photo_time_tolerance_minutes: int = 60
    evidence_photo_reuse_bits: int = 3
    # R-CJ-9 where a low-income household's C/D house is routed: renovation or seismic programme
    low_income_programme: str = "renovation"
    # N4 以人找房: last month's lists by this day of the month, each listed person's only
    # house appraised by that day (national-exchange.md N4)
    roster_list_day: int = 5
    roster_appraisal_day: int = 20
    seismic_intensity: int = 7  # >= 8 makes the seismic appraisal items required
    # R-MH-15 yearly windows as (month, day) pairs; None (or empty) where a region sets none
    implementation_window: tuple | None = ((7, 15), (9, 30))
    acceptance_window: tuple | None = ((10, 1), (10, 30))
    # R-CJ-9 / §6: the region's own deadlines, where its notice sets them
    tasks_due_on: date | None = None
    summary_due_on: date | None = None
    sources: tuple = field(default=())

    def as_dict(self) -> dict:
        return asdict(self)

    def need(self, name: str, *, field: str | None = None):
        """The value `name`, or the refusal that says the region's policy does not give it."""
        value = getattr(self, name)
        if value is None:
            label, rule = LABELS.get(name, (name, None))
            raise RuleViolation(Code.PROFILE_VALUE_UNKNOWN,
                                f"{UNKNOWN}{label}（请由县级录入本地标准）",
                                field=field, rule=rule)
        return value

    def with_overrides(self, overrides: dict) -> "Profile":
        # The type of a value is the shipped default's (a region's None has no type).
        known = {f.name: f for f in fields(self)}
        clean = {}
        for key, value in overrides.items():
            if key not in known:
                raise KeyError(f"unknown policy parameter {key!r}")
            default = known[key].default
            if value is None or value == [] or value == ():
                clean[key] = None if value is None else ()
                continue
            # Overrides come from JSON: numbers may arrive as strings, tuples as lists.
            if isinstance(default, Decimal):
                value = Decimal(str(value))
            elif isinstance(default, tuple) and default and isinstance(default[0], Decimal):
                value = tuple(Decimal(str(v)) for v in value)
            elif isinstance(default, tuple):
                value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
            elif isinstance(default, int) and not isinstance(default, bool):
                value = int(value)
            elif key.endswith("_on") and isinstance(value, str):
                value = date.fromisoformat(value)
            clean[key] = value
        return replace(self, **clean)

    def main_area_bounds(self, persons: int) -> tuple[Decimal, Decimal]:
        """R-MH-7: (minimum, maximum) main-house area for a household of `persons`; a bound
        the region's policy does not give is refused by `need`."""
        if self.use_national_minimums:
            if persons <= len(self.national_minimums):
                low = self.national_minimums[persons - 1]
            else:
                low = self.national_min_per_person_above * persons
        else:
            low = self.need("main_area_min_per_person", field="main_area") * persons
        if persons <= self.small_household_persons:
            high = self.need("main_area_max_small_household", field="main_area")
        else:
            high = self.need("main_area_max_per_person", field="main_area") * persons
        return low, max(low, high)


MEIHEKOU_2021 = Profile(
    code="meihekou-2021",
    name="梅河口市农村住房安全保障实施方案（2021）",
    sources=("梅政办发〔2021〕17号",),
)

# §8: the national wording (2022 county texts) for rebuilt houses, for a region that adopts it.
NATIONAL_2022 = replace(
    MEIHEKOU_2021,
    code="national-2022",
    name="农村危房改造面积标准（全国县级文本 2022）",
    use_national_minimums=True,
    sources=("2022 年县级农村危房改造实施方案（国家表述）",),
)

CHANGJI_2023 = Profile(
    code="changji-2023",
    name="昌吉州农村房屋安全隐患排查整治（2023）",
    # R-CJ-9: the notice routes low-income households' dangerous houses into the seismic
    # programme (农房抗震防灾工程) and Changji lies in seismic intensity 8 areas. It sets no
    # subsidy caps, area standards, yearly windows or payment days: those stay unknown until
    # the region enters its own (a PolicyProfile's overrides), never Meihekou's.
    cap_c_repair=None, cap_d_rebuild=None, cap_new_build=None, cap_public_housing=None,
    cap_co_owned_c=None, cap_co_owned_d=None,
    main_area_min_per_person=None, main_area_max_small_household=None,
    main_area_max_per_person=None, auxiliary_ratio_max=None, fully_subsidised_area=None,
    payment_days=None, old_house_demolition_months=None,
    implementation_window=None, acceptance_window=None,
    low_income_programme="seismic",
    seismic_intensity=8,
    # its own deadlines: all tasks by 31 Oct 2023, the county work summary by 12 Sep 2023
    tasks_due_on=date(2023, 10, 31),
    summary_due_on=date(2023, 9, 12),
    sources=("昌州农排函〔2023〕1号",),
)

SHIPPED = {p.code: p for p in (MEIHEKOU_2021, CHANGJI_2023, NATIONAL_2022)}
DEFAULT = MEIHEKOU_2021

# (profile code, division prefix, effective from, effective to) installed by migration
SHIPPED_ASSIGNMENTS = (
    ("meihekou-2021", "", date(2021, 8, 9), None),
    ("changji-2023", "6523", date(2023, 8, 18), None),
)
