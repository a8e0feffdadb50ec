"""The one door to cases, certifications and craftsmen: every read goes through these scoped
functions (out of scope is 404)."""

from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from anju.assistance.codes import APPROVERS, Status
from anju.assistance.models import Application, Certification, Contractor, Craftsman
from anju.divisions.scope import narrowed, not_found, scoped, within

# R-MH-12: no payment is due any more once paid, waived or ended
PAYMENT_SETTLED = (Status.PAID, Status.CLOSED, Status.WAIVED, Status.REJECTED)


def payment_overdue_q(today: date) -> Q:
    """R-MH-12: unpaid past the deadline, from the dates (whether or not the sweep ran)."""
    return (Q(payment_due_on__lt=today, paid_on__isnull=True)
            & ~Q(status__in=PAYMENT_SETTLED))


def cases_for_user(user, *, division: str | None = None, status: str | None = None,
                   year: int | None = None, household_id: int | None = None,
                   late: bool | None = None, today: date | None = None):
    """Cases in scope, newest first. `late` means payment overdue (from the dates) or one of
    the daily sweep's other flags."""
    queryset = narrowed(user, Application.objects.all(), division)
    if status:
        queryset = queryset.filter(status=status)
    if year:
        queryset = queryset.filter(year=year)
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    late_q = (payment_overdue_q(today or timezone.localdate()) | Q(old_house_overdue=True)
              | Q(window_late=True))
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



def disbursements_for_user(user, *, division: str | None = None, status: str | None = None):
    """R-MH-12a: disbursement requests in scope; finance's queue is those `requested` or
    `approved`, oldest first."""
    from anju.assistance.models import DisbursementRequest

    queryset = narrowed(user, DisbursementRequest.objects.all(), division)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("requested_on", "id")


def get_disbursement_for_user(user, request_id: int):
    from anju.assistance.models import DisbursementRequest

    found = scoped(user, DisbursementRequest.objects.all()).filter(pk=request_id).first()
    if found is None:
        raise not_found(DisbursementRequest, pk=request_id)
    return found


def fundable_cases(user, township: str):
    """R-MH-12a: a township's accepted, city-checked cases with money still to pay and in no
    live disbursement request: what it may file with the city's finance."""
    from django.db.models import F
    from django.db.models.functions import Coalesce

    from anju.assistance.codes import FundStatus

    live = (FundStatus.REQUESTED, FundStatus.APPROVED, FundStatus.TRANSFERRED,
            FundStatus.SETTLED)
    return (narrowed(user, Application.objects.all(), township)
            .filter(status__in=(Status.ACCEPTED, Status.PAID), city_checked_on__isnull=False)
            .annotate(due=Coalesce("payable_amount", "subsidy_amount") - F("paid_amount"))
            .filter(due__gt=0).exclude(fund_items__request__status__in=live)
            .select_related("household").order_by("accepted_on", "id"))


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


# ---------------------------------------------------------------- 六、责任分工


def department_moves(department: str) -> list[tuple[str, tuple, frozenset]]:
    """(act, the statuses it is taken from, the methods it concerns) of a department's acts."""
    from anju.assistance import rules
    from anju.assistance.acts import ACTS
    from anju.assistance.codes import (
        BUILDING_METHODS,
        DEPARTMENT_ACTS,
        NEW_HOUSE_METHODS,
        PUBLIC_HOUSING_METHODS,
    )

    methods_of = {rules.new_house: NEW_HOUSE_METHODS,
                  rules.new_dwelling: BUILDING_METHODS | PUBLIC_HOUSING_METHODS}
    out = []
    for action in DEPARTMENT_ACTS.get(department, ()):
        moves = ACTS[action].moves
        out.append((action, tuple(m.source for m in moves),
                    frozenset(methods_of[moves[0].concerns])))
    return out


def department_queue(user, department: str, *, division: str | None = None):
    """六、责任分工: the cases waiting for a department's part (natural resources: planning
    approval, title; water: drinking water; power: the connection), oldest first."""
    from anju.assistance.models import DepartmentRecord

    waiting = Q(pk__in=[])
    for action, statuses, methods in department_moves(department):
        recorded = DepartmentRecord.objects.filter(application=OuterRef("pk"), action=action)
        waiting |= Q(status__in=statuses, method__in=methods) & ~Q(Exists(recorded))
    return (narrowed(user, Application.objects.all(), division).filter(waiting)
            .select_related("household").order_by("id"))


def department_needs(case, department: str) -> list[str]:
    """Which of the department's acts a case in its queue still waits for."""
    done = set(case.department_records.values_list("action", flat=True))
    return [action for action, statuses, methods in department_moves(department)
            if case.status in statuses and case.method in methods and action not in done]


# ---------------------------------------------------------------- R-MH-10a, the window


def empty_after_handover(user, *, division: str | None = None, today: date | None = None):
    """R-MH-10a 严禁…空置: cases handed over more than the profile's days ago whose household
    lives in none of its standing houses (the house handed over is registered to it), oldest
    handover first; computed from the dates on every read."""
    from django.utils import timezone

    from anju.policy.rules import region_cutoffs
    from anju.registry.codes import HouseStatus, Occupancy
    from anju.registry.models import House

    today = today or timezone.localdate()
    cases = narrowed(user, Application.objects.all(), division)  # checks `division` first
    cutoffs = region_cutoffs(division or user.scope, today,
                             lambda p: p.empty_after_handover_days)
    late, claimed = Q(pk__in=[]), Q()
    for prefix, cutoff in cutoffs:  # each case by its own region's period
        late |= within(prefix) & ~claimed & Q(handed_over_on__lt=cutoff)
        claimed |= within(prefix)
    lived_in = House.objects.filter(household=OuterRef("household_id"),
                                    status=HouseStatus.STANDING, occupancy=Occupancy.OCCUPIED)
    return (cases.filter(handed_over_on__isnull=False).exclude(status__in=["rejected"])
            .filter(late).filter(~Exists(lived_in))
            .select_related("household").order_by("handed_over_on", "id"))


def window_cases_for_user(user, *, division: str | None = None, kind: str | None = None,
                          open_only: bool = False, household_id: int | None = None):
    from anju.assistance.models import WindowCase

    queryset = narrowed(user, WindowCase.objects.all(), division)
    if kind:
        queryset = queryset.filter(kind=kind)
    if open_only:
        queryset = queryset.filter(resolved_on__isnull=True)
    if household_id:
        queryset = queryset.filter(household_id=household_id)
    return queryset.select_related("household").order_by("-received_on", "-id")


def get_window_case_for_user(user, window_case_id: int):
    from anju.assistance.models import WindowCase

    found = scoped(user, WindowCase.objects.filter(pk=window_case_id)).first()
    if found is None:
        raise not_found(WindowCase, pk=window_case_id)
    return found


def township_window_counts(user, *, division: str | None = None,
                           today: date | None = None) -> list[dict]:
    """Per township in scope: consultations and disputes (taken, still open) and the houses
    empty after handover (R-MH-10a)."""
    from django.db.models import Count
    from django.db.models.functions import Substr

    from anju.assistance.codes import WindowKind
    from anju.divisions.models import Division

    rows: dict[str, dict] = {}

    def row(code):
        return rows.setdefault(code, {"code": code, "consultations": 0,
                                      "consultations_open": 0, "disputes": 0,
                                      "disputes_open": 0, "empty_after_handover": 0})

    counted = (window_cases_for_user(user, division=division).order_by()
               .annotate(township=Substr("division_code", 1, 9)).values("township", "kind")
               .annotate(n=Count("id"), open=Count("id", filter=Q(resolved_on__isnull=True))))
    for r in counted:
        name = "consultations" if r["kind"] == WindowKind.CONSULTATION else "disputes"
        row(r["township"])[name] += r["n"]
        row(r["township"])[f"{name}_open"] += r["open"]
    for r in (empty_after_handover(user, division=division, today=today).order_by()
              .annotate(township=Substr("division_code", 1, 9)).values("township")
              .annotate(n=Count("id"))):
        row(r["township"])["empty_after_handover"] = r["n"]
    names = dict(Division.objects.filter(code__in=rows).values_list("code", "name"))
    return [{**rows[c], "name": names.get(c, "")} for c in sorted(rows)]


# ---------------------------------------------------------------- R-MH-13 archive review


def archive_reviews_for_user(user, *, division: str | None = None):
    from anju.assistance.models import ArchiveReview

    return narrowed(user, ArchiveReview.objects.all(), division).order_by("-reviewed_on", "-id")


def get_archive_review_for_user(user, review_id: int):
    from anju.assistance.models import ArchiveReview

    found = scoped(user, ArchiveReview.objects.filter(pk=review_id)).first()
    if found is None:
        raise not_found(ArchiveReview, pk=review_id)
    return found


def get_archive_item_for_user(user, item_id: int):
    from anju.assistance.models import ArchiveReviewItem

    found = scoped(user, ArchiveReviewItem.objects.filter(pk=item_id)).first()
    if found is None:
        raise not_found(ArchiveReviewItem, pk=item_id)
    return found


def archive_findings_for_user(user, *, division: str | None = None):
    """The township's queue: sampled files the city office returned, not yet put right."""
    from anju.assistance.models import ArchiveReviewItem

    return (narrowed(user, ArchiveReviewItem.objects.all(), division)
            .filter(passed=False, resolved_on__isnull=True)
            .select_related("application__household", "review").order_by("id"))
