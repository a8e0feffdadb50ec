"""The data-quality checks of grading.md §4 (R-CJ-3) as a table of pure functions.

Each check reads a `HouseFacts` snapshot (the house's values, its household's, the latest
screening and appraisal, the responsible roles, the members' ID numbers) and answers the
(field, message) pairs where it fires. Saving one house and sweeping a county pass through the
same functions; nothing here touches the database.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from anju.appraisal.codes import PHOTO_RATINGS, AppraisalMethod, Component, SiteHazard
from anju.appraisal.rules import URBAN_FLOORS
from anju.registry.codes import (
    BUSINESS_USES,
    DANGEROUS_GRADES,
    Grade,
    ResponsibleRole,
    ScreeningResult,
)
from anju.registry.rules import MAX_FLOORS, MAX_RURAL_AREA, id_number_problem, id_number_valid

RULE = "R-CJ-3"
VERIFICATION_RULE = "verification_mismatch"
# The county boxes are rough rectangles around the inhabited area: a house up to about a
# kilometre beyond one is on the county's edge, not misplaced.
BOX_MARGIN = 0.01
_MAX_AREA = float(MAX_RURAL_AREA)


@dataclass(slots=True)
class LatestAppraisal:
    method: str
    appraised_on: date
    site: str
    components: dict
    computed_grade: str
    grade: str
    override_reason: str
    component_photos: dict


@dataclass(slots=True)
class HouseFacts:
    """What the checks read of one house. Numbers may be Decimal or float."""

    id: int
    division_code: str
    household_id: int | None
    head_name: str | None
    # The head's ID number is read in two steps: its keyed hash (empty when there is none) and
    # whether that hash is on record as a valid number; only an unknown one is decrypted.
    head_id_hash: str | None
    structure: str
    floors: int | None
    build_year_band: str
    built_year: int | None
    lat: object
    lng: object
    floor_area: object
    grade: str
    use: str
    occupancy: str
    is_only_house: bool
    head_id_known_valid: bool = False
    head_id_number: str | None = None  # decrypted only when not known to be valid
    members: tuple = ()  # (name, id_number or None when known valid, id_number_hash)
    responsible_roles: frozenset = frozenset()
    screening: tuple | None = None  # (result, checked_on) of the latest screening
    appraisal: LatestAppraisal | None = None


@dataclass(frozen=True)
class Context:
    today: date
    division_exists: Callable[[str], bool]
    county_box: Callable[[str], tuple | None]


# What a check reads beyond the house row; the loader fetches only what the checks need.
HOUSEHOLD, ID_NUMBERS, MEMBERS, RESPONSIBLE, SCREENING, APPRAISAL, DIVISIONS = (
    "household", "id_numbers", "members", "responsible", "screening", "appraisal", "divisions")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: cheap as a cache key
class Check:
    code: str
    kind: str
    label: str
    test: Callable[[HouseFacts, Context], tuple]
    needs: frozenset = field(default_factory=frozenset)
    # A check that can only fire when the house has this record ("appraisal", "screening")
    # is skipped for houses without one: most houses of a county have neither.
    only_with: str | None = None


NONE = ()


def _rural(facts: HouseFacts) -> LatestAppraisal | None:
    a = facts.appraisal
    return a if a is not None and a.method == AppraisalMethod.RURAL else None


# --- 错评 wrong_grade --------------------------------------------------------------------


def grade_without_reason(facts, ctx):
    a = _rural(facts)
    if a and a.computed_grade and a.grade != a.computed_grade and not a.override_reason.strip():
        return (("grade", f"鉴定等级 {a.grade} 与按构件计算的等级 {a.computed_grade} 不一致，"
                          "且未写明综合判定理由"),)
    return NONE


def dangerous_site_not_d(facts, ctx):
    a = _rural(facts)
    if a and a.site != SiteHazard.SAFE and a.grade != Grade.D:
        hazard = SiteHazard(a.site).label if a.site in SiteHazard.values else a.site
        return (("grade", f"场地存在{hazard}危险，房屋应评为 D 级，鉴定等级却为 {a.grade} 级"),)
    return NONE


def rural_form_for_multistorey(facts, ctx):
    if _rural(facts) and (facts.floors or 0) >= URBAN_FLOORS:
        return (("grade", f"{facts.floors} 层房屋应由有资质机构按城镇房屋鉴定标准鉴定，"
                          "不适用农村住房安全性鉴定表"),)
    return NONE


def serious_screening_graded_ab(facts, ctx):
    # grading.md §1: a serious screening calls for an appraisal; an A/B grade from before it
    # no longer describes the house.
    if facts.grade not in (Grade.A, Grade.B) or facts.screening is None:
        return NONE
    result, checked_on = facts.screening
    a = facts.appraisal
    if result == ScreeningResult.SERIOUS and (a is None or a.appraised_on < checked_on):
        return (("grade", f"{checked_on:%Y-%m-%d} 排查初判存在严重安全隐患，其后未经鉴定，"
                          f"不应仍为 {facts.grade} 级"),)
    return NONE


# --- 漏填 missing_field ------------------------------------------------------------------


def _blank(value: str | None) -> bool:
    return not value or not value.strip()


def owner_missing(facts, ctx):
    if facts.household_id is None:
        return (("household_id", "房屋未关联农户，产权人未填写"),)
    if _blank(facts.head_name):
        return (("head_name", "户主（产权人）姓名未填写"),)
    return NONE


def head_id_missing(facts, ctx):
    if facts.household_id is not None and not facts.head_id_hash:
        return (("head_id_number", "户主身份证号未填写"),)
    return NONE


def structure_missing(facts, ctx):
    return (("structure", "结构类型未填写"),) if _blank(facts.structure) else NONE


def storeys_missing(facts, ctx):
    return (("floors", "层数未填写"),) if not facts.floors else NONE


def build_year_band_missing(facts, ctx):
    return (("build_year_band", "建造年代未填写"),) if _blank(facts.build_year_band) else NONE


def coordinates_missing(facts, ctx):
    if facts.lat is None and facts.lng is None:
        return (("lat", "经纬度未填写"),)
    if facts.lat is None:
        return (("lat", "纬度未填写"),)
    if facts.lng is None:
        return (("lng", "经度未填写"),)
    return NONE


ROLE_LABELS = dict(ResponsibleRole.choices)
REQUIRED_RESPONSIBLE = (ResponsibleRole.OWNER, ResponsibleRole.USER, ResponsibleRole.SUPERVISOR)
REQUIRED_FOR_BUSINESS = (ResponsibleRole.COMPETENT_DEPARTMENT,
                         ResponsibleRole.APPROVING_DEPARTMENT)


def responsible_persons_missing(facts, ctx):
    # R-CJ-4: every C/D house on the ledger names its responsible persons; a business house
    # also its competent and approving departments.
    if facts.grade not in DANGEROUS_GRADES:
        return NONE
    wanted = REQUIRED_RESPONSIBLE + (REQUIRED_FOR_BUSINESS if facts.use in BUSINESS_USES
                                     else ())
    missing = [ROLE_LABELS[r] for r in wanted if r not in facts.responsible_roles]
    if missing:
        return (("responsible_persons", f"{facts.grade} 级危房未明确{'、'.join(missing)}"),)
    return NONE


def component_photos_missing(facts, ctx):
    # One finding per appraisal naming every component that needs a photo: those rated b, c
    # or d (a damaged component is what a photo proves); a component rated a needs none.
    a = _rural(facts)
    if a is None:
        return NONE
    missing = [f"{Component(name).label}（{rating} 级）" for name in Component.values
               if (rating := a.components.get(name)) in PHOTO_RATINGS
               and not a.component_photos.get(name)]
    if not missing:
        return NONE
    return (("component_photos", f"鉴定中{'、'.join(missing)}缺少照片，请补拍上传"),)


# --- 错填 wrong_field --------------------------------------------------------------------


def id_number_invalid(facts, ctx):
    # A number whose keyed hash is on record as valid is not decrypted and checked again.
    hits = []
    if (facts.head_id_hash and not facts.head_id_known_valid
            and not id_number_valid(facts.head_id_number or "")):
        hits.append(("head_id_number",
                     f"户主身份证号{id_number_problem(facts.head_id_number or '')}"))
    bad = [name for name, number, _ in facts.members
           if number is not None and not id_number_valid(number)]
    if bad:
        hits.append(("members", f"家庭成员{'、'.join(bad)}的身份证号有误"
                                "（位数、出生日期或最后一位校验码不对），请核对"))
    return tuple(hits)


def division_unknown(facts, ctx):
    if not ctx.division_exists(facts.division_code):
        return (("division_code", f"所在村区划代码 {facts.division_code} 不在区划表中"),)
    return NONE


def coordinates_outside_county(facts, ctx):
    box = ctx.county_box(facts.division_code)
    if box is None:
        return NONE
    south, north, west, east = box
    hits = []
    if facts.lat is not None and not south - BOX_MARGIN <= float(facts.lat) <= north + BOX_MARGIN:
        hits.append(("lat", f"纬度 {facts.lat} 不在所属县（市）范围内（北纬 {south}–{north}）"))
    if facts.lng is not None and not west - BOX_MARGIN <= float(facts.lng) <= east + BOX_MARGIN:
        hits.append(("lng", f"经度 {facts.lng} 不在所属县（市）范围内（东经 {west}–{east}）"))
    return tuple(hits)


def built_year_in_future(facts, ctx):
    if facts.built_year is not None and facts.built_year > ctx.today.year:
        return (("built_year", f"建造年份 {facts.built_year} 晚于今年"),)
    return NONE


def floor_area_out_of_range(facts, ctx):
    area = facts.floor_area
    if area is not None and not 0 < float(area) <= _MAX_AREA:
        return (("floor_area",
                 f"建筑面积 {area} ㎡ 不合理：应大于 0 且不超过 {MAX_RURAL_AREA} ㎡"),)
    return NONE


def floors_out_of_range(facts, ctx):
    if facts.floors is not None and facts.floors > MAX_FLOORS:
        return (("floors", f"层数 {facts.floors} 超过 {MAX_FLOORS} 层，不是农村自建房的层数"),)
    return NONE


W, M, F = "wrong_grade", "missing_field", "wrong_field"
CHECKS: tuple[Check, ...] = (
    Check("grade_without_reason", W, "等级与构件评定不符且无理由", grade_without_reason,
          frozenset({APPRAISAL}), APPRAISAL),
    Check("dangerous_site_not_d", W, "场地危险未评为 D 级", dangerous_site_not_d,
          frozenset({APPRAISAL}), APPRAISAL),
    Check("rural_form_for_multistorey", W, "三层及以上房屋按农村表鉴定", rural_form_for_multistorey,
          frozenset({APPRAISAL}), APPRAISAL),
    Check("serious_screening_graded_ab", W, "严重隐患未重新鉴定却为 A/B 级",
          serious_screening_graded_ab, frozenset({SCREENING, APPRAISAL}), SCREENING),
    Check("owner_missing", M, "产权人未填写", owner_missing, frozenset({HOUSEHOLD})),
    Check("head_id_missing", M, "户主身份证号未填写", head_id_missing, frozenset({HOUSEHOLD})),
    Check("structure_missing", M, "结构类型未填写", structure_missing),
    Check("storeys_missing", M, "层数未填写", storeys_missing),
    Check("build_year_band_missing", M, "建造年代未填写", build_year_band_missing),
    Check("coordinates_missing", M, "经纬度未填写", coordinates_missing),
    Check("responsible_persons_missing", M, "C/D 级危房责任人未明确",
          responsible_persons_missing, frozenset({RESPONSIBLE})),
    Check("component_photos_missing", M, "受损构件缺少照片", component_photos_missing,
          frozenset({APPRAISAL}), APPRAISAL),
    Check("id_number_invalid", F, "身份证号校验不通过", id_number_invalid,
          frozenset({HOUSEHOLD, ID_NUMBERS, MEMBERS})),
    Check("division_unknown", F, "区划代码不在区划表中", division_unknown,
          frozenset({DIVISIONS})),
    Check("coordinates_outside_county", F, "经纬度不在所属县（市）范围内",
          coordinates_outside_county),
    Check("built_year_in_future", F, "建造年份晚于今年", built_year_in_future),
    Check("floor_area_out_of_range", F, "建筑面积不合理", floor_area_out_of_range),
    Check("floors_out_of_range", F, "层数超过 10 层", floors_out_of_range),
)
BY_CODE = {c.code: c for c in CHECKS}
RULE_LABELS = {c.code: c.label for c in CHECKS} | {VERIFICATION_RULE: "核实比对不一致"}


def needs_of(checks) -> frozenset:
    return frozenset().union(*(c.needs for c in checks))


@lru_cache(maxsize=64)
def _plan(checks: tuple, has_appraisal: bool, has_screening: bool) -> tuple:
    present = {APPRAISAL: has_appraisal, SCREENING: has_screening}
    return tuple(c for c in checks if c.only_with is None or present[c.only_with])


def evaluate(facts: HouseFacts, ctx: Context, checks: tuple = CHECKS) -> dict:
    """{(rule, field): (kind, message)} for every check that fires on this house."""
    hits = {}
    for check in _plan(checks, facts.appraisal is not None, facts.screening is not None):
        for hit_field, message in check.test(facts, ctx):
            hits[(check.code, hit_field)] = (check.kind, message)
    return hits
