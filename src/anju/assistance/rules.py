"""The rules of housing security for low-income households (R-MH-1..15) as pure functions.

Each unmet condition is an `Unmet` naming its error code, field and rule id, so that the API,
the pages and the case page's "next steps" give the same reason in the same words.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from anju.assistance.codes import (
    APPROVERS,
    BUILDING_METHODS,
    CERTIFIER,
    COSMETIC_PARTS,
    NEW_HOUSE_METHODS,
    NO_HOUSE_METHODS,
    OTHER_ROUTES,
    PUBLIC_HOUSING_METHODS,
    Account,
    DocumentKind,
    MemberRole,
    Method,
    OldHouseTreatment,
    RepairPart,
    Stage,
)
from anju.kit.errors import Code, Unmet
from anju.policy.profiles import Profile

DANGEROUS = frozenset({"C", "D"})


# ---------------------------------------------------------------- R-MH-1, R-MH-2


def certifier_unmet(category: str, department: str) -> Unmet | None:
    """R-MH-1: only civil affairs certifies 低保/特困/低保边缘; only rural revitalisation the
    other three."""
    if CERTIFIER.get(category) != department:
        from anju.accounts.models import Department

        right = Department(CERTIFIER[category]).label if category in CERTIFIER else "—"
        return Unmet(Code.WRONG_DEPARTMENT, "R-MH-1", "category",
                     f"该类别须由{right}认定，本部门不能认定")
    return None


@dataclass(frozen=True)
class Register:
    """What the register says of a household for R-MH-2: its standing houses as
    (id, grade, colour steel), and what its earlier cases gave it."""

    standing: tuple = ()
    secured_before: bool = False  # an earlier case ended with a new or repaired house
    supported_before: bool = False  # an earlier case got past the joint approval


def eligibility_unmet(register: Register, *, house_id: int | None,
                      category: str) -> Unmet | None:
    """R-MH-2: the household's only standing house is C or D (a colour-steel house too, by
    its grade), or it has none standing; never a household with a safe house, nor one whose
    earlier case gave it a safe house; `other_lifted` only without earlier support."""
    if register.secured_before:
        return Unmet(Code.EARLIER_CASE_SECURED, "R-MH-2", "household_id",
                     "该农户此前已通过危房改造获得安全住房，不再属于住房安全保障对象")
    if category == "other_lifted" and register.supported_before:
        return Unmet(Code.SUPPORTED_BEFORE, "R-MH-2", "household_id",
                     "其他脱贫户须未享受过农村住房保障政策支持，该农户此前已获保障")
    safe = [(pk, grade, steel) for pk, grade, steel in register.standing
            if grade in ("A", "B")]
    if safe:
        _, grade, steel = safe[0]
        what = "彩钢房" if steel else "住房"
        return Unmet(Code.NOT_ELIGIBLE, "R-MH-2", "house_id",
                     f"该农户在册有鉴定为 {grade} 级的{what}，已有安全住房，不属于住房安全保障对象"
                     + ("（彩钢房须鉴定为 C 级或 D 级方可申请）" if steel else ""))
    ids = [pk for pk, _, _ in register.standing]
    if house_id is None:
        if ids:
            return Unmet(Code.NOT_ELIGIBLE, "R-MH-2", "house_id",
                         f"该农户在册有 {len(ids)} 处现存住房，不是无房户；须选择其住房申请")
        return None
    if house_id not in ids:
        return Unmet(Code.NOT_ELIGIBLE, "R-MH-2", "house_id",
                     "该房屋已不是在册的现存住房（已拆除或灭失），不能据此申请")
    if len(ids) > 1:
        return Unmet(Code.NOT_ELIGIBLE, "R-MH-2", "house_id",
                     f"该农户在册有 {len(ids)} 处现存住房，该房屋不是唯一住房")
    grade = next(g for pk, g, _ in register.standing if pk == house_id)
    if grade in DANGEROUS:
        return None
    return Unmet(Code.NOT_ELIGIBLE, "R-MH-2", "house_id",
                 "房屋尚未鉴定，须经安全鉴定为 C 级或 D 级方可申请")


# ---------------------------------------------------------------- R-MH-5..7


def methods_for(*, has_house: bool, grade: str) -> frozenset:
    """R-MH-5: the methods a house's grade allows. The plan's other routes (public housing,
    rental, relatives, nursing home, waiver) are open to a C/D household as to the houseless."""
    if not has_house:
        return NO_HOUSE_METHODS
    if grade == "D":
        return frozenset({Method.REBUILD, *OTHER_ROUTES})
    if grade == "C":
        return frozenset({Method.REPAIR_REINFORCE, *OTHER_ROUTES})
    return frozenset()


def method_unmet(method: str, *, has_house: bool, grade: str) -> Unmet | None:
    if method in methods_for(has_house=has_house, grade=grade):
        return None
    if has_house and grade == "C":
        why = "C 级房屋只能维修加固（或选择公有住房、租赁、投亲靠友、敬老院等方式），不能拆除重建"
    elif has_house and grade == "D":
        why = "D 级房屋须拆除重建（或选择公有住房、租赁、投亲靠友、敬老院等方式）"
    elif has_house:
        why = "有房农户不能选择无房户的保障方式"
    else:
        why = "无房户须选择新建、公有住房、公租房、投亲靠友、敬老院或放弃改造等方式"
    return Unmet(Code.METHOD_NOT_ALLOWED, "R-MH-5", "method", why)


def age_on(id_number: str, on: date) -> int | None:
    """Age in whole years by the birth date of an 18-digit ID number (GB 11643)."""
    try:
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def route_problems(profile: Profile, method: str, *, persons: int, head_age: int | None,
                   lease_years: int | None, annual_rent: Decimal | None,
                   reinforcement_parts: list[str], reinforcement_plan: str,
                   dangerous_parts: frozenset = frozenset()) -> list[Unmet]:
    """R-MH-5: what each route asks of the application itself (the host house of a
    relatives placement is the register's and is checked by the verb)."""
    problems = []
    if method == Method.NURSING_HOME and (
            persons != 1 or head_age is None or head_age < profile.nursing_home_min_age):
        problems.append(Unmet(Code.NOT_ALONE_ELDERLY, "R-MH-5", "method",
                              f"敬老院安置只适用于孤寡老人：一人户、年满 "
                              f"{profile.nursing_home_min_age} 周岁且无赡养人"))
    if method == Method.PUBLIC_RENTAL:
        if lease_years is None:
            problems.append(Unmet(Code.FIELD_REQUIRED, "R-MH-5", "lease_years",
                                  "租赁公租房须填写租赁期限"))
        elif lease_years < profile.rental_min_years:
            problems.append(Unmet(Code.LEASE_TOO_SHORT, "R-MH-5", "lease_years",
                                  f"租赁期限不少于 {profile.rental_min_years} 年"))
        if annual_rent is None:
            problems.append(Unmet(Code.FIELD_REQUIRED, "R-MH-5", "annual_rent",
                                  "租赁公租房须填写年租金（由乡镇按年度支付）"))
    if method == Method.REPAIR_REINFORCE:
        parts = set(reinforcement_parts)
        structural = parts - COSMETIC_PARTS
        if not parts or not reinforcement_plan.strip():
            problems.append(Unmet(Code.FIELD_REQUIRED, "R-MH-5", "reinforcement_parts",
                                  "维修加固须有加固方案：写明加固的危险部位和措施"))
        elif not structural:
            problems.append(Unmet(Code.REPAIR_COSMETIC_ONLY, "R-MH-5", "reinforcement_parts",
                                  "只粉刷、装饰或更换门窗不属于维修加固，加固方案须针对鉴定的危险部位"))
        elif dangerous_parts - structural:
            missing = "、".join(RepairPart(p).label for p in sorted(dangerous_parts - structural))
            problems.append(Unmet(Code.REINFORCEMENT_PARTS_MISSING, "R-MH-5",
                                  "reinforcement_parts",
                                  f"加固方案未包含鉴定的危险部位：{missing}"))
    return problems


def host_house_unmet(host_grade: str | None) -> Unmet | None:
    """R-MH-5 投亲靠友: "要对接养人住房进行安全性鉴定" — the host house is on the register
    with its appraisal."""
    if host_grade is None:
        return Unmet(Code.FIELD_REQUIRED, "R-MH-5", "host_house_id",
                     "投亲靠友、子女接养须登记接养人的房屋（在册房屋编号）")
    if host_grade not in ("A", "B", "C", "D"):
        return Unmet(Code.HOST_HOUSE_NOT_APPRAISED, "R-MH-5", "host_house_id",
                     "接养人房屋须先经安全性鉴定")
    return None


def subsidy_cap(profile: Profile, method: str, grade: str, *, co_owned: bool = False
                ) -> Decimal:
    """R-MH-6: the most a household may get for its method (yuan)."""
    # A cap the region's policy does not give is refused (profile_value_unknown), not borrowed.
    if method == Method.REPAIR_REINFORCE:
        return profile.need("cap_co_owned_c" if co_owned else "cap_c_repair",
                            field="subsidy_amount")
    if method == Method.REBUILD:
        return profile.need("cap_co_owned_d" if co_owned else "cap_d_rebuild",
                            field="subsidy_amount")
    if method == Method.NEW_BUILD:
        return profile.need("cap_new_build", field="subsidy_amount")
    if method in PUBLIC_HOUSING_METHODS:
        return profile.need("cap_public_housing", field="subsidy_amount")
    # Public rental is paid yearly by the township; relatives, nursing home and waiver get no
    # renovation subsidy from this programme.
    return Decimal("0")


def subsidy_unmet(amount: Decimal, cap: Decimal) -> Unmet | None:
    if amount < 0:
        return Unmet(Code.INVALID_VALUE, "R-MH-6", "subsidy_amount", "补助金额不能为负数")
    if amount > cap:
        return Unmet(Code.SUBSIDY_ABOVE_CAP, "R-MH-6", "subsidy_amount",
                     f"补助金额 {amount:,.2f} 元超过该改造方式的上限 {cap:,.2f} 元")
    return None


def area_problems(profile: Profile, method: str, *, persons: int, main_area: Decimal | None,
                  auxiliary_area: Decimal, fully_subsidised: bool = False,
                  existing_area: Decimal | None = None, measured: bool = False,
                  area_reason: str = "") -> list[Unmet]:
    """R-MH-7 by the strength of each bound: "不低于", "不得超过" and "50%" are limits;
    "3人（含）以下…宜控制在60平方米以内" is a recommendation that a recorded reason may exceed;
    public and turnover housing "按下限标准控制" at most the lower bound; a renovated existing
    building by the space it gives each person. `measured` words the message for the
    acceptance's measured areas."""
    prefix = "实测" if measured else "申请"
    fields = ("main_area", "auxiliary_area")  # the request's own names at both acts
    if method not in BUILDING_METHODS and method not in PUBLIC_HOUSING_METHODS:
        return []
    if main_area is None:
        return [Unmet(Code.FIELD_REQUIRED, "R-MH-7", fields[0], f"须填写{prefix}主房面积")]
    persons = max(persons, 1)
    low, high = profile.main_area_bounds(persons)
    recommended = None
    what = f"{persons} 口之家的"
    if method in NEW_HOUSE_METHODS:
        if fully_subsidised:
            # 兜底 households: "按照每户 40 平方米控制", whatever its size
            low = min(low, profile.need("fully_subsidised_area", field=fields[0]))
            high = profile.fully_subsidised_area
        elif persons <= profile.small_household_persons:
            recommended, high = high, None
    elif method == Method.RENOVATE_IDLE:
        # an existing building cannot be cut to the lower bound: judged by the space per
        # person, from the per-person minimum to the per-person maximum
        high = profile.need("main_area_max_per_person", field=fields[0]) * persons
        what = f"{persons} 人（人均 {(main_area / persons).quantize(Decimal('0.1'))} ㎡）的"
    elif method in PUBLIC_HOUSING_METHODS:
        low, high = Decimal("0"), low  # at most the lower bound, not exactly it
        what = f"{persons} 口之家公有住房、周转房按下限控制的"
    elif method == Method.REPAIR_REINFORCE:
        # repaired houses keep their area and may be extended up to the minimum
        high = max(existing_area or Decimal("0"), low)
        low = Decimal("0")
    problems = []
    if high is not None and main_area > high:
        problems.append(Unmet(Code.AREA_ABOVE_STANDARD, "R-MH-7", fields[0],
                              f"{prefix}主房面积 {main_area} ㎡ 超过{what}上限 {high} ㎡"))
    elif main_area < low:
        problems.append(Unmet(Code.AREA_BELOW_STANDARD, "R-MH-7", fields[0],
                              f"{prefix}主房面积 {main_area} ㎡ 低于{what}标准 {low} ㎡"))
    elif recommended is not None and main_area > recommended and not area_reason.strip():
        # at the acceptance the reason is the application's: the measured area is named
        problems.append(Unmet(Code.AREA_REASON_REQUIRED, "R-MH-7",
                              fields[0] if measured else "area_reason",
                              f"{profile.small_household_persons} 人（含）以下农户主房面积宜控制在 "
                              f"{recommended} ㎡ 以内；{prefix} {main_area} ㎡ 须说明理由"
                              + ("（申请时未说明）" if measured else "")))
    if auxiliary_area > main_area * profile.need("auxiliary_ratio_max", field=fields[1]):
        problems.append(Unmet(Code.AUXILIARY_ABOVE_STANDARD, "R-MH-7", fields[1],
                              f"{prefix}辅房面积 {auxiliary_area} ㎡ 超过主房面积的 "
                              f"{profile.auxiliary_ratio_max:.0%}"))
    return problems


# ---------------------------------------------------------------- the case's facts


@dataclass(frozen=True)
class Facts:
    """What the procedure's conditions look at, read from one case."""

    method: str
    grade: str
    has_house: bool
    today: date
    approvals: dict = field(default_factory=dict)  # department -> decision
    notices: tuple = ()  # (level, starts_on, ends_on)
    open_objections: int = 0
    design: bool = False
    builder_valid: bool = False
    agreement: bool = False
    stages_passed: frozenset = frozenset()
    accepted: bool = False
    subsidy_amount: Decimal = Decimal("0")
    paid_amount: Decimal = Decimal("0")
    old_house_treatment: str = ""
    documents: frozenset = frozenset()
    account: str = ""  # the account kind of the payments made
    township_built: bool = False
    host_grade: str = ""  # R-MH-5 the host house of a relatives placement, as graded now
    host_renovated: bool = False
    # R-MH-4: the levels the region's profile names for publicity
    publicity_levels: tuple = ("village", "township", "county")
    # R-MH-10: the city renovation office has checked the acceptance report
    city_checked: bool = False
    # R-MH-6: what may be paid (the approved subsidy until the acceptance sets it)
    payable_amount: Decimal | None = None

    @property
    def payable(self) -> Decimal:
        return self.subsidy_amount if self.payable_amount is None else self.payable_amount


# Whether an act concerns a case at all (acts.ACTS, a move's `concerns`): one that does not is
# refused as out of place (409) and never offered on the case page.
def builds(facts: Facts) -> Unmet | None:
    if facts.method not in BUILDING_METHODS:
        return Unmet(Code.NOT_BUILDING, "R-MH-8", "method",
                     "该改造方式不涉及施工，无需登记设计、施工方、协议和施工过程")
    return None


def objection_open(facts: Facts) -> Unmet | None:
    if not facts.open_objections:
        return Unmet(Code.NO_OPEN_OBJECTION, "R-MH-4", "objection_id", "没有待处理的异议")
    return None


def old_house_replaced(facts: Facts) -> Unmet | None:
    """R-MH-11 concerns a house that is left behind, not one repaired in place."""
    if not facts.has_house:
        return Unmet(Code.NO_OLD_HOUSE, "R-MH-11", "treatment", "无房户没有需要处置的原房")
    if facts.method == Method.REPAIR_REINFORCE:
        return Unmet(Code.NO_OLD_HOUSE, "R-MH-11", "treatment",
                     "维修加固的是原房本身，没有需要处置的原房")
    return None


def host_renovation_due(facts: Facts) -> Unmet | None:
    """R-MH-5: only a relatives placement whose host house is C/D waits for the host's
    renovation."""
    if facts.method != Method.RELATIVES or facts.host_grade not in DANGEROUS:
        return Unmet(Code.HOST_RENOVATION_NOT_NEEDED, "R-MH-5", "method",
                     "只有接养人房屋为 C、D 级危房的投亲靠友安置须登记接养人房屋改造")
    return None


def placement_safe(facts: Facts) -> Unmet | None:
    """R-MH-5: a relatives placement counts as safe once the host house is safe: graded A/B,
    or renovated by the host ("动员接养人限期自行对房屋进行安全改造")."""
    if (facts.method == Method.RELATIVES and facts.host_grade in DANGEROUS
            and not facts.host_renovated):
        return Unmet(Code.HOST_HOUSE_UNSAFE, "R-MH-5", "host_house_id",
                     f"接养人房屋为 {facts.host_grade} 级危房，须由接养人完成安全改造并登记后"
                     "方可验收安置")
    return None


def rents(facts: Facts) -> Unmet | None:
    if facts.method != Method.PUBLIC_RENTAL:
        return Unmet(Code.NOT_RENTAL, "R-MH-5", "method", "只有租赁公租房安置登记年度租金")
    return None


def retention_held(facts: Facts) -> Unmet | None:
    if not facts.township_built:
        return Unmet(Code.NO_RETENTION, "R-MH-12", "retention", "该项目不是乡镇统建，没有质保金")
    return None


def may_decide(department: str, facts: Facts) -> bool:
    """R-MH-3: each of the three departments decides once."""
    return department in APPROVERS and department not in facts.approvals


LEVEL_LABELS = {"village": "村级", "township": "乡镇级", "county": "县（市）级"}


def approval_unmet(facts: Facts) -> Unmet | None:
    """R-MH-4 三级公示: approval waits until a notice at every level the profile names has run
    its full period (checked when it was posted) and every objection is resolved."""
    if not facts.notices:
        return Unmet(Code.NOTICE_REQUIRED, "R-MH-4", "notices",
                     "须先公示，公示期满后方可审批")
    missing = [LEVEL_LABELS.get(level, level) for level in facts.publicity_levels
               if not any(n[0] == level for n in facts.notices)]
    if missing:
        return Unmet(Code.PUBLICITY_INCOMPLETE, "R-MH-4", "notices",
                     "尚未在" + "、".join(missing) + "公示；须在"
                     + "、".join(LEVEL_LABELS.get(v, v) for v in facts.publicity_levels)
                     + "公示期满后方可审批")
    # each named level's notice must have ended (the latest of that level counts)
    ends = [max(n[2] for n in facts.notices if n[0] == level)
            for level in facts.publicity_levels] or [max(n[2] for n in facts.notices)]
    last_end = max(ends)
    if last_end >= facts.today:
        return Unmet(Code.NOTICE_PERIOD_RUNNING, "R-MH-4", "notices",
                     f"公示期至 {last_end:%Y-%m-%d}，期满后方可审批")
    if facts.open_objections:
        return Unmet(Code.OBJECTION_OPEN, "R-MH-4", "objections",
                     f"尚有 {facts.open_objections} 条公示异议未处理，处理后方可审批")
    return None


def city_check_unmet(facts: Facts) -> Unmet | None:
    """R-MH-10 经审验合格后: handover and payment wait for the city office's check of the
    acceptance report."""
    if not facts.city_checked:
        return Unmet(Code.CITY_CHECK_REQUIRED, "R-MH-10", "status",
                     "竣工验收报告须经市危改办审验合格后，方可交付使用和拨付补助资金")
    return None


def all_approved(approvals: dict) -> bool:
    return all(approvals.get(d) == "approve" for d in APPROVERS)


def start_unmet(facts: Facts) -> Unmet | None:
    """R-MH-3 先审批后建设 and R-MH-8: what must be on file before construction starts."""
    if facts.method not in BUILDING_METHODS:
        return Unmet(Code.METHOD_NOT_BUILDING, "R-MH-5", "method", "该保障方式不涉及施工")
    if not facts.design:
        return Unmet(Code.DESIGN_MISSING, "R-MH-8", "design_kind",
                     "开工前须有基本结构设计（标准图集、专业设计或工匠方案）")
    if not facts.builder_valid:
        return Unmet(Code.BUILDER_MISSING, "R-MH-8", "craftsman_id",
                     "开工前须登记培训合格且证书在有效期内的农村建筑工匠或有资质的施工单位")
    if not facts.agreement:
        return Unmet(Code.AGREEMENT_MISSING, "R-MH-8", "agreement_kind",
                     "开工前须签订施工协议或承诺书")
    return None


def complete_unmet(facts: Facts) -> Unmet | None:
    """R-MH-9: both key stages inspected and passed before completion."""
    for stage in (Stage.FOUNDATION, Stage.MAIN_STRUCTURE):
        if stage not in facts.stages_passed:
            return Unmet(Code.STAGE_INSPECTION_MISSING, "R-MH-9", "inspections",
                         f"{Stage(stage).label}阶段尚无合格的现场检查记录")
    return None


def places(facts: Facts) -> Unmet | None:
    """Cases without building (rental, relatives, nursing home, purchase) are accepted once
    the household has moved in; building cases go through construction first."""
    if facts.method in BUILDING_METHODS:
        return Unmet(Code.CONSTRUCTION_REQUIRED, "R-MH-10", "status",
                     "该改造方式须竣工后方可验收")
    return None


REQUIRED_MEMBERS = (MemberRole.TECHNICAL, MemberRole.SUPERVISOR, MemberRole.BUILDER,
                    MemberRole.HOUSEHOLD)


def members_unmet(members: list[dict], method: str) -> Unmet | None:
    """R-MH-10: technical staff, the village supervisor, the builder and the household."""
    needed = REQUIRED_MEMBERS if method in BUILDING_METHODS else (
        MemberRole.TECHNICAL, MemberRole.HOUSEHOLD)
    present = {m.get("role") for m in members if (m.get("name") or "").strip()}
    missing = [MemberRole(r).label for r in needed if r not in present]
    if missing:
        return Unmet(Code.ACCEPTANCE_MEMBERS_MISSING, "R-MH-10", "members",
                     "竣工验收须有" + "、".join(missing) + "参加")
    return None


def payment_unmet(facts: Facts, *, amount: Decimal, retention: Decimal, account: str,
                  has_account: bool, cash_requested: bool) -> Unmet | None:
    """R-MH-12: to the 一卡通 account (cash only on the household's recorded request), in
    full, never above the payable amount (R-MH-6: the audited final account up to the
    approved subsidy)."""
    if amount <= 0:
        return Unmet(Code.INVALID_VALUE, "R-MH-12", "amount", "拨付金额应大于零")
    remaining = facts.payable - facts.paid_amount
    if amount + retention > remaining:
        return Unmet(Code.PAYMENT_ABOVE_APPROVED, "R-MH-6", "amount",
                     f"拨付金额 {amount + retention:,.2f} 元超过尚未拨付的应付补助 "
                     f"{remaining:,.2f} 元")
    if retention and not facts.township_built:
        return Unmet(Code.RETENTION_NOT_ALLOWED, "R-MH-12", "retention",
                     "只有乡镇统建项目向施工单位拨付时预留质保金")
    if not facts.township_built and amount != remaining:
        return Unmet(Code.PAYMENT_NOT_IN_FULL, "R-MH-12", "amount",
                     f"补助资金须足额拨付到户，应拨付 {remaining:,.2f} 元")
    if account == Account.YIKATONG and not has_account and not facts.township_built:
        return Unmet(Code.ACCOUNT_MISSING, "R-MH-12", "account",
                     "农户未登记一卡通账号，不能拨付；请先在农户档案中登记账号")
    if account == Account.CASH and not cash_requested:
        return Unmet(Code.CASH_NOT_REQUESTED, "R-MH-12", "account",
                     "现金发放须有农户书面申请（请先归档“现金发放申请”）")
    return None


def old_house_unmet(*, grade: str, method: str, treatment: str) -> Unmet | None:
    """R-MH-11: a D original house demolished; a C original house left empty made safe."""
    if not grade or method == Method.REPAIR_REINFORCE:
        return None
    if grade == "D" and treatment != OldHouseTreatment.DEMOLISHED:
        return Unmet(Code.OLD_HOUSE_NOT_DEMOLISHED, "R-MH-11", "old_house_treatment",
                     "D 级原房须拆除")
    if grade == "C" and not treatment:
        return Unmet(Code.OLD_HOUSE_NOT_SECURED, "R-MH-11", "old_house_treatment",
                     "C 级原房须拆除、封闭、设警示标识或围挡，防止再住人")
    return None


def old_house_due(started_or_waived: date, profile: Profile) -> date:
    """R-MH-11: within `old_house_demolition_months` of the start or the waiver."""
    return months_after(started_or_waived, profile.need("old_house_demolition_months"))


def months_after(start: date, months: int) -> date:
    """The same day `months` later (the month's last day where it has none)."""
    month = start.month - 1 + months
    year = start.year + month // 12
    month = month % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def payment_due(accepted_on: date, profile: Profile) -> date:
    return accepted_on + timedelta(days=profile.need("payment_days"))


def days_late(due_on: date | None, paid_on: date) -> int:
    """R-MH-12: how many days after the deadline a payment was made (0 when on time)."""
    if due_on is None or paid_on <= due_on:
        return 0
    return (paid_on - due_on).days


def payment_overdue(due_on: date | None, paid_on: date | None, today: date) -> bool:
    """R-MH-12: unpaid past the deadline, read from the dates (not from the sweep's flag)."""
    return due_on is not None and paid_on is None and today > due_on


# ---------------------------------------------------------------- R-MH-6 final account

# Paid on the audited final account (工程决算) up to the approved subsidy
AUDITED_METHODS = frozenset({Method.REPAIR_REINFORCE, Method.RENOVATE_IDLE})


def payable_amount(method: str, subsidy: Decimal, *, final_account: Decimal | None = None,
                   appraised_price: Decimal | None = None) -> Decimal:
    """R-MH-6: the approved subsidy is a ceiling. A repair or a renovated idle building is
    paid its audited final account up to it; a purchase its appraised price up to it."""
    if method in AUDITED_METHODS and final_account is not None:
        return min(subsidy, final_account)
    if method == Method.BUY_IDLE and appraised_price is not None:
        return min(subsidy, appraised_price)
    return subsidy


# ---------------------------------------------------------------- R-MH-13 archive


def required_documents(*, method: str, has_house: bool, grade: str, account: str = "",
                       township_built: bool = False) -> tuple[str, ...]:
    """R-MH-13 一户一档: what the plan names for a case of this kind."""
    docs = [DocumentKind.APPLICATION, DocumentKind.CERTIFICATION]
    if has_house:
        docs.append(DocumentKind.APPRAISAL)
    docs += [DocumentKind.VILLAGE_MINUTES, DocumentKind.PUBLICITY, DocumentKind.NOTICE]
    if method == Method.WAIVER:
        docs += [DocumentKind.WAIVER_LETTER, DocumentKind.WAIVER_PROOF]
    elif method in BUILDING_METHODS:
        docs += [DocumentKind.DESIGN, DocumentKind.CRAFTSMAN_CERTIFICATE,
                 DocumentKind.AGREEMENT, DocumentKind.STAGE_INSPECTION,
                 DocumentKind.PHOTO_BEFORE, DocumentKind.PHOTO_DURING,
                 DocumentKind.PHOTO_AFTER, DocumentKind.ACCEPTANCE_REPORT]
    elif method == Method.PUBLIC_RENTAL:
        docs += [DocumentKind.LEASE, DocumentKind.ACCEPTANCE_REPORT]
    elif method == Method.RELATIVES:
        docs += [DocumentKind.HOST_APPRAISAL, DocumentKind.ACCEPTANCE_REPORT]
    else:
        docs.append(DocumentKind.ACCEPTANCE_REPORT)
    if method != Method.WAIVER and method not in (Method.RELATIVES, Method.NURSING_HOME):
        docs += [DocumentKind.VOUCHER]
        if not township_built:
            docs.append(DocumentKind.RECEIPT)
    if account == Account.CASH:
        docs.append(DocumentKind.CASH_REQUEST)
    if has_house and grade in DANGEROUS and method != Method.REPAIR_REINFORCE:
        docs.append(DocumentKind.OLD_HOUSE)
    return tuple(dict.fromkeys(docs))


def close_unmet(facts: Facts) -> Unmet | None:
    """R-MH-13: no case closes with a required document missing (and R-MH-11 done)."""
    missing = [d for d in required_documents(
        method=facts.method, has_house=facts.has_house, grade=facts.grade,
        account=facts.account, township_built=facts.township_built)
        if d not in facts.documents]
    if missing:
        return Unmet(Code.ARCHIVE_INCOMPLETE, "R-MH-13", "documents",
                     "档案缺少：" + "、".join(DocumentKind(d).label for d in missing))
    if facts.has_house:
        unmet = old_house_unmet(grade=facts.grade, method=facts.method,
                                treatment=facts.old_house_treatment)
        if unmet is not None:
            return unmet
    return None


# ---------------------------------------------------------------- R-MH-15 timeline


def _window(pair, year: int) -> tuple[date, date] | None:
    if not pair:
        return None
    (a, b) = pair
    return date(year, *a), date(year, *b)


def windows(profile: Profile, year: int) -> tuple[tuple[date, date] | None,
                                                  tuple[date, date] | None]:
    """R-MH-15: the year's implementation and acceptance windows (None where the region's
    profile sets none)."""
    return (_window(profile.implementation_window, year),
            _window(profile.acceptance_window, year))


def late_against_windows(profile: Profile, year: int, *, completed: bool, accepted: bool,
                         today: date) -> bool:
    """R-MH-15: not completed by the end of the implementation window, or not accepted by the
    end of the acceptance window; a region without windows has no case late against them."""
    build, accept = windows(profile, year)
    return bool((build and today > build[1] and not completed)
                or (accept and today > accept[1] and not accepted))



# 六、责任分工: the other departments' part concerns a case that gives the household a house.
def new_house(facts: Facts) -> Unmet | None:
    """Planning approval and the title (灭籍、过户、产权登记) concern a house built anew."""
    if facts.method not in NEW_HOUSE_METHODS:
        return Unmet(Code.NO_NEW_HOUSE, "R-MH-5", "method",
                     "该改造方式不新建住房，无需规划审批和产权登记")
    return None


def new_dwelling(facts: Facts) -> Unmet | None:
    """Safe drinking water and the power connection concern a house built, renovated or
    bought for the household."""
    if facts.method not in BUILDING_METHODS | PUBLIC_HOUSING_METHODS:
        return Unmet(Code.NO_NEW_DWELLING, "R-MH-5", "method",
                     "该保障方式不涉及住房建设或购置，无需饮水安全和用电入户核查")
    return None


def empty_after(handed_over_on: date | None, lived_in: bool, days: int, today: date) -> bool:
    """R-MH-10a 严禁…空置: handed over more than `days` ago and still not lived in."""
    return (handed_over_on is not None and not lived_in
            and (today - handed_over_on).days > days)


def archive_sample(case_ids: list[int], size: int, seed: str) -> list[int]:
    """R-MH-13: the city office's random sample of a township's cases, the same every time
    for the same seed."""
    import random

    ids = sorted(case_ids)
    return sorted(random.Random(seed).sample(ids, min(size, len(ids))))
