"""The screening and grading rules of grading.md §2–3 as pure functions. No database here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from anju.appraisal.codes import (
    NOT_APPLICABLE,
    RATING_CHOICES,
    Component,
    ItemLevel,
    Prevention,
    SeismicItem,
    SiteHazard,
)
from anju.kit.errors import Code, RuleViolation
from anju.registry.codes import Grade, ScreeningResult

if TYPE_CHECKING:  # the commands read here are built by the verbs' callers
    from anju.appraisal.commands import RecordAppraisal, ScreeningItem

RULE = "R-CJ-2"
GRADES = ("A", "B", "C", "D")
URBAN_FLOORS = 3  # grading.md §3: three or more storeys need an urban appraisal
ESCALATING_KINDS = 3  # general items of >= 3 different kinds make the house serious
ESCALATING_PLACES = 3  # >= 3 places showing one general kind make it serious
SEISMIC_REQUIRED_FROM = 8  # intensity from which the seismic items are required


@dataclass(frozen=True)
class Item:
    kind: str
    level: str
    count: int = 1


def screening_result(items: list[Item], *, altered_without_design: bool) -> str:
    """grading.md §2: serious / some / none, never a grade."""
    general = [i for i in items if i.level == ItemLevel.GENERAL]
    if any(i.level == ItemLevel.SERIOUS for i in items):
        return ScreeningResult.SERIOUS
    if len({i.kind for i in general}) >= ESCALATING_KINDS:
        return ScreeningResult.SERIOUS
    places: dict[str, int] = {}
    for item in general:
        places[item.kind] = places.get(item.kind, 0) + item.count
    if any(n >= ESCALATING_PLACES for n in places.values()):
        return ScreeningResult.SERIOUS
    if general or altered_without_design:
        return ScreeningResult.SOME
    return ScreeningResult.NONE


def computed_grade(site: str, components: dict[str, str]) -> str | None:
    """grading.md §3 stage 3; None while an applicable component has no rating."""
    if site != SiteHazard.SAFE:
        return Grade.D
    ratings = [components.get(c) for c in Component.values]
    if any(r is None or r == "" for r in ratings):
        return None
    applicable = [r for r in ratings if r != NOT_APPLICABLE]
    if not applicable:
        return None
    worst = max(applicable)  # "a" < "b" < "c" < "d"
    return {"a": Grade.A, "b": Grade.B, "c": Grade.C, "d": Grade.D}[worst]


def needs_urban_appraisal(floors: int) -> bool:
    return floors >= URBAN_FLOORS


def check_screening_items(items: list[ScreeningItem],
                          known_kinds: dict[str, str]) -> list[RuleViolation]:
    """Each item names a catalogued kind at that kind's level, and a count of places >= 1."""
    errors = []
    for i, item in enumerate(items):
        where = f"items[{i}]"
        kind, level = item.kind, item.level
        if kind not in known_kinds:
            errors.append(RuleViolation(Code.ITEM_KIND_UNKNOWN,
                                        f"第 {i + 1} 项隐患类型“{kind}”不在排查项目目录中",
                                        field=f"{where}.kind", rule=RULE))
        if level not in ItemLevel.values:
            errors.append(RuleViolation(Code.CHOICE_INVALID,
                                        f"第 {i + 1} 项程度“{level}”应为 serious 或 general",
                                        field=f"{where}.level", rule=RULE))
        elif kind in known_kinds and known_kinds[kind] != level:
            errors.append(RuleViolation(Code.ITEM_LEVEL_MISMATCH,
                                        f"第 {i + 1} 项“{kind}”在目录中的程度为"
                                        f"“{ItemLevel(known_kinds[kind]).label}”",
                                        field=f"{where}.level", rule=RULE))
        if item.count < 1:
            errors.append(RuleViolation(Code.COUNT_INVALID, f"第 {i + 1} 项的处数应为正整数",
                                        field=f"{where}.count", rule=RULE))
    return errors


def check_appraisal(cmd: RecordAppraisal, *, floors: int,
                    seismic_intensity: int) -> list[RuleViolation]:
    """Refuse an appraisal that grading.md §3 does not allow; collects every error."""
    errors: list[RuleViolation] = []

    def fail(code, field, message):
        errors.append(RuleViolation(code, message, field=field, rule=RULE))

    urban = cmd.urban_report
    if needs_urban_appraisal(floors):
        if cmd.components:
            fail(Code.RURAL_FORM_NOT_ALLOWED, "components",
                 f"{floors} 层房屋不适用农村住房安全性鉴定，应录入有资质机构的城镇房屋鉴定报告")
        if not urban:
            fail(Code.URBAN_REPORT_REQUIRED, "urban_report",
                 "三层及以上房屋应录入鉴定机构、报告编号和鉴定等级")
        else:
            for key, label in (("institution", "鉴定机构"), ("report_no", "报告编号")):
                if not getattr(urban, key).strip():
                    fail(Code.FIELD_REQUIRED, f"urban_report.{key}", f"{label}不能为空")
            if urban.grade not in GRADES:
                fail(Code.CHOICE_INVALID, "urban_report.grade", "报告鉴定等级应为 A、B、C 或 D")
        return errors
    if urban:
        fail(Code.URBAN_REPORT_NOT_ALLOWED, "urban_report",
             f"{floors} 层房屋应按农村住房安全性鉴定技术导则逐项鉴定构件")
    site = cmd.site
    if site not in SiteHazard.values:
        fail(Code.CHOICE_INVALID, "site", f"场地“{site}”不是有效选项")
    components = cmd.components or {}
    # A dangerous site makes the house D whatever its components (stage 1).
    site_decides = site in SiteHazard.values and site != SiteHazard.SAFE
    for name in components:
        if name not in Component.values:
            fail(Code.COMPONENT_UNKNOWN, f"components.{name}", f"构件“{name}”不是鉴定导则中的构件")
    for name in Component.values:
        rating = components.get(name)
        label = Component(name).label
        if not rating:
            if not site_decides:
                fail(Code.COMPONENT_MISSING, f"components.{name}",
                     f"{label}未评定；本房屋没有的构件请选“不适用”")
        elif rating not in RATING_CHOICES:
            fail(Code.COMPONENT_RATING_INVALID, f"components.{name}",
                 f"{label}的评定“{rating}”应为 a、b、c、d 或 n/a")
    if components and all(components.get(c) == NOT_APPLICABLE for c in Component.values):
        fail(Code.COMPONENT_MISSING, "components", "至少应有一项承重构件参与评定")
    if cmd.prevention not in Prevention.values:
        fail(Code.CHOICE_INVALID, "prevention", "防灾措施鉴定结果应为 full、partial 或 none")
    if seismic_intensity >= SEISMIC_REQUIRED_FROM:
        seismic = cmd.seismic or {}
        for item in SeismicItem:
            if item.value not in seismic:
                fail(Code.SEISMIC_ITEM_REQUIRED, f"seismic.{item.value}",
                     f"抗震设防烈度 {seismic_intensity} 度地区应填写是否设有{item.label}")
    return errors


def recorded_grade(computed: str, given: str | None, override_reason: str, *,
                   site: str = SiteHazard.SAFE) -> str:
    """The grade kept on the record: the computed one unless a reasoned override is given."""
    if not given or given == computed:
        return computed
    if given not in GRADES:
        raise RuleViolation(Code.CHOICE_INVALID, f"鉴定等级“{given}”应为 A、B、C 或 D",
                            field="grade", rule=RULE)
    if site != SiteHazard.SAFE:
        raise RuleViolation(Code.GRADE_INCONSISTENT,
                            f"场地存在{SiteHazard(site).label}危险，房屋应评为 D 级（迁址重建）",
                            field="grade", rule="R-CJ-3")
    if not (override_reason or "").strip():
        raise RuleViolation(Code.GRADE_INCONSISTENT,
                            f"录入的等级 {given} 与按构件计算的等级 {computed} 不一致，"
                            "综合判定时应写明理由",
                            field="grade", rule="R-CJ-3")
    return given
