"""Generated demo and benchmark data: households, members and houses in demo villages.

Everything is drawn from seeded random generators, so the same command gives the same data.
Mixes follow the national survey code lists (grading.md §5): older houses are more often
earth-and-wood and more often graded C or D; occupied C/D houses (red alerts, R-CJ-6) are
rare but present. Rows go to the database through `anju.registry.bulk`.
"""

import math
import random
from bisect import bisect
from datetime import date, timedelta
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from anju.crypto import lookup_hash
from anju.divisions.boxes import COUNTY_AREAS
from anju.divisions.demo import ensure_demo_villages
from anju.divisions.loader import load_divisions
from anju.divisions.models import Division, Level
from anju.divisions.scope import within
from anju.registry import bulk
from anju.registry.codes import BUSINESS_USES, DANGEROUS_GRADES
from anju.registry.models import House, Household, Member, ResponsiblePerson
from anju.registry.rules import build_year_band, id_check_character, storey_band

DEMO_COUNTIES = ("220581", "6523")  # 梅河口市 and the counties of 昌吉州
# Share of demo households that live in 梅河口市; the rest go to 昌吉州's counties.
MEIHEKOU_SHARE = 0.6

BANKS = {"22": ("梅河口农商银行", "中国邮政储蓄银行", "中国农业银行", "吉林银行"),
         "65": ("新疆农村信用社", "中国农业银行", "中国邮政储蓄银行", "昌吉农商银行")}

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
            "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾"
            "侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
MALE_CHARS = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"  # noqa: E501
FEMALE_CHARS = "秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳妮宝贝初程梵罡恒鸿桦骅剑娇纪宽苛灵玛媚琪晴容睿烁堂唯威韦雯苇萱阅彦宇雨洋忠宗曼紫逸贤蝶菡绿蓝儿翠烟"  # noqa: E501


class Weighted:
    """A fast weighted choice: one random number and a bisect."""

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        self.cumulative = list(accumulate(w for _, w in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


# Build years by decade (rural stock of the two regions), then structure by era.
YEAR_SPANS = Weighted([((1950, 1980), 14), ((1981, 1990), 24), ((1991, 2000), 27),
                       ((2001, 2010), 21), ((2011, 2024), 14)])
STRUCTURE_BY_BAND = {
    "≤1980": Weighted([("earth_wood", 52), ("masonry_precast", 18), ("masonry_cast", 16),
                       ("mixed", 8), ("cave", 1), ("other", 5)]),
    "1981-1990": Weighted([("masonry_precast", 44), ("earth_wood", 20), ("masonry_cast", 24),
                           ("mixed", 10), ("other", 2)]),
    "1991-2000": Weighted([("masonry_precast", 38), ("masonry_cast", 40), ("concrete", 10),
                           ("earth_wood", 4), ("mixed", 7), ("other", 1)]),
    "2001-2010": Weighted([("masonry_cast", 52), ("concrete", 25), ("masonry_precast", 12),
                           ("steel", 5), ("mixed", 5), ("other", 1)]),
    "≥2011": Weighted([("masonry_cast", 46), ("concrete", 40), ("steel", 10), ("other", 4)]),
}
# Grade by era: unrated dominates; C and D concentrate in old and earth-wood houses.
GRADE_BY_BAND = {
    "≤1980": Weighted([("unrated", 40), ("A", 5), ("B", 25), ("C", 20), ("D", 10)]),
    "1981-1990": Weighted([("unrated", 45), ("A", 12), ("B", 30), ("C", 9), ("D", 4)]),
    "1991-2000": Weighted([("unrated", 48), ("A", 22), ("B", 25), ("C", 4), ("D", 1)]),
    "2001-2010": Weighted([("unrated", 50), ("A", 33), ("B", 15), ("C", 2)]),
    "≥2011": Weighted([("unrated", 55), ("A", 40), ("B", 5)]),
}
SCREENING_BY_GRADE = {
    "unrated": Weighted([("", 20), ("none", 58), ("some", 18), ("serious", 4)]),
    "A": Weighted([("none", 90), ("", 10)]),
    "B": Weighted([("none", 55), ("some", 40), ("", 5)]),
    "C": Weighted([("some", 45), ("serious", 50), ("", 5)]),
    "D": Weighted([("serious", 85), ("some", 15)]),
}
FLOORS = Weighted([(1, 80), (2, 16), (3, 3), (4, 1)])
BUILD_METHOD = Weighted([("self", 52), ("craftsman", 36), ("contractor", 9), ("other", 3)])
USE = Weighted([("residence", 82), ("business", 4), ("mixed", 6), ("vacant", 6), ("other", 2)])
SECTOR = Weighted([("catering", 22), ("lodging", 18), ("retail", 30), ("education", 3),
                   ("health", 3), ("elderly_care", 3), ("culture_tourism", 5),
                   ("manufacturing", 8), ("warehousing", 6), ("other", 2)])
OCCUPANCY_SAFE = Weighted([("occupied", 86), ("vacant", 10), ("evacuated", 3), ("sealed", 1)])
# R-CJ-6: few dangerous houses are still lived in; those are the red alerts.
OCCUPANCY_DANGEROUS = Weighted([("occupied", 12), ("vacant", 18), ("evacuated", 40),
                                ("sealed", 30)])
PRIORITY_TAGS = Weighted([("urban_fringe", 20), ("township_built_up", 25), ("near_school", 12),
                          ("near_hospital", 6), ("near_market", 12), ("resettlement", 8),
                          ("urban_village", 8), ("corps_border", 4)])
LOW_INCOME = Weighted([("dibao", 40), ("tekun", 10), ("dibao_edge", 15), ("at_risk", 15),
                       ("hardship", 5), ("other_lifted", 15)])
PERSONS = Weighted([(1, 14), (2, 28), (3, 26), (4, 18), (5, 9), (6, 5)])
PHONE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                  "155", "156", "157", "158", "159", "177", "180", "182", "186", "187", "189")
COMPETENT_DEPARTMENT = {
    "catering": "市场监督管理局", "lodging": "文化和旅游局", "retail": "商务局",
    "education": "教育局", "health": "卫生健康局", "elderly_care": "民政局",
    "culture_tourism": "文化和旅游局", "manufacturing": "工业和信息化局",
    "warehousing": "交通运输局", "other": "住房和城乡建设局",
}
EPOCH = date(1940, 1, 1)
HOUSE_FIELDS = ("id", "household_id", "division_code", "address", "lat", "lng", "structure",
                "color_steel", "floors", "storey_band", "built_year", "build_year_band",
                "build_method", "floor_area", "use", "business_sector", "occupancy",
                "is_only_house", "grade", "screening_result", "priority_tags", "is_priority",
                "awaiting_appraisal", "version", "created_at", "updated_at")
HOUSEHOLD_FIELDS = ("id", "division_code", "head_name", "head_id_number", "phone", "persons",
                    "low_income_category", "bank_account", "bank_name", "version",
                    "created_at", "updated_at")
MEMBER_FIELDS = ("household_id", "name", "id_number", "relation")
RESPONSIBLE_FIELDS = ("house_id", "role", "name", "phone", "department")


def person_name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    chars = MALE_CHARS if male else FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return (surname or rng.choice(SURNAMES)) + given


def id_number(region: str, born: date, sequence: int, male: bool) -> str:
    """A GB 11643 number: region, birth date, a 3-digit sequence (odd = male), check."""
    sequence = sequence - sequence % 2 + (1 if male else 0)
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def account(rng: random.Random) -> str:
    return "6217" + f"{rng.randrange(10**15):015d}"


class Place:
    """Where houses of one village go: its code, its name for addresses, its map area."""

    __slots__ = ("code", "label", "lat", "lng", "banks")

    def __init__(self, village: Division, township_name: str, county_area, rng):
        south, north, west, east = county_area
        self.code = village.code
        self.label = f"{township_name}{village.name}"
        # Townships cluster their villages: a centre per village near its township's centre.
        township_rng = random.Random(village.code[:9])
        t_lat = township_rng.uniform(south + 0.04, north - 0.04)
        t_lng = township_rng.uniform(west + 0.05, east - 0.05)
        self.lat = min(max(t_lat + rng.uniform(-0.03, 0.03), south + 0.01), north - 0.01)
        self.lng = min(max(t_lng + rng.uniform(-0.04, 0.04), west + 0.01), east - 0.01)
        self.banks = BANKS.get(village.code[:2], BANKS["22"])


def county_area(code: str):
    return COUNTY_AREAS.get(code[:6]) or COUNTY_AREAS.get(code[:4]) or COUNTY_AREAS["220581"]


def places_for(villages: list[Division]) -> list[Place]:
    townships = dict(Division.objects.filter(
        code__in={v.parent_id for v in villages}).values_list("code", "name"))
    return [Place(v, townships.get(v.parent_id, ""), county_area(v.code), random.Random(v.code))
            for v in villages]


def house_kind(rng: random.Random, *, only_house: bool = True, corps: bool = False) -> list:
    """What a house is, apart from where: HOUSE_FIELDS from `structure` to
    `awaiting_appraisal`."""
    year = rng.randint(*YEAR_SPANS.pick(rng))
    band = build_year_band(year)
    structure = STRUCTURE_BY_BAND[band].pick(rng)
    floors = FLOORS.pick(rng) if structure not in ("earth_wood", "cave") else 1
    grade = GRADE_BY_BAND[band].pick(rng)
    if structure == "earth_wood" and grade in ("A", "B") and rng.random() < 0.4:
        grade = "C"
    use = USE.pick(rng)
    sector = SECTOR.pick(rng) if use in BUSINESS_USES else ""
    if use == "vacant":
        occupancy = "vacant" if grade not in DANGEROUS_GRADES else OCCUPANCY_DANGEROUS.pick(rng)
        if occupancy == "occupied":
            occupancy = "vacant"
    elif grade in DANGEROUS_GRADES:
        occupancy = OCCUPANCY_DANGEROUS.pick(rng)
    else:
        occupancy = OCCUPANCY_SAFE.pick(rng)
    tags = []
    if rng.random() < 0.06:
        tags = {PRIORITY_TAGS.pick(rng) for _ in range(rng.randint(1, 2))}
        if not corps:  # 兵地结合区域 exist only beside the Xinjiang Corps
            tags.discard("corps_border")
        tags = sorted(tags)
    if use in BUSINESS_USES and rng.random() < 0.25:
        tags = sorted({*tags, "crowded_business"})
    area = round(rng.uniform(45, 140) * floors * (1.3 if use in BUSINESS_USES else 1.0), 1)
    color_steel, method = rng.random() < 0.08, BUILD_METHOD.pick(rng)
    screening = SCREENING_BY_GRADE[grade].pick(rng)
    return [structure, color_steel, floors, storey_band(floors), year, band, method, area, use,
            sector, occupancy, only_house, grade, screening, tags, bool(tags),
            screening in ("serious", "some") and grade == "unrated"]


def house_values(rng: random.Random, place: Place, number: int, household_id, *,
                 only_house: bool = True, now=None, kind: list | None = None) -> list:
    """One house row in the order of HOUSE_FIELDS (id left None)."""
    return [
        None, household_id, place.code, f"{place.label}{number}号",
        round(place.lat + rng.uniform(-0.012, 0.012), 6),
        round(place.lng + rng.uniform(-0.016, 0.016), 6),
        *(kind or house_kind(rng, only_house=only_house, corps=place.code.startswith("65"))),
        1, now, now,
    ]


def _household(rng: random.Random, index: int, place: Place, now):
    """A household with its members, houses and responsible persons; `index` makes IDs unique.

    Returns (household row, member rows, [(house row, responsible rows)]).
    """
    region = place.code[:6]
    head_male = rng.random() < 0.82
    head_born = EPOCH + timedelta(days=rng.randrange(365 * 56))  # 1940–1995
    surname = rng.choice(SURNAMES)
    head = person_name(rng, head_male, surname)
    # Demo heads use sequences 000–499, made unique by index; benchmark seeds use 500–999.
    head_id = id_number(region, head_born, (index % 250) * 2, head_male)
    persons = PERSONS.pick(rng)
    members = [(head, head_id, "head")]
    used = {head_id}

    def member(relation, born, male, surname_=None):
        if born > date(2023, 12, 31):
            return
        name = person_name(rng, male, surname_)
        number = id_number(region, born, rng.randrange(500), male)
        if number not in used:
            used.add(number)
            members.append((name, number, relation))

    if persons >= 2:
        if rng.random() < 0.85:
            member("spouse", head_born + timedelta(days=rng.randint(-2000, 1500)), not head_male)
        else:
            member("parent", head_born - timedelta(days=rng.randint(7300, 11000)),
                   rng.random() < 0.4)
    while len(members) < persons:
        roll = rng.random()
        if roll < 0.7:
            member("child", head_born + timedelta(days=rng.randint(7300, 12800)),
                   rng.random() < 0.5, surname if head_male else None)
        elif roll < 0.85:
            member("grandchild", head_born + timedelta(days=rng.randint(16500, 22000)),
                   rng.random() < 0.5, surname if head_male else None)
        elif roll < 0.95:
            member("parent", head_born - timedelta(days=rng.randint(7300, 11000)),
                   rng.random() < 0.4)
        else:
            member("sibling", head_born + timedelta(days=rng.randint(-3000, 3000)),
                   rng.random() < 0.5, surname if head_male else None)
        if len(members) < persons and rng.random() < 0.05:
            break
    household = [None, place.code, head, head_id, phone(rng) if rng.random() < 0.93 else "",
                 len(members), LOW_INCOME.pick(rng) if rng.random() < 0.10 else "",
                 account(rng) if rng.random() < 0.9 else "", rng.choice(place.banks), 1, now, now]
    house_count = 2 if rng.random() < 0.07 else 1
    houses = []
    for _ in range(house_count):
        row = house_values(rng, place, rng.randint(1, 300), None, only_house=house_count == 1,
                           now=now)
        houses.append((row, _responsible(rng, row, head, household[4], place)))
    return household, members, houses


def _typical_errors(household, rng: random.Random) -> None:
    """R-CJ-3: registers are not perfect, and the demo's quality page should have work. A few
    houses get the gaps and slips the data-quality checks look for: no coordinates, an unknown
    build year, an area typed in the wrong unit, a C/D house without its supervisor named.
    Drawn from a generator of their own, so the rest of the demo is the same as without them."""
    lat, lng, year, band, area = (HOUSE_FIELDS.index(f) for f in (
        "lat", "lng", "built_year", "build_year_band", "floor_area"))
    for row, persons in household[2]:
        roll = rng.random()
        if roll < 0.015:
            row[lat] = row[lng] = None
        elif roll < 0.025:
            row[year], row[band] = None, ""
        elif roll < 0.03:
            row[area] = round(row[area] * 100, 1)
        if persons and rng.random() < 0.04:
            persons[:] = [p for p in persons if p[0] != "supervisor"]


def _responsible(rng: random.Random, house: list, owner: str, owner_phone: str, place: Place):
    """谁拥有谁负责、谁使用谁负责、谁主管谁负责、谁审批谁负责: named for C/D houses (R-CJ-4)."""
    grade, use, sector = house[18], house[14], house[15]
    if grade not in DANGEROUS_GRADES:
        return []
    persons = [("owner", owner, owner_phone, ""), ("user", owner, owner_phone, "")]
    township = place.label.split("演示")[0]
    persons.append(("supervisor", person_name(rng, rng.random() < 0.6), phone(rng),
                    f"{township}人民政府"))
    if use in BUSINESS_USES:
        persons.append(("competent_department", COMPETENT_DEPARTMENT[sector], "", ""))
        persons.append(("approving_department", "自然资源局", "", ""))
    return persons


def _insert_households(batch, *, using="default") -> tuple[int, int]:
    """Insert generated households with everything they own; returns (households, houses)."""
    household_ids = bulk.reserve_ids(Household, len(batch), using=using)
    house_total = sum(len(houses) for _, _, houses in batch)
    house_ids = iter(bulk.reserve_ids(House, house_total, using=using))
    households, members, houses, responsible = [], [], [], []
    for household_id, (household, member_rows, house_rows) in zip(household_ids, batch,
                                                                   strict=True):
        household[0] = household_id
        households.append(household)
        members.extend((household_id, *m) for m in member_rows)
        for row, persons in house_rows:
            row[0], row[1] = next(house_ids), household_id
            houses.append(row)
            responsible.extend((row[0], *p) for p in persons)
    bulk.insert_rows(Household, HOUSEHOLD_FIELDS, households, using=using)
    bulk.insert_rows(Member, MEMBER_FIELDS, members, using=using)
    bulk.insert_rows(House, HOUSE_FIELDS, houses, using=using)
    bulk.insert_rows(ResponsiblePerson, RESPONSIBLE_FIELDS, responsible, using=using)
    return len(households), len(houses)


def townships_under(code: str) -> list[str]:
    """Real (non-demo) township codes at or under `code`."""
    if len(code) >= Level.TOWNSHIP:
        return [code[:9]]
    return list(Division.objects.filter(within(code, "code"), level=Level.TOWNSHIP,
                                        is_demo=False).order_by("code")
                .values_list("code", flat=True))


def ensure_demo_area() -> list[Division]:
    """Demo villages (4–8 per township) under every township of 梅河口市 and 昌吉州."""
    by_count: dict[int, list[str]] = {}
    for county in DEMO_COUNTIES:
        for township in townships_under(county):
            by_count.setdefault(4 + random.Random(township).randrange(5), []).append(township)
    villages = []
    for count, townships in sorted(by_count.items()):
        villages += ensure_demo_villages(townships, count)
    return sorted(villages, key=lambda v: v.code)


def generate_demo(households: int, *, seed: int = 2026, progress=None) -> tuple[int, int]:
    """Demo households and houses spread over the demo villages; idempotent.

    Household i is drawn from its own generator, so a rerun regenerates the same heads and
    skips those already registered; a larger count adds only the missing ones.
    """
    villages = ensure_demo_area()
    meihekou = [v for v in villages if v.code.startswith("220581")]
    changji = [v for v in villages if not v.code.startswith("220581")]
    places = {p.code: p for p in places_for(villages)}
    existing = set(Household.objects.filter(within("220581") | within("6523"))
                   .values_list("head_id_hash", flat=True))
    now = timezone.now()
    made = [0, 0]
    batch = []

    def flush():
        with transaction.atomic():
            counts = _insert_households(batch)
        made[0] += counts[0]
        made[1] += counts[1]
        batch.clear()

    for i in range(households):
        rng = random.Random(f"{seed}:{i}")
        pool = meihekou if rng.random() < MEIHEKOU_SHARE or not changji else changji
        place = places[rng.choice(pool).code]
        household = _household(rng, i, place, now)
        _typical_errors(household, random.Random(f"errors:{seed}:{i}"))
        head_hash = lookup_hash(household[0][3])
        if head_hash in existing:
            continue
        existing.add(head_hash)
        batch.append(household)
        if len(batch) >= 1000:
            flush()
            if progress:
                progress(i + 1, households)
    if batch:
        flush()
    if progress:
        progress(households, households)
    return made[0], made[1]


def seed_villages(code: str, houses: int) -> list[Division]:
    """Demo villages under the townships of `code`, about 400 houses to a village."""
    if not Division.objects.filter(code=code).exists():
        load_divisions((code,))
    if not Division.objects.filter(code=code).exists():
        raise ValueError(f"区划代码 {code} 不在区划表中")
    if len(code) == Level.VILLAGE:
        return [Division.objects.get(code=code)]
    townships = townships_under(code)
    if not townships:
        raise ValueError(f"区划 {code} 下没有乡镇")
    per_township = min(max(math.ceil(houses / len(townships) / 400), 4), 99)
    return ensure_demo_villages(townships, per_township)


class _SeedPools:
    """Pre-drawn names and house kinds: the benchmark seed samples from these pools, which
    keeps the mix of the demo at a fraction of the cost per row."""

    SIZE = 8192

    def __init__(self, rng: random.Random, *, corps: bool):
        self.kinds = [house_kind(rng, corps=corps) for _ in range(self.SIZE)]
        self.names = [(person_name(rng, male), male) for male in
                      (rng.random() < 0.82 for _ in range(self.SIZE))]
        self.persons = [PERSONS.pick(rng) for _ in range(self.SIZE)]
        self.low_income = [LOW_INCOME.pick(rng) if rng.random() < 0.10 else ""
                           for _ in range(self.SIZE)]
        self.birth_days = {}
        self.region_sums = {}

    def head_id(self, region: str, index: int, male: bool) -> str:
        # Birth day and a sequence from 500 up, a bijection of the running index, so seeds never
        # collide with each other or with the demo's heads (sequences below 500).
        day, sequence = index % 20000, 500 + 2 * (index // 20000) + (1 if male else 0)
        if (born := self.birth_days.get(day)) is None:
            text = f"{EPOCH + timedelta(days=day):%Y%m%d}"
            born = self.birth_days[day] = (text, _weighted_sum(text, 6))
        if (region_sum := self.region_sums.get(region)) is None:
            region_sum = self.region_sums[region] = _weighted_sum(region, 0)
        seq = f"{sequence:03d}"
        total = region_sum + born[1] + _weighted_sum(seq, 14)
        return f"{region}{born[0]}{seq}{_ID_CHECK[total % 11]}"


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643
_ID_CHECK = "10X98765432"


def _weighted_sum(digits: str, offset: int) -> int:
    return sum(int(d) * w for d, w in zip(digits, _ID_WEIGHTS[offset:], strict=False))


def seed(code: str, houses: int, *, batch_size: int = 20000, seed: int = 1,
         progress=None, using: str = "default", statistics: bool = True) -> int:
    """`houses` houses, each with a household, in demo villages under `code`; returns count.

    The fast path for benchmarks: no members or responsible persons; households stream into
    the database while their houses are drawn. `statistics=False` leaves the planner's
    statistics to the caller (a province seeded county by county refreshes them once).
    """
    villages = seed_villages(code, houses)
    places = places_for(villages)
    rng = random.Random(f"seed:{code}:{seed}")
    pools = _SeedPools(rng, corps=code.startswith("65"))
    start = Household.objects.filter(within(code[:6])).count()
    if start + houses > 5_000_000:
        raise ValueError("一个县最多生成 500 万户基准数据")
    now = timezone.now()
    done = 0
    size, place_count = _SeedPools.SIZE, len(places)
    uniform, rand, randrange = rng.uniform, rng.random, rng.randrange
    while done < houses:
        n = min(batch_size, houses - done)
        house_rows = []

        def households(ids, first, house_rows):
            for k, household_id in enumerate(ids):
                place = places[int(rand() * place_count)]
                name, male = pools.names[int(rand() * size)]
                slot = int(rand() * size)
                house_rows.append((
                    household_id, place.code, f"{place.label}{randrange(1, 400)}号",
                    round(place.lat + uniform(-0.012, 0.012), 6),
                    round(place.lng + uniform(-0.016, 0.016), 6),
                    *pools.kinds[slot], 1, now, now))
                yield (household_id, place.code, name,
                       pools.head_id(place.code[:6], first + k, male),
                       f"1{38 + slot % 2}{randrange(10**9):09d}", pools.persons[slot],
                       pools.low_income[slot], f"6217{randrange(10**15):015d}",
                       place.banks[0], 1, now, now)

        with transaction.atomic(using=using):
            ids = bulk.reserve_ids(Household, n, using=using)
            bulk.insert_rows(Household, HOUSEHOLD_FIELDS, households(ids, start + done, house_rows),
                             using=using)
            bulk.insert_rows(House, HOUSE_FIELDS[1:], house_rows, using=using)
        done += n
        if progress:
            progress(done, houses)
    if statistics:
        bulk.refresh_statistics([Household, House], using=using)
    return done
