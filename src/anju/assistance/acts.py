"""The acts of a housing-security case, one row each (ADR 0026): the command it takes, the verb
that applies it and the moves it may make (from status, to status, the capability it needs, a
guard of rules.py naming the condition not yet met). transitions.WORKFLOW applies them; the
case page's buttons and the verbs' refusals read the same rows, so they cannot disagree.

A move's `target` None keeps the status; `failed` is where a negative outcome leads (a review
that does not pass); `concerns` says whether the act concerns the case at all (building records
for a case that builds nothing, the old house of a household without one)."""

from anju.assistance import actions, commands, rules
from anju.assistance.codes import Action, FundAction, FundStatus, Status
from anju.kit.workflow import Act, Move, each

S = Status
APPLY, REVIEW, APPROVE, BUILD, PAY, SUPERVISE = (
    "assistance.apply", "assistance.review", "assistance.approve", "assistance.build",
    "assistance.pay", "assistance.supervise")
NATURAL_RESOURCES, WATER, POWER = (
    "assistance.natural_resources", "assistance.water", "assistance.power")

BEFORE_APPROVAL = (S.APPLIED, S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED)
AFTER_START = (S.UNDER_CONSTRUCTION, S.COMPLETED, S.ACCEPTED, S.PAID)
# R-MH-13: documents go on file until the case has been closed or turned down
UNTIL_ENDED = tuple(s for s in Status if s not in (S.CLOSED, S.REJECTED))
BUILDING = (S.NOTIFIED, S.UNDER_CONSTRUCTION)
# R-MH-4: objections are taken while a notice is up, before approval and after it
OBJECTIONS = (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.APPROVED, S.NOTIFIED, *AFTER_START)
AFTER_ACCEPTANCE = (S.ACCEPTED, S.PAID)  # a closed case has ended: nothing more is recorded

ACTS: dict[str, Act] = {
    Action.APPLY: Act(commands.Apply, actions.apply, (Move("", Action.APPLY, S.APPLIED, APPLY),)),
    # R-MH-3: village democratic review, township initial review, joint approval
    Action.VILLAGE_REVIEW: Act(commands.VillageReview, actions.village_review, (
        Move(S.APPLIED, Action.VILLAGE_REVIEW, S.VILLAGE_REVIEWED, APPLY, failed=S.REJECTED),)),
    Action.TOWNSHIP_REVIEW: Act(commands.TownshipReview, actions.township_review, (
        Move(S.VILLAGE_REVIEWED, Action.TOWNSHIP_REVIEW, S.TOWNSHIP_REVIEWED, REVIEW,
             failed=S.REJECTED),)),
    # R-MH-4: notices at three levels, before approval and after it (the recipients' list)
    Action.PUBLISH_NOTICE: Act(commands.PublishNotice, actions.publish_notice, each(
        (S.VILLAGE_REVIEWED, S.TOWNSHIP_REVIEWED, S.APPROVED, S.NOTIFIED),
        Action.PUBLISH_NOTICE, None, APPLY)),
    # objections to the notice before approval, and to the recipients' list published after it
    Action.RECORD_OBJECTION: Act(commands.RecordObjection, actions.record_objection, each(
        OBJECTIONS, Action.RECORD_OBJECTION, None, APPLY)),
    Action.RESOLVE_OBJECTION: Act(commands.ResolveObjection, actions.resolve_objection, each(
        OBJECTIONS, Action.RESOLVE_OBJECTION, None, REVIEW, concerns=rules.objection_open)),
    # each department once; the third approval makes the case approved, a refusal rejects it
    Action.DEPARTMENT_APPROVE: Act(commands.DepartmentApprove, actions.department_approve, (
        Move(S.TOWNSHIP_REVIEWED, Action.DEPARTMENT_APPROVE, S.APPROVED, APPROVE,
             rules.approval_unmet, failed=S.REJECTED),)),
    Action.NOTIFY: Act(commands.Notify, actions.notify, (
        Move(S.APPROVED, Action.NOTIFY, S.NOTIFIED, REVIEW),)),
    # R-MH-8: what must be on file before the start (先审批后建设: only once notified)
    Action.REGISTER_DESIGN: Act(commands.RegisterDesign, actions.register_design, each(
        BUILDING, Action.REGISTER_DESIGN, None, BUILD, concerns=rules.builds)),
    Action.REGISTER_BUILDER: Act(commands.RegisterBuilder, actions.register_builder, each(
        BUILDING, Action.REGISTER_BUILDER, None, BUILD, concerns=rules.builds)),
    Action.REGISTER_AGREEMENT: Act(commands.RegisterAgreement, actions.register_agreement, each(
        BUILDING, Action.REGISTER_AGREEMENT, None, BUILD, concerns=rules.builds)),
    Action.START_CONSTRUCTION: Act(commands.StartConstruction, actions.start_construction, (
        Move(S.NOTIFIED, Action.START_CONSTRUCTION, S.UNDER_CONSTRUCTION, BUILD,
             rules.start_unmet, concerns=rules.builds),)),
    Action.STAGE_INSPECTION: Act(commands.StageInspect, actions.stage_inspection, (
        Move(S.UNDER_CONSTRUCTION, Action.STAGE_INSPECTION, None, BUILD,
             concerns=rules.builds),)),
    Action.COMPLETE: Act(commands.Complete, actions.complete, (
        Move(S.UNDER_CONSTRUCTION, Action.COMPLETE, S.COMPLETED, BUILD, rules.complete_unmet,
             concerns=rules.builds),)),
    # R-MH-10: acceptance, the city office's check, handover
    Action.ACCEPT: Act(commands.Accept, actions.accept, (
        Move(S.COMPLETED, Action.ACCEPT, S.ACCEPTED, BUILD, failed=S.COMPLETED),
        Move(S.NOTIFIED, Action.ACCEPT, S.ACCEPTED, BUILD, rules.placement_safe,
             failed=S.NOTIFIED, concerns=rules.places))),
    Action.CITY_CHECK: Act(commands.CityCheck, actions.city_check, each(
        (S.ACCEPTED, S.PAID), Action.CITY_CHECK, None, SUPERVISE)),
    # R-MH-10 经审验合格后: handover and payment wait for the city office's check
    Action.HANDOVER: Act(commands.Handover, actions.handover, each(
        (S.ACCEPTED, S.PAID), Action.HANDOVER, None, BUILD, guard=rules.city_check_unmet)),
    # R-MH-11: the original house
    Action.RECORD_OLD_HOUSE: Act(commands.RecordOldHouse, actions.record_old_house, each(
        (S.NOTIFIED, *AFTER_START, S.WAIVED), Action.RECORD_OLD_HOUSE, None, BUILD,
        concerns=rules.old_house_replaced)),
    # R-MH-12: payment after acceptance; the warranty retention later
    Action.PAY: Act(commands.Pay, actions.pay, (
        Move(S.ACCEPTED, Action.PAY, S.PAID, PAY, rules.city_check_unmet),)),
    Action.RELEASE_RETENTION: Act(commands.ReleaseRetention, actions.release_retention, (
        Move(S.PAID, Action.RELEASE_RETENTION, None, PAY, concerns=rules.retention_held),)),
    # R-MH-13: documents go on file at any time until the case has ended
    Action.ADD_DOCUMENT: Act(commands.AddDocument, actions.add_document, each(
        UNTIL_ENDED, Action.ADD_DOCUMENT, None, APPLY)),
    # R-MH-5: the host's renovation of a C/D host house before the placement counts as safe;
    # the yearly rent of a public-rental lease (a closed case ends the workflow, so the years
    # are recorded while the case is open)
    Action.RECORD_HOST_RENOVATION: Act(
        commands.RecordHostRenovation, actions.record_host_renovation, each(
            (S.APPROVED, S.NOTIFIED), Action.RECORD_HOST_RENOVATION, None, BUILD,
            concerns=rules.host_renovation_due)),
    Action.RECORD_RENT: Act(commands.RecordRent, actions.record_rent, each(
        (S.NOTIFIED, S.ACCEPTED, S.PAID), Action.RECORD_RENT, None, BUILD,
        concerns=rules.rents)),
    Action.WAIVE: Act(commands.Waive, actions.waive, each(
        (S.TOWNSHIP_REVIEWED, S.APPROVED, S.NOTIFIED), Action.WAIVE, S.WAIVED, REVIEW)),
    Action.REJECT: Act(commands.Reject, actions.reject, each(
        BEFORE_APPROVAL, Action.REJECT, S.REJECTED, REVIEW)),
    # 六、责任分工: natural resources, water and power each record their part on the case
    Action.PLANNING_APPROVAL: Act(commands.PlanningApproval, actions.planning_approval, each(
        (S.APPROVED, S.NOTIFIED), Action.PLANNING_APPROVAL, None, NATURAL_RESOURCES,
        concerns=rules.new_house)),
    Action.TITLE_REGISTRATION: Act(commands.TitleRegistration, actions.title_registration, each(
        AFTER_ACCEPTANCE, Action.TITLE_REGISTRATION, None, NATURAL_RESOURCES,
        concerns=rules.new_house)),
    Action.DRINKING_WATER: Act(commands.DrinkingWater, actions.drinking_water, each(
        (S.COMPLETED, *AFTER_ACCEPTANCE), Action.DRINKING_WATER, None, WATER,
        concerns=rules.new_dwelling)),
    Action.POWER_CONNECTION: Act(commands.PowerConnection, actions.power_connection, each(
        (S.COMPLETED, *AFTER_ACCEPTANCE), Action.POWER_CONNECTION, None, POWER,
        concerns=rules.new_dwelling)),
    # R-MH-13: the paper file's copies, at the township and at the city office
    Action.FILE_PAPER: Act(commands.FilePaper, actions.file_paper, each(
        (S.ACCEPTED, S.PAID, S.WAIVED), Action.FILE_PAPER, None, APPLY)),
    Action.CLOSE: Act(commands.Close, actions.close, (
        *each((S.PAID, S.WAIVED), Action.CLOSE, S.CLOSED, SUPERVISE, guard=rules.close_unmet),
        Move(S.ACCEPTED, Action.CLOSE, S.CLOSED, SUPERVISE, rules.close_unmet))),
}

# R-MH-12a 市级报账制: the township files, the city's finance reviews and transfers to the
# township's finance office; the request is settled when every case in it has been paid.
F = FundStatus
FUND_ACTS: dict[str, Act] = {
    FundAction.FILE: Act(commands.FileDisbursement, actions.file_disbursement, (
        Move("", FundAction.FILE, F.REQUESTED, BUILD),)),
    FundAction.REVIEW: Act(commands.ReviewDisbursement, actions.review_disbursement, (
        Move(F.REQUESTED, FundAction.REVIEW, F.APPROVED, PAY, failed=F.RETURNED),)),
    FundAction.TRANSFER: Act(commands.TransferDisbursement, actions.transfer_disbursement, (
        Move(F.APPROVED, FundAction.TRANSFER, F.TRANSFERRED, PAY),)),
    FundAction.SETTLE: Act(None, actions.settle_if_paid, (
        Move(F.TRANSFERRED, FundAction.SETTLE, F.SETTLED, None),)),
}
