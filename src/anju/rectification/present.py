"""One shape of a ledger entry for the API, the pages and the exports; prefetches included."""

from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils import timezone

from anju.kit.masks import mask_phone
from anju.policy.rules import profile_for
from anju.rectification.codes import ENGINEERING, MeasureCategory
from anju.rectification.transitions import open_statuses
from anju.registry.codes import BUSINESS_USES, Occupancy, ResponsibleRole
from anju.registry.models import ResponsiblePerson

# R-CJ-4: who must be named on every entry, and for business houses also these two
SAFETY_ROLES = (ResponsibleRole.OWNER, ResponsibleRole.USER, ResponsibleRole.SUPERVISOR)
BUSINESS_ROLES = (ResponsibleRole.COMPETENT_DEPARTMENT, ResponsibleRole.APPROVING_DEPARTMENT)


def with_records(queryset):
    """The entry queryset with what `present_entry` reads, in a fixed number of queries."""
    return queryset.select_related("house", "household", "hazard").prefetch_related(
        "measures", "checks", "acceptances",
        Prefetch("house__responsible_persons",
                 queryset=ResponsiblePerson.objects.order_by("id")))


def missing_roles(entry) -> list[str]:
    named = {p.role for p in entry.house.responsible_persons.all()}
    wanted = SAFETY_ROLES + (BUSINESS_ROLES if entry.house.use in BUSINESS_USES else ())
    return [role for role in wanted if role not in named]


def alert_reasons(entry) -> list[str]:
    """Why the entry is a red alert: the house is lived in (R-CJ-6), business was found going
    on in it (R-CJ-8)."""
    if not entry.red_alert:
        return []
    reasons = ["occupied"] if entry.house.occupancy == Occupancy.OCCUPIED else []
    return reasons + (["business_in_use"] if entry.business_alert else [])


def overdue_flags(entry, *, today: date, control_days: int) -> dict[str, bool]:
    """R-CJ-2: an ordered control not carried out within the profile's days; R-CJ-5: the work
    plan's engineering measure past its due date. From the dates, whenever read."""
    if entry.status not in open_statuses():
        return {"control_overdue": False, "engineering_overdue": False}
    measures = list(entry.measures.all())
    cutoff = today - timedelta(days=control_days)
    return {
        "control_overdue": any(m.category == MeasureCategory.CONTROL and m.completed_on is None
                               and m.ordered_on is not None and m.ordered_on < cutoff
                               for m in measures),
        "engineering_overdue": bool(
            entry.engineering_due_on and entry.engineering_due_on < today
            and not any(m.kind in ENGINEERING and m.completed_on for m in measures)),
    }


def present_entry(entry, *, reveal: bool = False, transitions: bool = False,
                  today: date | None = None, control_days: int | None = None) -> dict:
    today = today or timezone.localdate()
    if control_days is None:
        control_days = profile_for(entry.division_code, today).control_order_days
    acceptances = list(entry.acceptances.all())
    body = {
        "id": entry.pk, "number": entry.number, "house_id": entry.house_id,
        "household_id": entry.household_id, "division_code": entry.division_code,
        "address": entry.house.address, "grade": entry.grade, "status": entry.status,
        "version": entry.version, "opened_on": entry.opened_on,
        "appraised_on": entry.appraised_on,
        "hazard_number": entry.hazard.number if entry.hazard_id else None,
        "occupancy": entry.house.occupancy, "use": entry.house.use,
        "business_sector": entry.business_sector,
        "responsible_persons": [
            {"role": p.role, "name": p.name,
             "phone": p.phone if reveal else mask_phone(p.phone), "department": p.department}
            for p in entry.house.responsible_persons.all()],
        "missing_responsible_roles": missing_roles(entry),
        "measures": [
            {"id": m.pk, "kind": m.kind, "category": m.category, "planned": m.planned,
             "ordered_on": m.ordered_on, "started_on": m.started_on,
             "completed_on": m.completed_on, "note": m.note, "source": m.source,
             "application_id": m.application_id} for m in entry.measures.all()],
        "engineering_plan": entry.engineering_plan,
        "engineering_due_on": entry.engineering_due_on,
        "checks": [
            {"id": c.pk, "level": c.level, "checked_on": c.checked_on, "holds": c.holds,
             "note": c.note} for c in entry.checks.all()],
        "acceptance": _acceptance(acceptances[-1]) if acceptances else None,
        "acceptances": [_acceptance(a) for a in acceptances],
        "programme": entry.programme or None,
        "low_income_category": entry.low_income_category or None,
        "red_alert": entry.red_alert, "broken_alert": entry.broken_alert,
        "business_alert": entry.business_alert, "alert_reasons": alert_reasons(entry),
        "priority": entry.priority,
        **overdue_flags(entry, today=today, control_days=control_days),
        "next_check_due": entry.next_check_due, "closed_on": entry.closed_on,
        "signoff_proposed_on": entry.signoff_proposed_on,
        # R-CJ-8a: the renovation cases whose facts are on this entry
        "applications": sorted({r.application_id for r in [*entry.measures.all(), *acceptances]
                                if r.application_id}),
    }
    if transitions:
        body["transitions"] = [
            {"from_status": t.from_status or None, "action": t.action, "to_status": t.to_status,
             "on": t.on, "actor": t.actor.username if t.actor_id else None, "at": t.at,
             "comment": t.comment} for t in entry.transitions.select_related("actor")]
    return body


def _acceptance(a) -> dict:
    return {"id": a.pk, "accepted_on": a.accepted_on, "passed": a.passed,
            "inspectors": a.inspectors, "note": a.note, "source": a.source,
            "application_id": a.application_id}
