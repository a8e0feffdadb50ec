"""The one door to cases, certifications and craftsmen: every read goes through these scoped
functions (out of scope is 404)."""

from datetime import date

from django.db.models import Q

from anju.assistance.codes import APPROVERS, Status
from anju.assistance.models import Application, Certification, Contractor, Craftsman
from anju.divisions.scope import narrowed, not_found, scoped, within


def cases_for_user(user, *, division: str | None = None, status: str | None = None,
                   year: int | None = None, household_id: int | None = None,
                   late: bool | None = None):
    """Cases in scope, newest first. `late` means any of the daily sweep's flags."""
    queryset = narrowed(user, Application.objects.all(), division)
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(year=year)
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    late_q = (Q(payment_overdue=True) | Q(old_house_overdue=True) | Q(window_late=True))
    if late is True:
        queryset = queryset.filter(late_q)
    elif late is False:
        queryset = queryset.exclude(late_q)
    return queryset.select_related("household").order_by("-id")


def get_case_for_user(user, case_id: int) -> Application:
    found = scoped(user, Application.objects.select_related(
        "household", "house", "craftsman", "contractor", "certification")).filter(
        pk=case_id).first()
    if found is None:
        raise not_found(Application, pk=case_id)
    return found


def approval_queue(user, *, division: str | None = None):
    """R-MH-3: the cases waiting for this department's own decision, oldest first."""
    if user.department not in APPROVERS:
        return Application.objects.none()
    return (narrowed(user, Application.objects.filter(status=Status.TOWNSHIP_REVIEWED),
                     division)
            .exclude(approvals__department=user.department)
            .select_related("household").order_by("applied_on", "id"))


def counts_by_status(user, *, division: str | None = None) -> dict[str, int]:
    from django.db.models import Count

    rows = (narrowed(user, Application.objects.all(), division).values("status")
            .annotate(n=Count("id")))
    return {row["status"]: row["n"] for row in rows}


def certifications_for_user(user, *, household_id: int | None = None,
                            current_on: date | None = None):
    queryset = scoped(user, Certification.objects.select_related("household"))
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    if current_on is not None:
        queryset = queryset.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=current_on),
            certified_on__lte=current_on).filter(
            Q(lapsed_on__isnull=True) | Q(lapsed_on__gt=current_on))
    return queryset


def craftsmen_for_user(user, *, valid_on: date | None = None, q: str | None = None):
    """The register is shared across a county: a township sees its county's craftsmen."""
    county = (user.scope or "")[:6]
    queryset = Craftsman.objects.filter(within(county))
    if valid_on is not None:
        queryset = queryset.filter(valid_until__gte=valid_on)
    if q:
        queryset = queryset.filter(Q(name__contains=q) | Q(certificate_no__contains=q))
    return queryset


def contractors_for_user(user, *, valid_on: date | None = None):
    county = (user.scope or "")[:6]
    queryset = Contractor.objects.filter(within(county))
    if valid_on is not None:
        queryset = queryset.filter(valid_until__gte=valid_on)
    return queryset



def procedure_offered(house) -> bool:
    """R-MH-14: a certified low-income household's standing house graded C/D, with no open
    case, is offered the housing-security procedure (可申请住房安全保障)."""
    household = house.household
    if (household is None or not household.low_income_category
            or house.status != "standing" or house.grade not in ("C", "D")):
        return False
    from anju.assistance.transitions import WORKFLOW

    return not Application.objects.filter(household=household).exclude(
        status__in=WORKFLOW.ended).exists()
