"""Code lists of investigation and appraisal (domain.md §2, grading.md §2–3, api.md)."""

from django.db import models


class InspectionLevel(models.TextChoices):
    HOUSEHOLD_SELF = "household_self", "农户自查"
    VILLAGE = "village", "村级检查"
    TOWNSHIP = "township", "乡镇巡查"
    COUNTY = "county", "县市核查"
    VILLAGER_REPORT = "villager_report", "村民监督"
    LOOKBACK = "lookback", "回头看"
    SPOT_CHECK = "spot_check", "抽查"
    THIRD_PARTY = "third_party", "第三方鉴定"


class ItemLevel(models.TextChoices):
    SERIOUS = "serious", "严重"
    GENERAL = "general", "一般"


class SiteHazard(models.TextChoices):
    SAFE = "safe", "场地安全"
    LANDSLIDE = "landslide", "滑坡"
    COLLAPSE = "collapse", "崩塌"
    SUBSIDENCE = "subsidence", "地面沉陷"
    GROUND_FISSURE = "ground_fissure", "地裂缝"
    DEBRIS_FLOW = "debris_flow", "泥石流"
    FLOOD_CHANNEL = "flood_channel", "行洪区"
    MINED_OUT = "mined_out", "采空区"


class Component(models.TextChoices):
    FOUNDATION = "foundation", "地基基础"
    BEARING_WALL = "bearing_wall", "承重墙"
    TIMBER_FRAME = "timber_frame", "木柱、梁、檩"
    TIMBER_TRUSS = "timber_truss", "木屋架"
    CONCRETE_FRAME = "concrete_frame", "混凝土柱、梁"
    ROOF = "roof", "屋面（椽、瓦）"


NOT_APPLICABLE = "n/a"
RATINGS = ("a", "b", "c", "d")
# The ratings whose component the appraisal photographs: the damage is what a photo proves.
PHOTO_RATINGS = ("b", "c", "d")
RATING_CHOICES = (*RATINGS, NOT_APPLICABLE)

# The official descriptors of the 2019 导则 (grading.md §3), shown as the form's choices.
DESCRIPTORS: dict[str, dict[str, str]] = {
    Component.FOUNDATION: {
        "a": "完好，地基、基础稳固",
        "b": "基础埋深略小；有轻微不均匀沉降",
        "c": "基础埋深偏小；有明显不均匀沉降",
        "d": "地基失稳；基础局部或整体塌陷",
    },
    Component.BEARING_WALL: {
        "a": "砌筑质量良好；无裂缝、剥蚀、歪斜",
        "b": "砌筑质量一般或较差；有轻微开裂或剥蚀",
        "c": "砌筑质量很差；裂缝较多，剥蚀严重；纵横墙体脱闪，个别墙体歪斜",
        "d": "墙体严重开裂；部分严重歪斜；局部倒塌或有倒塌危险",
    },
    Component.TIMBER_FRAME: {
        "a": "无腐朽或虫蛀；无变形；有轻微干缩裂缝",
        "b": "轻微腐朽或虫蛀；轻微变形；纵向干缩裂缝深度超过木材直径的1/6",
        "c": "明显腐朽或虫蛀；梁檩跨中明显挠曲或横纹裂缝；端部劈裂；柱身明显歪斜；柱础错位；"
             "裂缝深度超过直径的1/4；榫卯节点破损或拔榫迹象",
        "d": "严重腐朽或虫蛀；跨中严重横纹裂缝；柱身严重歪斜；柱础严重错位；裂缝深度超过直径的1/3；"
             "榫卯节点失效或多处拔榫",
    },
    Component.TIMBER_TRUSS: {
        "a": "无腐朽或虫蛀；无变形；自身稳定性良好",
        "b": "轻微腐朽或虫蛀；轻微变形；自身稳定性较差",
        "c": "明显腐朽或虫蛀；下弦跨中横纹裂缝；端部支座移位或松动；屋架明显歪斜；"
             "榫卯节点破损或拔榫迹象",
        "d": "严重腐朽或虫蛀；下弦跨中严重横纹裂缝；端部支座失效；屋架严重歪斜；"
             "榫卯节点失效或多处拔榫",
    },
    Component.CONCRETE_FRAME: {
        "a": "表面无剥蚀；无裂缝；无变形",
        "b": "表面轻微剥蚀，或轻微开裂、变形",
        "c": "表面剥蚀严重；明显开裂、变形",
        "d": "表面剥蚀严重，钢筋外露；严重开裂变形",
    },
    Component.ROOF: {
        "a": "无变形；无渗水；椽、瓦完好",
        "b": "局部轻微沉陷；较小范围渗水；椽、瓦个别损坏",
        "c": "较大范围沉陷；较大范围渗水；椽、瓦部分损坏",
        "d": "较大范围渗水漏雨；椽、瓦损坏严重",
    },
}

GRADE_MEANINGS = {
    "A": "结构能满足正常使用要求，未发现危险点，房屋结构安全",
    "B": "结构基本满足正常使用要求，个别结构构件处于危险状态，但不影响主体结构安全",
    "C": "部分承重结构不能满足正常使用要求，局部出现险情，构成局部危房",
    "D": "承重结构已不能满足正常使用要求，房屋整体出现险情，构成整幢危房",
}


class Prevention(models.TextChoices):
    FULL = "full", "具备"
    PARTIAL = "partial", "部分具备"
    NONE = "none", "完全不具备"


class SeismicItem(models.TextChoices):
    # grading.md §3: required where the seismic intensity is 8 or more (Changji)
    RING_BEAM = "ring_beam", "圈梁"
    TIE_COLUMN = "tie_column", "构造柱"
    GROUND_RING_BEAM = "ground_ring_beam", "基础地圈梁"


class AppraisalMethod(models.TextChoices):
    RURAL = "rural", "农村住房安全性鉴定（一、二层）"
    URBAN = "urban", "城镇房屋鉴定报告（三层及以上）"


class ControlKind(models.TextChoices):
    # R-CJ-5 control measures, plus guarding the sealed house (R-CJ-2 "派人值守")
    EVACUATE = "evacuate", "搬离人员"
    STOP_USE = "stop_use", "停止使用"
    WARNING_SIGN = "warning_sign", "张贴警示标识"
    BARRIER = "barrier", "设置临时封挡"
    SEAL = "seal", "腾空封房"
    CORDON = "cordon", "警戒线"
    GUARD = "guard", "专人值守"


# R-CJ-2: what a major hazard triggers at once, unless the recorder names others.
IMMEDIATE_CONTROLS = (ControlKind.EVACUATE, ControlKind.SEAL, ControlKind.GUARD,
                      ControlKind.WARNING_SIGN)


class HazardSource(models.TextChoices):
    SCREENING = "screening", "排查初判"
    INSPECTION = "inspection", "检查发现"


class HazardStatus(models.TextChoices):
    AWAITING_APPRAISAL = "awaiting_appraisal", "待鉴定"
    APPRAISED = "appraised", "已鉴定"
