"""The pure rules of supervision (domain.md R-CJ-9, §6)."""

from datetime import date

from anju.kit.errors import Code, Unmet
from anju.supervision.codes import RULE_PLAN, PlanState, Receipt

# A case's statuses that finish the programme's work on the house (R-CJ-9 "completed").
DONE_STATUSES = frozenset({"accepted", "paid", "closed"})
# A case that ended without the work does not take the house out of "listed".
NOT_A_CASE = frozenset({"rejected", "waived"})
PLAN_GRADES = ("C", "D")


def plan_state(case_statuses) -> str:
    """R-CJ-9: listed → in a case → completed, read from the house's housing-security cases."""
    statuses = set(case_statuses) - NOT_A_CASE
    if statuses & DONE_STATUSES:
        return PlanState.COMPLETED
    return PlanState.IN_CASE if statuses else PlanState.LISTED


def plan_house_unmet(*, grade: str, standing: bool, certified: bool) -> Unmet | None:
    """R-CJ-9: only a certified low-income household's standing C/D house goes in the plan."""
    if not certified:
        return Unmet(Code.NOT_CERTIFIED, RULE_PLAN, "house_id",
                     "该房屋的农户未认定为农村低收入群体，不能列入年度建设计划")
    if not standing or grade not in PLAN_GRADES:
        return Unmet(Code.PLAN_HOUSE_NOT_ELIGIBLE, RULE_PLAN, "house_id",
                     "只有现存的C级、D级危房可以列入年度建设计划")
    return None


def programme_unmet(programme: str, region_programme: str) -> Unmet | None:
    """R-CJ-9: a region routes its low-income households' houses into one programme."""
    if programme != region_programme:
        return Unmet(Code.PROGRAMME_NOT_OF_REGION, RULE_PLAN, "programme",
                     "本地区低收入群体危房不纳入该工程，请使用本地区政策规定的工程")
    return None


def receipt(submitted_on: date | None, due_on: date | None) -> str:
    """§6: what the prefecture sees of a county's summary: received, late or missing."""
    if submitted_on is None:
        return Receipt.MISSING
    return Receipt.LATE if due_on is not None and submitted_on > due_on else Receipt.RECEIVED


def coverage(listed: int, revisited: int) -> float:
    """Look-back coverage, revisited over listed, as a fraction (0 when nothing is listed)."""
    return round(revisited / listed, 4) if listed else 0.0
