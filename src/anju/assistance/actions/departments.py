"""六、责任分工: the other departments' part of a case, each recorded by that department on the
case (and so on its timeline); and the paper file's two copies (R-MH-13)."""

from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.assistance import commands
from anju.assistance.actions._case import open_move, text
from anju.assistance.codes import Action, PaperCopy
from anju.assistance.commands import TEXT_MAX
from anju.assistance.models import Application, DepartmentRecord
from anju.assistance.transitions import WORKFLOW
from anju.kit.dates import date_errors
from anju.kit.errors import Code, Conflict, RuleViolation, raise_if
from anju.kit.origin import Origin

# act -> (the department that records it, whether a reference number is required)
_DEPARTMENT = {
    Action.PLANNING_APPROVAL: ("natural_resources", True),
    Action.TITLE_REGISTRATION: ("natural_resources", True),
    Action.DRINKING_WATER: ("water", False),
    Action.POWER_CONNECTION: ("power", False),
}


def _record(action: str):
    department, needs_reference = _DEPARTMENT[action]

    def verb(case: Application, cmd: commands.DepartmentAct, *, acting_user,
             origin: Origin | None = None) -> Application:
        open_move(case, action, acting_user=acting_user, version=cmd.version)
        today = timezone.localdate()
        on = cmd.on or today
        errors = date_errors(on, "on", "办理日期", today)
        reference = cmd.reference.strip()
        if needs_reference and not reference:
            errors.append(RuleViolation(Code.FIELD_REQUIRED, "须填写文号或证号",
                                        field="reference"))
        raise_if(errors)
        if DepartmentRecord.objects.filter(application=case, action=action).exists():
            raise Conflict(Code.DEPARTMENT_RECORDED,
                           f"本案已登记“{Action(action).label}”，不能重复登记", field="action")
        with transaction.atomic():
            DepartmentRecord.objects.create(
                application=case, division_code=case.division_code, department=department,
                action=action, on=on, reference=reference,
                note=text(cmd.comment, TEXT_MAX), recorded_by=acting_user)
            WORKFLOW.apply(case, action, acting_user=acting_user, on=on, origin=origin,
                           comment=text(cmd.comment, TEXT_MAX),
                           details={"department": department, "reference": reference})
        return case

    verb.__name__ = action
    verb.__doc__ = f"六、责任分工: {Action(action).label}, recorded by {department}."
    return verb


planning_approval = _record(Action.PLANNING_APPROVAL)
title_registration = _record(Action.TITLE_REGISTRATION)
drinking_water = _record(Action.DRINKING_WATER)
power_connection = _record(Action.POWER_CONNECTION)


def file_paper(case: Application, cmd: commands.FilePaper, *, acting_user,
               origin: Origin | None = None) -> Application:
    """R-MH-13: the paper file kept twice; the township files its copy, the city office its."""
    open_move(case, Action.FILE_PAPER, acting_user=acting_user, version=cmd.version)
    if cmd.kept_at == PaperCopy.CITY:
        check(acting_user, "assistance.supervise")
    field = "paper_city_on" if cmd.kept_at == PaperCopy.CITY else "paper_township_on"
    today = timezone.localdate()
    on = cmd.on or today
    raise_if(date_errors(on, "on", "归档日期", today))
    if getattr(case, field) is not None:
        raise Conflict(Code.PAPER_COPY_FILED, f"{PaperCopy(cmd.kept_at).label}的纸质档案已登记",
                       field="kept_at", rule="R-MH-13")
    with transaction.atomic():
        WORKFLOW.apply(case, Action.FILE_PAPER, acting_user=acting_user, on=on, origin=origin,
                       comment=text(cmd.comment, TEXT_MAX), details={"kept_at": cmd.kept_at},
                       **{field: on})
    return case
