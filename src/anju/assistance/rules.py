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
    NEW_HOUSE_METHODS,
    NO_HOUSE_METHODS,
    PUBLIC_HOUSING_METHODS,
    Account,
    DocumentKind,
    MemberRole,
    Method,
    OldHouseTreatment,
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


def eligibility_unmet(*, has_house: bool, grade: str, color_steel: bool,
                      is_only_house: bool) -> Unmet | None:
    """R-MH-2: the only house is C or D (or a graded color-steel house), or no house at all."""
    if not has_house:
        return None
    if not is_only_house:
        return Unmet(Code.NOT_ELIGIBLE, "R-MH-2", "house_id",
                     "该房屋不是农户唯一住房，不属于住房安全保障对象")
    if grade in DANGEROUS or (color_steel and grade in ("A", "B")):
        return None
    if grade == "unrated" or not grade:
        return Unmet(Code.NOT_ELIGIBLE, "R-MH-2", "house_id",
                     "房屋尚未鉴定，须经安全鉴定为 C 级或 D 级方可申请")
    return Unmet(Code.NOT_ELIGIBLE, "R-MH-2", "house_id",
                 f"房屋鉴定为 {grade} 级，不属于危房，不能申请危房改造")


# ---------------------------------------------------------------- R-MH-5..7


def methods_for(*, has_house: bool, grade: str, color_steel: bool = False) -> frozenset:
    """R-MH-5: the methods a house's grade allows (the waiver is open to everyone)."""
    if not has_house:
        return NO_HOUSE_METHODS
    if grade == "D":
        return frozenset({Method.REBUILD, Method.WAIVER})
    if grade == "C":
        return frozenset({Method.REPAIR_REINFORCE, Method.WAIVER})
    if color_steel:
        return frozenset({Method.REPAIR_REINFORCE, Method.REBUILD, Method.WAIVER})
    return frozenset()


def method_unmet(method: str, *, has_house: bool, grade: str,
                 color_steel: bool = False) -> Unmet | None:
    if method in methods_for(has_house=has_house, grade=grade, color_steel=color_steel):
        return None
    if has_house and grade == "C":
        why = "C 级房屋只能维修加固，不能拆除重建"
    elif has_house and grade == "D":
        why = "D 级房屋须拆除重建"
    elif has_house:
        why = "有房农户不能选择无房户的保障方式"
    else:
        why = "无房户须选择新建、公租房、投亲靠友、敬老院或放弃改造等方式"
    return Unmet(Code.METHOD_NOT_ALLOWED, "R-MH-5", "method", why)


def subsidy_cap(profile: Profile, method: str, grade: str, *, co_owned: bool = False
                ) -> Decimal:
    """R-MH-6: the most a household may get for its method (yuan)."""
    if method == Method.REPAIR_REINFORCE:
        return profile.cap_co_owned_c if co_owned else profile.cap_c_repair
    if method == Method.REBUILD:
        return profile.cap_co_owned_d if co_owned else profile.cap_d_rebuild
    if method == Method.NEW_BUILD:
        return profile.cap_new_build
    if method in PUBLIC_HOUSING_METHODS:
        return profile.cap_public_housing
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
                  existing_area: Decimal | None = None, measured: bool = False) -> list[Unmet]:
    """R-MH-7: the main house within the standard for the household's size, auxiliary rooms
    at most half of it. `measured` words the message for the acceptance's measured areas."""
    prefix = "实测" if measured else "申请"
    fields = ("main_area", "auxiliary_area")  # the request's own names at both acts
    if method not in BUILDING_METHODS:
        return []
    if main_area is None:
        return [Unmet(Code.FIELD_REQUIRED, "R-MH-7", fields[0], f"须填写{prefix}主房面积")]
    low, high = profile.main_area_bounds(max(persons, 1))
    problems = []
    if fully_subsidised and method in NEW_HOUSE_METHODS:
        # 兜底 households: one area per household, whatever its size
        low = min(low, profile.fully_subsidised_area)
        high = profile.fully_subsidised_area
    if method in PUBLIC_HOUSING_METHODS:
        high = low  # public and turnover housing at the lower bound
    if method == Method.REPAIR_REINFORCE:
        # repaired houses keep their area and may be extended up to the minimum
        high = max(existing_area or Decimal("0"), low)
        low = Decimal("0")
    if main_area > high:
        problems.append(Unmet(Code.AREA_ABOVE_STANDARD, "R-MH-7", fields[0],
                              f"{prefix}主房面积 {main_area} ㎡ 超过 {persons} 口之家的上限 "
                              f"{high} ㎡"))
    elif main_area < low:
        problems.append(Unmet(Code.AREA_BELOW_STANDARD, "R-MH-7", fields[0],
                              f"{prefix}主房面积 {main_area} ㎡ 低于 {persons} 口之家的标准 "
                              f"{low} ㎡"))
    if auxiliary_area > main_area * profile.auxiliary_ratio_max:
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


def retention_held(facts: Facts) -> Unmet | None:
    if not facts.township_built:
        return Unmet(Code.NO_RETENTION, "R-MH-12", "retention", "该项目不是乡镇统建，没有质保金")
    return None


def may_decide(department: str, facts: Facts) -> bool:
    """R-MH-3: each of the three departments decides once."""
    return department in APPROVERS and department not in facts.approvals


def approval_unmet(facts: Facts) -> Unmet | None:
    """R-MH-4: approval waits until the notice period has ended and every objection is
    resolved."""
    if not facts.notices:
        return Unmet(Code.NOTICE_REQUIRED, "R-MH-4", "notices",
                     "须先公示，公示期满后方可审批")
    last_end = max(n[2] for n in facts.notices)
    if last_end >= facts.today:
        return Unmet(Code.NOTICE_PERIOD_RUNNING, "R-MH-4", "notices",
                     f"公示期至 {last_end:%Y-%m-%d}，期满后方可审批")
    if facts.open_objections:
        return Unmet(Code.OBJECTION_OPEN, "R-MH-4", "objections",
                     f"尚有 {facts.open_objections} 条公示异议未处理，处理后方可审批")
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
    full, never above the approved amount."""
    if amount <= 0:
        return Unmet(Code.INVALID_VALUE, "R-MH-12", "amount", "拨付金额应大于零")
    remaining = facts.subsidy_amount - facts.paid_amount
    if amount + retention > remaining:
        return Unmet(Code.PAYMENT_ABOVE_APPROVED, "R-MH-12", "amount",
                     f"拨付金额 {amount + retention:,.2f} 元超过尚未拨付的核定补助 "
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
    months = profile.old_house_demolition_months
    month = started_or_waived.month - 1 + months
    year = started_or_waived.year + month // 12
    month = month % 12 + 1
    for day in (started_or_waived.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def payment_due(accepted_on: date, profile: Profile) -> date:
    return accepted_on + timedelta(days=profile.payment_days)


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


def windows(profile: Profile, year: int) -> tuple[tuple[date, date], tuple[date, date]]:
    (a, b), (c, d) = profile.implementation_window, profile.acceptance_window
    return (date(year, *a), date(year, *b)), (date(year, *c), date(year, *d))


def late_against_windows(profile: Profile, year: int, *, completed: bool, accepted: bool,
                         today: date) -> bool:
    """R-MH-15: not completed by the end of the implementation window, or not accepted by the
    end of the acceptance window."""
    (_, build_end), (_, accept_end) = windows(profile, year)
    return (today > build_end and not completed) or (today > accept_end and not accepted)



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
