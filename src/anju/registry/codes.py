"""Code lists of the registry (domain.md §1, grading.md §5); the machine codes are the API's."""

from django.db import models


class Grade(models.TextChoices):
    A = "A", "A级"
    B = "B", "B级"
    C = "C", "C级（局部危险）"
    D = "D", "D级（整栋危险）"
    UNRATED = "unrated", "未鉴定"


DANGEROUS_GRADES = frozenset({Grade.C, Grade.D})


class ScreeningResult(models.TextChoices):
    SERIOUS = "serious", "存在严重安全隐患"
    SOME = "some", "存在一定安全隐患"
    NONE = "none", "未发现安全隐患"


class Structure(models.TextChoices):
    MASONRY_PRECAST = "masonry_precast", "砖石（预制板）"
    MASONRY_CAST = "masonry_cast", "砖石（非预制板）"
    EARTH_WOOD = "earth_wood", "土木"
    CONCRETE = "concrete", "混凝土"
    CAVE = "cave", "窑洞"
    STEEL = "steel", "钢"
    MIXED = "mixed", "混杂"
    OTHER = "other", "其它"


class StoreyBand(models.TextChoices):
    ONE = "1", "一层"
    TWO = "2", "二层"
    THREE = "3", "三层"
    FOUR_PLUS = "4+", "四层及以上"


class BuildYearBand(models.TextChoices):
    UNTIL_1980 = "≤1980", "1980年及以前"
    Y1981_1990 = "1981-1990", "1981—1990年"
    Y1991_2000 = "1991-2000", "1991—2000年"
    Y2001_2010 = "2001-2010", "2001—2010年"
    FROM_2011 = "≥2011", "2011年及以后"


class BuildMethod(models.TextChoices):
    SELF = "self", "自行建造"
    CRAFTSMAN = "craftsman", "建筑工匠"
    CONTRACTOR = "contractor", "有资质施工队伍"
    OTHER = "other", "其它"


class Use(models.TextChoices):
    RESIDENCE = "residence", "自住"
    BUSINESS = "business", "经营性"
    MIXED = "mixed", "住+经营"
    VACANT = "vacant", "闲置"
    OTHER = "other", "其它"


BUSINESS_USES = frozenset({Use.BUSINESS, Use.MIXED})


class BusinessSector(models.TextChoices):
    CATERING = "catering", "餐饮"
    LODGING = "lodging", "住宿（民宿、农家乐）"
    RETAIL = "retail", "商超零售"
    EDUCATION = "education", "教育培训"
    HEALTH = "health", "医疗卫生"
    ELDERLY_CARE = "elderly_care", "养老"
    CULTURE_TOURISM = "culture_tourism", "文化娱乐旅游"
    MANUFACTURING = "manufacturing", "生产加工"
    WAREHOUSING = "warehousing", "仓储物流"
    OTHER = "other", "其它"


# The national house form's own lists (national-exchange.md N1, N2): kept on the house only when
# the form was filled in; an export leaves the cell empty otherwise.
class LandType(models.TextChoices):
    STATE = "state", "国有土地"
    COLLECTIVE = "collective", "集体土地"


class Alteration(models.TextChoices):
    ADD_STOREY = "add_storey", "加层"
    EXTENSION = "extension", "扩建"
    LOAD_BEARING = "load_bearing", "改变承重结构"
    OTHER = "other", "其它"


class BusinessUse(models.TextChoices):
    OFFICE = "office", "行政办公"
    EDUCATION = "education", "教育设施"
    HEALTH = "health", "医疗卫生"
    CULTURE = "culture", "文化设施"
    ELDERLY_CARE = "elderly_care", "养老设施"
    RETAIL = "retail", "批发零售"
    CATERING = "catering", "餐饮饭店"
    LODGING = "lodging", "住宿宾馆"
    ENTERTAINMENT = "entertainment", "休闲娱乐"
    RELIGION = "religion", "宗教场所"
    MARKET = "market", "农贸市场"
    MANUFACTURING = "manufacturing", "生产加工"
    OTHER = "other", "其它"


class Energy(models.TextChoices):
    ELECTRICITY = "electricity", "电"
    GAS = "gas", "燃气"
    COAL = "coal", "燃煤"
    BIOMASS = "biomass", "柴草（生物质）"
    SOLAR = "solar", "太阳能"
    NONE = "none", "无"
    OTHER = "other", "其它"


class HouseStatus(models.TextChoices):
    # R-CJ-8a: a demolished house leaves the counts of standing houses but keeps its history.
    STANDING = "standing", "现存"
    DEMOLISHED = "demolished", "已拆除"


class Occupancy(models.TextChoices):
    OCCUPIED = "occupied", "有人居住"
    VACANT = "vacant", "无人居住"
    EVACUATED = "evacuated", "已搬离"
    SEALED = "sealed", "腾空封房"


class PriorityTag(models.TextChoices):
    # R-CJ-1 priority areas
    URBAN_FRINGE = "urban_fringe", "城乡结合部"
    CORPS_BORDER = "corps_border", "兵地结合区域"
    RESETTLEMENT = "resettlement", "安置区"
    TOWNSHIP_BUILT_UP = "township_built_up", "乡镇建成区"
    URBAN_VILLAGE = "urban_village", "城中村"
    NEAR_SCHOOL = "near_school", "学校周边"
    NEAR_HOSPITAL = "near_hospital", "医院周边"
    NEAR_MARKET = "near_market", "市场周边"
    CROWDED_BUSINESS = "crowded_business", "人员密集型经营性自建房"


class LowIncomeCategory(models.TextChoices):
    # R-MH-1
    DIBAO = "dibao", "农村低保户"
    TEKUN = "tekun", "农村分散供养特困人员"
    DIBAO_EDGE = "dibao_edge", "农村低保边缘家庭"
    AT_RISK = "at_risk", "农村易返贫致贫户"
    HARDSHIP = "hardship", "严重困难家庭"
    OTHER_LIFTED = "other_lifted", "其他脱贫户"


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    SIBLING = "sibling", "兄弟姐妹"
    GRANDCHILD = "grandchild", "孙子女"
    OTHER = "other", "其他"


class ResponsibleRole(models.TextChoices):
    # 谁拥有谁负责、谁使用谁负责、谁主管谁负责、谁审批谁负责
    OWNER = "owner", "产权人"
    USER = "user", "使用人"
    SUPERVISOR = "supervisor", "安全监管责任人"
    COMPETENT_DEPARTMENT = "competent_department", "主管部门"
    APPROVING_DEPARTMENT = "approving_department", "审批部门"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "扫描件"
