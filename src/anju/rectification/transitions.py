"""The ledger's workflow (architecture.md "workflow state"): the engine over the table of acts
in acts.py, why a move is refused, and what each page step may do now.

Pages ask `allowed(user, status, facts)`; verbs ask `refusal` and apply moves with
`WORKFLOW.apply` (compare-and-set, transition row, audit row on a change of status).
"""

from functools import cache

from anju.accounts.access import can
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.kit.errors import Code, Conflict
from anju.kit.events import records_changed
from anju.kit.fields import LONG_TEXT
from anju.kit.workflow import Workflow
from anju.rectification import rules
from anju.rectification.codes import Action, EntryStatus
from anju.rectification.models import LedgerEntry, Transition

# What each page button stands for: the user-facing steps and the move that decides them.
STEPS = {
    "measure": (Action.PLAN_CONTROL, "登记整治措施"),
    "check": (Action.CHECK, "登记管控检查"),
    "plan": (Action.PLAN_ENGINEERING, "工程措施计划"),
    "acceptance": (Action.ACCEPT, "登记验收"),
    "sign_off": (Action.SIGN_OFF, "销号"),
    "reopen": (Action.REOPEN, "撤销销号"),
}


def refusal(status: str, action: str, facts: rules.Facts | None = None) -> Conflict | None:
    """Why `action` may not happen to an entry in `status` now (409), or None."""
    move = WORKFLOW.move_for(status, action)
    ended = status in WORKFLOW.ended
    if action == Action.SIGN_OFF and not ended and facts is not None:
        # The unmet R-CJ-8 condition is more use to the clerk than "wrong status".
        unmet = rules.signoff_unmet(facts)
        if unmet is not None:
            return Conflict(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)
    if move is None:
        if ended:
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


def _audit(entry, *, acting_user, origin, details):
    audit.record(AuditAction.TRANSITION, actor=acting_user, obj=entry, origin=origin,
                 details=details)


def _changed(entry, source: str, target: str) -> None:
    # Every move changes what the village's statistics count (status, alerts, due checks).
    records_changed(divisions=[entry.division_code])


WORKFLOW = Workflow(model=LedgerEntry, transition=Transition, link="entry",
                    table="anju.rectification.acts.ACTS", refuse=refusal, audit=_audit,
                    changed=_changed, comment_max=LONG_TEXT)


@cache
def open_statuses() -> tuple[str, ...]:
    """The statuses an entry is open in (not signed off), in the code list's order."""
    return tuple(s for s in EntryStatus.values if s in WORKFLOW.open)


@cache
def checked_statuses() -> tuple[str, ...]:
    """The statuses whose control checks fall due (R-CJ-7): those a check may be made in."""
    sources = {m.source for m in WORKFLOW.acts[Action.CHECK].moves}
    return tuple(s for s in EntryStatus.values if s in sources)


def capability_of(action: str) -> str | None:
    return WORKFLOW.capability_of(action)


def allowed(user, status: str, facts: rules.Facts) -> dict[str, tuple[bool, str]]:
    """For each page step: (may this user do it now, the reason if not). Derived from ACTS."""
    answers = {}
    for step, (action, _label) in STEPS.items():
        capability = capability_of(action)
        if capability is None or not can(user, capability):
            answers[step] = (False, "")
            continue
        problem = refusal(status, action, facts)
        answers[step] = (problem is None, problem.message if problem else "")
    return answers
