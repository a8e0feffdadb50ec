"""The ledger's state machine, declared once as data (architecture.md "workflow state").

Each row is (from, action, to, capability, guard): `to` None keeps the status; a capability
None marks a move the system makes (an appraisal, the daily sweep), never a person directly;
a guard is a rules.py function of the entry's facts that names the condition not yet met.
Pages ask `allowed(user, entry, facts)`; verbs ask `move_for` and `refusal`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from anju.accounts.access import can
from anju.kit.errors import Code, Conflict
from anju.rectification import rules
from anju.rectification.codes import Action, EntryStatus

OPEN, CONTROLLED, ACCEPTED, CLOSED = (EntryStatus.OPEN, EntryStatus.CONTROLLED,
                                      EntryStatus.ACCEPTED, EntryStatus.CLOSED)
RECORD, ACCEPT, SIGN_OFF = "rectification.record", "rectification.accept", \
    "rectification.sign_off"


@dataclass(frozen=True)
class Move:
    source: str
    action: str
    target: str | None
    capability: str | None
    guard: Callable[[rules.Facts], rules.Unmet | None] | None = None


def _each(sources, action, target, capability, guard=None):
    return tuple(Move(s, action, target, capability, guard) for s in sources)


MOVES: tuple[Move, ...] = (
    Move("", Action.ENTER, OPEN, None),
    *_each((OPEN, CONTROLLED, ACCEPTED), Action.REGRADE, OPEN, None),
    *_each((OPEN, CONTROLLED, ACCEPTED), Action.REAPPRAISE, None, None),
    # R-CJ-5: a control measure in place puts the house under control
    *_each((OPEN, CONTROLLED), Action.RECORD_CONTROL, CONTROLLED, RECORD),
    *_each((OPEN, CONTROLLED), Action.PLAN_CONTROL, None, RECORD),
    *_each((OPEN, CONTROLLED), Action.RECORD_ENGINEERING, None, RECORD),
    *_each((OPEN, CONTROLLED), Action.PLAN_ENGINEERING, None, RECORD),
    # R-CJ-7: checks while the house is dangerous; a broken measure undoes "controlled"
    *_each((OPEN, CONTROLLED), Action.CHECK, None, RECORD),
    *_each((OPEN, CONTROLLED), Action.CHECK_BROKEN, OPEN, RECORD),
    *_each((OPEN, CONTROLLED), Action.FLAG_OVERDUE, None, None),
    # R-CJ-8: acceptance after an engineering measure; sign-off after acceptance
    *_each((OPEN, CONTROLLED), Action.ACCEPT, ACCEPTED, ACCEPT, rules.acceptance_unmet),
    *_each((OPEN, CONTROLLED), Action.ACCEPT_FAILED, None, ACCEPT, rules.acceptance_unmet),
    Move(ACCEPTED, Action.SIGN_OFF, CLOSED, SIGN_OFF, rules.signoff_unmet),
    Move(CLOSED, Action.REOPEN, OPEN, SIGN_OFF),
)
_BY_KEY = {(m.source, m.action): m for m in MOVES}

# What each page button stands for: the user-facing steps and the move that decides them.
STEPS = {
    "measure": (Action.PLAN_CONTROL, "登记整治措施"),
    "check": (Action.CHECK, "登记管控检查"),
    "plan": (Action.PLAN_ENGINEERING, "工程措施计划"),
    "acceptance": (Action.ACCEPT, "登记验收"),
    "sign_off": (Action.SIGN_OFF, "销号"),
    "reopen": (Action.REOPEN, "撤销销号"),
}


def move_for(status: str, action: str) -> Move | None:
    return _BY_KEY.get((status, action))


def refusal(status: str, action: str, facts: rules.Facts | None = None) -> Conflict | None:
    """Why `action` may not happen to an entry in `status` now (409), or None."""
    move = move_for(status, action)
    if action == Action.SIGN_OFF and status != CLOSED and facts is not None:
        # The unmet R-CJ-8 condition is more use to the clerk than "wrong status".
        unmet = rules.signoff_unmet(facts)
        if unmet is not None:
            return Conflict(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)
    if move is None:
        if status == CLOSED:
            rule = {Action.CHECK: "R-CJ-7", Action.CHECK_BROKEN: "R-CJ-7"}.get(action, "R-CJ-8")
            return Conflict(Code.ENTRY_CLOSED, "该台账已销号，不能再登记；如需继续整治请先撤销销号",
                            field="status", rule=rule)
        return Conflict(Code.TRANSITION_NOT_ALLOWED,
                        f"台账当前状态为“{EntryStatus(status).label}”，不能执行此操作",
                        field="status", rule="R-CJ-8")
    if move.guard is not None and facts is not None:
        unmet = move.guard(facts)
        if unmet is not None:
            return Conflict(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)
    return None


def capability_of(action: str) -> str | None:
    return next(m.capability for m in MOVES if m.action == action)


def allowed(user, status: str, facts: rules.Facts) -> dict[str, tuple[bool, str]]:
    """For each page step: (may this user do it now, the reason if not). Derived from MOVES."""
    answers = {}
    for step, (action, _label) in STEPS.items():
        capability = capability_of(action)
        if capability is None or not can(user, capability):
            answers[step] = (False, "")
            continue
        problem = refusal(status, action, facts)
        answers[step] = (problem is None, problem.message if problem else "")
    return answers
