"""The conditions of the closed loop, as pure functions of what an entry holds (R-CJ-5, -8).

Each unmet condition names its error code, the field it is about and its rule id, so that the
API, the pages and the "what can I do now?" hints show the same reason.
"""

from dataclasses import dataclass
from datetime import date

from anju.kit.errors import Code, Unmet
from anju.rectification.codes import MeasureKind

SAFE_GRADES = frozenset({"A", "B"})


@dataclass(frozen=True)
class Facts:
    """What the sign-off and acceptance rules look at, read from one entry."""

    engineering_completed: frozenset  # kinds of engineering measures with a completion date
    last_engineering_on: date | None
    accepted: bool  # the latest acceptance passed and the entry stands accepted
    accepted_on: date | None
    # the latest appraisal of the house dated on or after the last engineering completion
    reappraisal_grade: str | None
    # R-CJ-8a: the latest acceptance of the entry came from the renovation case and failed
    case_acceptance_failed: bool = False
    # R-CJ-8a: the house is to be rebuilt (a rebuild measure) and still stands
    old_house_standing: bool = False


def repaired_only(facts: Facts) -> bool:
    """A house repaired in place (no demolition or rebuilding): its hazard is gone only when a
    new appraisal says so."""
    return facts.engineering_completed == {MeasureKind.REPAIR_REINFORCE}


def acceptance_unmet(facts: Facts) -> Unmet | None:
    # R-CJ-8: acceptance follows a completed engineering measure
    if not facts.engineering_completed:
        return Unmet(Code.ACCEPTANCE_NOT_ALLOWED, "R-CJ-8", "measures",
                     "尚无已完成的工程措施（拆除、重建或维修加固），不能组织验收")
    return None


def signoff_unmet(facts: Facts) -> Unmet | None:
    """The first condition of 销号 not yet met, or None when the entry may be signed off."""
    # R-CJ-8a: the case's acceptance is the entry's; a failed one is not signed off over
    if facts.case_acceptance_failed:
        return Unmet(Code.SIGNOFF_NOT_ALLOWED, "R-CJ-8a", "acceptance",
                     "危房改造竣工验收不合格，须整改后重新验收，不能销号")
    if not facts.engineering_completed:
        return Unmet(Code.SIGNOFF_NOT_ALLOWED, "R-CJ-8", "measures",
                     "尚未完成拆除、重建或维修加固等工程措施，不能销号")
    if not facts.accepted:
        return Unmet(Code.SIGNOFF_NOT_ALLOWED, "R-CJ-8", "acceptance",
                     "工程措施尚未验收合格，不能销号")
    # Anju's reading of "彻底消除安全隐患" (R-CJ-8): a house repaired in place is safe only when
    # a new appraisal after the repair grades it A or B; demolition or rebuilding needs none.
    if repaired_only(facts) and facts.reappraisal_grade not in SAFE_GRADES:
        return Unmet(Code.SIGNOFF_NOT_ALLOWED, "R-CJ-8", "appraisal",
                     "维修加固后须重新鉴定为 A 级或 B 级方可销号")
    # R-CJ-8a, R-MH-11: a house rebuilt elsewhere on its plot: the old one comes down first
    if facts.old_house_standing:
        return Unmet(Code.SIGNOFF_NOT_ALLOWED, "R-CJ-8a", "house",
                     "拆除重建的原房屋尚未登记拆除，不能销号")
    return None
