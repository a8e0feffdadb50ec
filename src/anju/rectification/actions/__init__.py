"""The verbs of the rectification ledger. Pages, the API, the field app and commands call these.

Each verb takes the entry and its act's command (commands.py), `acting_user` and `origin` by
keyword, checks the role (the caller fetched the entry through queries.get_entry_for_user, so
scope is settled), asks transitions.py whether the move is open, checks its rules, and applies
the move of acts.py with transitions.WORKFLOW (compare-and-set on version and status, a
Transition row, an audit row on a change of status), all in one transaction.
"""

from anju.rectification.actions._entry import facts_of
from anju.rectification.actions.checks import flag_overdue_checks, record_control_check
from anju.rectification.actions.closing import (
    record_acceptance,
    reopen_rectification,
    sign_off_rectification,
)
from anju.rectification.actions.ledger import (
    backfill_ledger,
    enter_on_ledger,
    on_records_changed,
    sync_house_entries,
)
from anju.rectification.actions.measures import record_engineering_plan, record_measure

__all__ = [
    "backfill_ledger", "enter_on_ledger", "facts_of", "flag_overdue_checks", "on_records_changed",
    "record_acceptance", "record_control_check", "record_engineering_plan", "record_measure",
    "reopen_rectification", "sign_off_rectification", "sync_house_entries",
]
