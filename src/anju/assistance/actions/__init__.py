"""The verbs of housing security: pages, the API and commands call these, one per policy act.

Each verb checks the caller's role and the case's state against transitions.MOVES, checks its
rules (collecting every field error), and applies the act in one transaction with a Transition
row; a refusal writes nothing."""

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
from anju.assistance.codes import Action

# The verb of each action name of POST /applications/{id}/transitions (api.md).
VERBS = {
    Action.VILLAGE_REVIEW: village_review, Action.TOWNSHIP_REVIEW: township_review,
    Action.PUBLISH_NOTICE: publish_notice, Action.RECORD_OBJECTION: record_objection,
    Action.RESOLVE_OBJECTION: resolve_objection,
    Action.DEPARTMENT_APPROVE: department_approve, Action.NOTIFY: notify,
    Action.REGISTER_DESIGN: register_design, Action.REGISTER_BUILDER: register_builder,
    Action.REGISTER_AGREEMENT: register_agreement,
    Action.START_CONSTRUCTION: start_construction, Action.STAGE_INSPECTION: stage_inspection,
    Action.COMPLETE: complete, Action.ACCEPT: accept, Action.CITY_CHECK: city_check,
    Action.HANDOVER: handover, Action.RECORD_OLD_HOUSE: record_old_house, Action.PAY: pay,
    Action.RELEASE_RETENTION: release_retention, Action.ADD_DOCUMENT: add_document,
    Action.WAIVE: waive, Action.REJECT: reject, Action.CLOSE: close,
}

__all__ = ["VERBS", "apply", "archive_of", "certify", "check_approver",
           "current_certification", "facts_of", "lapse", "register_contractor",
           "register_craftsman", *[v.__name__ for v in VERBS.values()]]
