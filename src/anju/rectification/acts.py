"""The ledger's table of acts (R-CJ-4..8): for each action its command, its verb and the moves
it may make (from status, to status — None keeps it —, the capability it needs, a guard naming
the rule not yet met). transitions.WORKFLOW applies them; open and ended statuses, the page
steps and the refusals are read from here.

A command of None marks a move the system makes, never typed by a person: an appraisal puts
the house on the ledger or regrades it (the "records changed" event), the daily sweep flags an
overdue check. Their moves have no capability."""

from anju.kit.workflow import Act, Move, each
from anju.rectification import rules
from anju.rectification.actions import (
    enter_on_ledger,
    flag_overdue_checks,
    record_acceptance,
    record_control_check,
    record_engineering_plan,
    record_measure,
    reopen_rectification,
    sign_off_rectification,
)
from anju.rectification.codes import Action, EntryStatus
from anju.rectification.commands import (
    PlanEngineering,
    RecordControlCheck,
    RecordLedgerAcceptance,
    RecordMeasure,
    ReopenEntry,
    SignOffEntry,
)

OPEN, CONTROLLED, ACCEPTED, CLOSED = (EntryStatus.OPEN, EntryStatus.CONTROLLED,
                                      EntryStatus.ACCEPTED, EntryStatus.CLOSED)
NOT_SIGNED_OFF = (OPEN, CONTROLLED, ACCEPTED)
WATCHED = (OPEN, CONTROLLED)  # R-CJ-7: control checks fall due until acceptance
RECORD, ACCEPT, SIGN_OFF = ("rectification.record", "rectification.accept",
                            "rectification.sign_off")

ACTS: dict[str, Act] = {
    # R-CJ-4: a C/D appraisal puts the house on the ledger, or regrades its entry; an A/B one
    # is noted (sign-off after a repair needs it).
    Action.ENTER: Act(None, enter_on_ledger, (Move("", Action.ENTER, OPEN, None),)),
    Action.REGRADE: Act(None, enter_on_ledger, each(NOT_SIGNED_OFF, Action.REGRADE, OPEN, None)),
    Action.REAPPRAISE: Act(None, enter_on_ledger,
                           each(NOT_SIGNED_OFF, Action.REAPPRAISE, None, None)),
    # R-CJ-5: a control measure in place puts the house under control
    Action.RECORD_CONTROL: Act(RecordMeasure, record_measure,
                               each(WATCHED, Action.RECORD_CONTROL, CONTROLLED, RECORD)),
    Action.PLAN_CONTROL: Act(RecordMeasure, record_measure,
                             each(WATCHED, Action.PLAN_CONTROL, None, RECORD)),
    Action.RECORD_ENGINEERING: Act(RecordMeasure, record_measure,
                                   each(WATCHED, Action.RECORD_ENGINEERING, None, RECORD)),
    Action.PLAN_ENGINEERING: Act(PlanEngineering, record_engineering_plan,
                                 each(WATCHED, Action.PLAN_ENGINEERING, None, RECORD)),
    # R-CJ-7: checks while the house is dangerous; a broken measure undoes "controlled"
    Action.CHECK: Act(RecordControlCheck, record_control_check,
                      each(WATCHED, Action.CHECK, None, RECORD)),
    Action.CHECK_BROKEN: Act(RecordControlCheck, record_control_check,
                             each(WATCHED, Action.CHECK_BROKEN, OPEN, RECORD)),
    Action.FLAG_OVERDUE: Act(None, flag_overdue_checks,
                             each(WATCHED, Action.FLAG_OVERDUE, None, None)),
    # R-CJ-8: acceptance after an engineering measure; sign-off after acceptance
    Action.ACCEPT: Act(RecordLedgerAcceptance, record_acceptance,
                       each(WATCHED, Action.ACCEPT, ACCEPTED, ACCEPT,
                            guard=rules.acceptance_unmet)),
    Action.ACCEPT_FAILED: Act(RecordLedgerAcceptance, record_acceptance,
                              each(WATCHED, Action.ACCEPT_FAILED, None, ACCEPT,
                                   guard=rules.acceptance_unmet)),
    Action.SIGN_OFF: Act(SignOffEntry, sign_off_rectification,
                         (Move(ACCEPTED, Action.SIGN_OFF, CLOSED, SIGN_OFF,
                               guard=rules.signoff_unmet),)),
    # The one way back out of "closed": closed is the status an entry ends in.
    Action.REOPEN: Act(ReopenEntry, reopen_rectification,
                       (Move(CLOSED, Action.REOPEN, OPEN, SIGN_OFF, reopens=True),)),
}
