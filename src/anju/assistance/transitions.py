"""The case's state machine, declared once as data (architecture.md "workflow state").

Each row is (from, action, to, capability, guard): `to` None keeps the status; `failed` is where
a negative outcome leads (a review that does not pass); a guard is a rules.py function of the
case's facts naming the condition not yet met. `concerns` says whether the act concerns the
case at all (building records for a case that builds nothing, the old house of a household
without one). The verbs ask `refusal`; the case page asks `next_steps` for the buttons it
shows, so the two cannot disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass

from anju.accounts.access import can
from anju.assistance import rules
from anju.assistance.codes import Action, Status
from anju.kit.errors import AnjuError, Code, Conflict, RuleViolation

S = Status
APPLY, REVIEW, APPROVE, BUILD, PAY, SUPERVISE = (
    "assistance.apply", "assistance.review", "assistance.approve", "assistance.build",
    "assistance.pay", "assistance.supervise")


@dataclass(frozen=True)
class Move:
    source: str
    action: str
    target: str | None
    capability: str
    guard: Callable[[rules.Facts], rules.Unmet | None] | None = None
    failed: str | None = None  # where a negative outcome leads
    concerns: Callable[[rules.Facts], rules.Unmet | None] | None = None


def _each(sources, action, target, capability, guard=None, failed=None, concerns=None):
    return tuple(Move(s, action, target, capability, guard, failed, concerns) for s in sources)


BEFORE_APPROVAL = (S.APPLIED, S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED)
AFTER_START = (S.UNDER_CONSTRUCTION, S.COMPLETED, S.ACCEPTED, S.PAID)
NOT_ENDED = tuple(s for s in Status.values if s not in (S.CLOSED, S.REJECTED))

MOVES: tuple[Move, ...] = (
    Move("", Action.APPLY, S.APPLIED, APPLY),
    # R-MH-3: village democratic review, township initial review, joint approval
    Move(S.APPLIED, Action.VILLAGE_REVIEW, S.VILLAGE_REVIEWED, APPLY, failed=S.REJECTED),
    Move(S.VILLAGE_REVIEWED, Action.TOWNSHIP_REVIEW, S.TOWNSHIP_REVIEWED, REVIEW,
         failed=S.REJECTED),
    # R-MH-4: notices at three levels, before approval and after it (the recipients' list)
    *_each((S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.APPROVED, S.NOTIFIED),
           Action.PUBLISH_NOTICE, None, APPLY),
    *_each((S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED), Action.RECORD_OBJECTION, None, APPLY),
    *_each((S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED), Action.RESOLVE_OBJECTION, None, REVIEW,
           concerns=rules.objection_open),
    # each department once; the third approval makes the case approved, a refusal rejects it
    Move(S.TOWNSHIP_REVIEWED, Action.DEPARTMENT_APPROVE, S.APPROVED, APPROVE,
         rules.approval_unmet, failed=S.REJECTED),
    Move(S.APPROVED, Action.NOTIFY, S.NOTIFIED, REVIEW),
    # R-MH-8: what must be on file before the start (先审批后建设: only once notified)
    *_each((S.NOTIFIED, S.UNDER_CONSTRUCTION), Action.REGISTER_DESIGN, None, BUILD,
           concerns=rules.builds),
    *_each((S.NOTIFIED, S.UNDER_CONSTRUCTION), Action.REGISTER_BUILDER, None, BUILD,
           concerns=rules.builds),
    *_each((S.NOTIFIED, S.UNDER_CONSTRUCTION), Action.REGISTER_AGREEMENT, None, BUILD,
           concerns=rules.builds),
    Move(S.NOTIFIED, Action.START_CONSTRUCTION, S.UNDER_CONSTRUCTION, BUILD,
         rules.start_unmet, concerns=rules.builds),
    Move(S.UNDER_CONSTRUCTION, Action.STAGE_INSPECTION, None, BUILD, concerns=rules.builds),
    Move(S.UNDER_CONSTRUCTION, Action.COMPLETE, S.COMPLETED, BUILD, rules.complete_unmet,
         concerns=rules.builds),
    # R-MH-10: acceptance, the city office's check, handover
    Move(S.COMPLETED, Action.ACCEPT, S.ACCEPTED, BUILD, failed=S.COMPLETED),
    Move(S.NOTIFIED, Action.ACCEPT, S.ACCEPTED, BUILD, failed=S.NOTIFIED,
         concerns=rules.places),
    *_each((S.ACCEPTED, S.PAID), Action.CITY_CHECK, None, SUPERVISE),
    *_each((S.ACCEPTED, S.PAID), Action.HANDOVER, None, BUILD),
    # R-MH-11: the original house
    *_each((S.NOTIFIED, *AFTER_START, S.WAIVED), Action.RECORD_OLD_HOUSE, None, BUILD,
           concerns=rules.old_house_replaced),
    # R-MH-12: payment after acceptance; the warranty retention later
    Move(S.ACCEPTED, Action.PAY, S.PAID, PAY),
    Move(S.PAID, Action.RELEASE_RETENTION, None, PAY, concerns=rules.retention_held),
    # R-MH-13: documents go on file at any time until the case is closed
    *_each(NOT_ENDED, Action.ADD_DOCUMENT, None, APPLY),
    *_each((S.TOWNSHIP_REVIEWED, S.APPROVED, S.NOTIFIED), Action.WAIVE, S.WAIVED, REVIEW),
    *_each(BEFORE_APPROVAL, Action.REJECT, S.REJECTED, REVIEW),
    *_each((S.PAID, S.WAIVED), Action.CLOSE, S.CLOSED, SUPERVISE, rules.close_unmet),
    Move(S.ACCEPTED, Action.CLOSE, S.CLOSED, SUPERVISE, rules.close_unmet),
)
_BY_KEY = {(m.source, m.action): m for m in MOVES}
ACTIONS = tuple(dict.fromkeys(m.action for m in MOVES if m.action != Action.APPLY))


def move_for(status: str, action: str) -> Move | None:
    return _BY_KEY.get((status, action))


def capability_of(action: str) -> str:
    return next(m.capability for m in MOVES if m.action == action)


def refusal(status: str, action: str, facts: rules.Facts | None = None) -> AnjuError | None:
    """Why `action` may not be taken on a case in `status` now, or None: out of order is a
    409, a rule not yet met (a guard) a 422 naming it."""
    move = move_for(status, action)
    if move is None:
        if action in (Action.START_CONSTRUCTION, Action.REGISTER_BUILDER,
                      Action.REGISTER_DESIGN, Action.STAGE_INSPECTION) and status in (
                S.APPLIED, S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.APPROVED):
            return Conflict(Code.APPROVAL_REQUIRED,
                            "先审批后建设：须经三部门联合审批并书面告知农户后方可开展施工",
                            field="status", rule="R-MH-3")
        if action == Action.PAY and status in (S.COMPLETED, S.UNDER_CONSTRUCTION, S.NOTIFIED):
            return Conflict(Code.ACCEPTANCE_REQUIRED, "竣工验收合格后方可拨付补助资金",
                            field="status", rule="R-MH-12")
        if action == Action.DEPARTMENT_APPROVE and status in (S.APPLIED, S.VILLAGE_REVIEWED):
            return Conflict(Code.REVIEW_REQUIRED, "须经村级民主评议和乡镇初审后方可审批",
                            field="status", rule="R-MH-3")
        return Conflict(Code.TRANSITION_NOT_ALLOWED,
                        f"申请当前状态为“{Status(status).label}”，不能执行“"
                        f"{Action(action).label}”", field="status", rule="R-MH-3")
    if facts is None:
        return None
    unmet = move.concerns(facts) if move.concerns else None
    if unmet is not None:  # not this case's act: out of place, like one out of order
        return Conflict(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)
    unmet = move.guard(facts) if move.guard else None
    if unmet is not None:
        return RuleViolation(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)
    return None


def next_steps(user, status: str, facts: rules.Facts) -> list[tuple[str, str, bool, str]]:
    """The case page's buttons: (action, label, open now, why not) for the moves this user's
    role may take from `status` that concern the case (and, for the joint approval, this
    user's department, once)."""
    steps = []
    for move in MOVES:
        if move.source != status or not can(user, move.capability):
            continue
        if move.concerns is not None and move.concerns(facts) is not None:
            continue
        if (move.action == Action.DEPARTMENT_APPROVE
                and not rules.may_decide(user.department, facts)):
            continue
        problem = refusal(status, move.action, facts)
        steps.append((move.action, Action(move.action).label, problem is None,
                      problem.message if problem else ""))
    return steps
