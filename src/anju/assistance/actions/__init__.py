"""The verbs of housing security: pages, the API and commands call these, one per policy act.

Each takes its target (the case, the household, the certification) and its typed command
(assistance.commands), `acting_user` and `origin` by keyword. A verb of a case checks the
caller's role and the case's state against acts.ACTS (through transitions), checks its rules
(collecting every field error), and applies the act in one transaction through
transitions.WORKFLOW; a refusal writes nothing."""

from anju.assistance.actions._case import facts_of
from anju.assistance.actions.archive import add_document, archive_of, close
from anju.assistance.actions.building import (
    accept,
    city_check,
    complete,
    handover,
    record_old_house,
    register_agreement,
    register_builder,
    register_design,
    stage_inspection,
    start_construction,
)
from anju.assistance.actions.certify import (
    certify,
    current_certification,
    lapse,
    register_contractor,
    register_craftsman,
)
from anju.assistance.actions.departments import (
    drinking_water,
    file_paper,
    planning_approval,
    power_connection,
    title_registration,
)
from anju.assistance.actions.funds import (
    file_disbursement,
    reconcile,
    review_disbursement,
    settle_if_paid,
    transfer_disbursement,
)
from anju.assistance.actions.payment import pay, release_retention
from anju.assistance.actions.review import (
    apply,
    check_approver,
    department_approve,
    notify,
    publish_notice,
    record_objection,
    reject,
    resolve_objection,
    township_review,
    village_review,
    waive,
)
from anju.assistance.actions.routes import record_host_renovation, record_rent
from anju.assistance.actions.window import (
    check_archive_item,
    record_window_case,
    resolve_archive_item,
    resolve_window_case,
    start_archive_review,
)

__all__ = [
    "accept", "add_document", "apply", "archive_of", "certify", "check_approver", "city_check",
    "close", "complete", "current_certification", "department_approve", "facts_of",
    "file_disbursement", "handover", "lapse", "notify", "pay", "publish_notice", "reconcile",
    "record_host_renovation", "record_objection", "record_old_house", "record_rent",
    "register_agreement", "register_builder", "register_contractor", "register_craftsman",
    "register_design", "reject", "release_retention", "resolve_objection",
    "review_disbursement", "settle_if_paid", "stage_inspection", "start_construction",
    "township_review", "transfer_disbursement",
    "village_review", "waive",
    "drinking_water", "file_paper", "planning_approval", "power_connection",
    "title_registration", "check_archive_item", "record_window_case", "resolve_archive_item",
    "resolve_window_case", "start_archive_review",
]
