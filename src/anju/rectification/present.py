"""One shape of a ledger entry for the API, the pages and the exports; prefetches included."""

from django.db.models import Prefetch

from anju.kit.masks import mask_phone
from anju.registry.codes import BUSINESS_USES, ResponsibleRole
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


def present_entry(entry, *, reveal: bool = False, transitions: bool = False) -> dict:
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
