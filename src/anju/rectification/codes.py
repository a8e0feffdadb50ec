"""Code lists of the rectification ledger (domain.md §3, api.md "Ledger")."""

from django.db import models

from anju.accounts.models import Department
from anju.registry.codes import BusinessSector


class EntryStatus(models.TextChoices):
    OPEN = "open", "待整治"
    CONTROLLED = "controlled", "已管控"
    ACCEPTED = "accepted", "已验收"
    CLOSED = "closed", "已销号"



def __getattr__(name: str):
    # NOT_CLOSED (the statuses an entry is open in: its house is still dangerous and watched,
    # R-CJ-6) and UNDER_CONTROL_CHECKS (those whose control checks fall due, R-CJ-7) are read
    # from the ledger's table of acts on first use, never restated.
    if name in ("NOT_CLOSED", "UNDER_CONTROL_CHECKS"):
        from anju.rectification import transitions

        found = (transitions.open_statuses() if name == "NOT_CLOSED"
                 else transitions.checked_statuses())
        globals()[name] = found
        return found
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class MeasureKind(models.TextChoices):
    # R-CJ-5 engineering measures remove the hazard
    DEMOLISH = "demolish", "拆除"
    REBUILD = "rebuild", "重建"
    REPAIR_REINFORCE = "repair_reinforce", "维修加固"
    # R-CJ-5 control measures hold it until then (guard: R-CJ-2 "派人值守")
    EVACUATE = "evacuate", "搬离人员"
    STOP_USE = "stop_use", "停止使用"
    WARNING_SIGN = "warning_sign", "张贴警示标识"
    BARRIER = "barrier", "设置临时封挡"
    SEAL = "seal", "腾空封房"
    CORDON = "cordon", "警戒线"
    GUARD = "guard", "专人值守"


ENGINEERING = frozenset({MeasureKind.DEMOLISH, MeasureKind.REBUILD,
                         MeasureKind.REPAIR_REINFORCE})
CONTROL = frozenset(MeasureKind.values) - ENGINEERING
# A completed control measure of these kinds empties the house (R-CJ-6): occupancy follows.
OCCUPANCY_AFTER = {MeasureKind.EVACUATE: "evacuated", MeasureKind.SEAL: "sealed"}


class MeasureCategory(models.TextChoices):
    ENGINEERING = "engineering", "工程措施"
    CONTROL = "control", "管控措施"


class Source(models.TextChoices):
    # R-CJ-8a: where a measure or acceptance on the entry was recorded
    LEDGER = "ledger", "整治台账"
    APPLICATION = "application", "危房改造"


class CheckLevel(models.TextChoices):
    # R-CJ-7: 农户自查、村级检查、乡镇巡查、县市核查、村民监督
    HOUSEHOLD_SELF = "household_self", "农户自查"
    VILLAGE = "village", "村级检查"
    TOWNSHIP = "township", "乡镇巡查"
    COUNTY = "county", "县市核查"
    VILLAGER_REPORT = "villager_report", "村民监督"


class Programme(models.TextChoices):
    # R-CJ-9, per policy profile `low_income_programme`
    RENOVATION = "renovation", "纳入农村危房改造（住房安全保障）"
    SEISMIC = "seismic", "纳入农房抗震防灾工程"


class Action(models.TextChoices):
    """What a transition row records; transitions.py says which moves each one allows."""

    ENTER = "enter", "列入整治台账"
    REGRADE = "regrade", "重新鉴定为C/D级"
    REAPPRAISE = "reappraise", "重新鉴定为A/B级"
    RECORD_CONTROL = "record_control", "落实管控措施"
    PLAN_CONTROL = "plan_control", "登记待落实的管控措施"
    RECORD_ENGINEERING = "record_engineering", "登记工程措施"
    PLAN_ENGINEERING = "plan_engineering", "制定工程措施计划"
    CHECK = "check", "管控检查"
    CHECK_BROKEN = "check_broken", "检查发现管控失效"
    FLAG_OVERDUE = "flag_overdue", "管控检查逾期"
    ACCEPT = "accept", "验收合格"
    ACCEPT_FAILED = "accept_failed", "验收不合格"
    SIGN_OFF = "sign_off", "销号"
    REOPEN = "reopen", "撤销销号"


# R-CJ-10: the sector regulators see the business houses of their sectors.
SECTOR_DEPARTMENTS: dict[str, frozenset[str]] = {
    Department.EDUCATION: frozenset({BusinessSector.EDUCATION}),
    Department.HEALTH: frozenset({BusinessSector.HEALTH, BusinessSector.ELDERLY_CARE}),
    Department.COMMERCE: frozenset({BusinessSector.RETAIL, BusinessSector.CATERING,
                                    BusinessSector.WAREHOUSING}),
    Department.CULTURE_TOURISM: frozenset({BusinessSector.LODGING,
                                           BusinessSector.CULTURE_TOURISM}),
    Department.MARKET_REGULATION: frozenset({BusinessSector.CATERING,
                                             BusinessSector.MANUFACTURING,
                                             BusinessSector.RETAIL}),
}
