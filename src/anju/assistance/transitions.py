"""The case's workflow: the engine over the table of acts (acts.ACTS), and what the verbs and
the case page ask of it (architecture.md "workflow state"). The verbs ask `refusal`; the case
page asks `next_steps` for the buttons it shows, so the two cannot disagree.
"""

from anju.accounts.access import can
from anju.assistance import rules
from anju.assistance.codes import Action, Status
from anju.assistance.commands import TEXT_MAX
from anju.assistance.models import (
    Application,
    DisbursementRequest,
    DisbursementTransition,
    Transition,
)
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.kit.errors import AnjuError, Code, Conflict, RuleViolation
from anju.kit.events import records_changed
from anju.kit.workflow import Workflow

S = Status


def _out_of_order(status: str, action: str) -> AnjuError:
    """A 409 for an act the case's status does not allow, naming the rule that orders it."""
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
    now = Status(status).label if status in Status.values else "未申请"
    return Conflict(Code.TRANSITION_NOT_ALLOWED,
                    f"申请当前状态为“{now}”，不能执行“{Action(action).label}”",
                    field="status", rule="R-MH-3")


def _audit(case, *, acting_user, origin, details):
    audit.record(AuditAction.TRANSITION, actor=acting_user, obj=case, origin=origin,
                 details=details)


def _changed(case, source: str, target: str) -> None:
    if source != target:  # a new status counts in the statistics
        records_changed(divisions=[case.division_code])


WORKFLOW = Workflow(model=Application, transition=Transition, link="application",
                    table="anju.assistance.acts.ACTS", refuse=_out_of_order, audit=_audit,
                    changed=_changed, comment_max=TEXT_MAX)


# Guards that order the procedure rather than judge the request: a 409 like a move out of
# order (api.md: approval before the publicity has run, handover or payment before the city
# office's check).
ORDERING = frozenset({Code.NOTICE_REQUIRED, Code.NOTICE_PERIOD_RUNNING,
                      Code.PUBLICITY_INCOMPLETE, Code.CITY_CHECK_REQUIRED})


def refusal(status: str, action: str, facts: rules.Facts | None = None) -> AnjuError | None:
    """Why `action` may not be taken on a case in `status` now, or None: out of order is a
    409, a rule not yet met (a guard) a 422 naming it, or a 409 when it orders the
    procedure (ORDERING)."""
    move = WORKFLOW.move_for(status, action)
    if move is None:
        return _out_of_order(status, action)
    if facts is None:
        return None
    unmet = move.concerns(facts) if move.concerns else None
    if unmet is not None:  # not this case's act: out of place, like one out of order
        return Conflict(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)
    unmet = move.guard(facts) if move.guard else None
    if unmet is not None and unmet.code in ORDERING:
        return Conflict(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)
    if unmet is not None:
        return RuleViolation(unmet.code, unmet.message, field=unmet.field, rule=unmet.rule)
    return None


def next_steps(user, status: str, facts: rules.Facts) -> list[tuple[str, str, bool, str]]:
    """The case page's buttons: (action, label, open now, why not) for the moves this user's
    role may take from `status` that concern the case (and, for the joint approval, this
    user's department, once)."""
    steps = []
    for move in WORKFLOW.moves:
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


# ---------------------------------------------------------------- R-MH-12a funds


def _fund_out_of_order(status: str, action: str) -> AnjuError:
    from anju.assistance.codes import FundAction, FundStatus

    now = FundStatus(status).label if status in FundStatus.values else "未申请"
    return Conflict(Code.TRANSITION_NOT_ALLOWED,
                    f"报账申请当前状态为“{now}”，不能执行“{FundAction(action).label}”",
                    field="status", rule="R-MH-12a")


FUNDS = Workflow(model=DisbursementRequest, transition=DisbursementTransition, link="request",
                 table="anju.assistance.acts.FUND_ACTS", refuse=_fund_out_of_order,
                 audit=_audit, comment_max=TEXT_MAX)
