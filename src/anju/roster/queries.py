"""The doors of the roster cycle: the lists a user may see (scoped by division), and each
person's state derived from the register, the appraisals, the ledger and the cases."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Min, Q

from anju.appraisal.models import Appraisal
from anju.assistance.models import Application, Transition
from anju.divisions.scope import narrowed, not_found, within
from anju.policy.rules import profile_resolver
from anju.rectification.models import LedgerEntry
from anju.roster import rules
from anju.roster.codes import Change, LoadStatus, PersonStatus
from anju.roster.models import RosterLoad, RosterPerson


def _loads_seen(user, division: str | None = None):
    """Lists of the user's scope, and the county's lists that hold people of the user's
    township or village (a list is the certifying department's, for the whole county)."""
    people = narrowed(user, RosterPerson.objects.all(), division)
    place = division if division and len(division) > len(user.scope) else user.scope
    above = [place[:n] for n in (2, 4, 6, 9, 12) if n <= len(place)]
    return RosterLoad.objects.filter(
        Q(within(place)) | Q(division_code__in=above, pk__in=people.values("load_id")))


def loads_for_user(user, division: str | None = None):
    """The written lists (dry runs and refused files are their uploader's job only)."""
    narrowed(user, RosterLoad.objects.none(), division)  # NotFound for a division out of scope
    return (_loads_seen(user, division).filter(dry_run=False, status=LoadStatus.SUCCEEDED)
            .order_by("-period", "-id"))


def get_load_for_user(user, load_id: int) -> RosterLoad:
    load = _loads_seen(user).filter(dry_run=False, pk=load_id).first()
    if load is None:
        raise not_found(RosterLoad, pk=load_id)
    return load


def people_for_user(user, division: str | None = None, *, load: RosterLoad | None = None,
                    period: str | None = None):
    """The people a user may see: those of villages inside the user's scope."""
    people = narrowed(user, RosterPerson.objects.all(), division)
    if load is not None:
        people = people.filter(load=load)
    if period:
        people = people.filter(period=period)
    return people.select_related("house", "load").order_by("division_code", "id")


@dataclass(frozen=True)
class Row:
    person: RosterPerson
    state: rules.State
    programme: str  # R-CJ-9: where a dangerous house is routed; "" otherwise


def rows_of(people, today: date) -> list[Row]:
    """Each person with the state of their row, read for the whole list in a few queries."""
    people = list(people)
    houses = {p.house_id for p in people if p.house_id}
    starts = {p.period: rules.period_start(p.period) for p in people}
    earliest = min(starts.values(), default=today)
    appraisals: dict[int, list[tuple[str, date]]] = {}
    for house_id, grade, on in (Appraisal.objects.filter(house_id__in=houses,
                                                         appraised_on__gte=earliest)
                                .order_by("appraised_on", "id")
                                .values_list("house_id", "grade", "appraised_on")):
        appraisals.setdefault(house_id, []).append((grade, on))
    entries: dict[int, list[tuple[str, date | None, str, date]]] = {}
    for house_id, status, closed_on, programme, opened_on in (
            LedgerEntry.objects.filter(house_id__in=houses).order_by("opened_on", "id")
            .values_list("house_id", "status", "closed_on", "programme", "opened_on")):
        entries.setdefault(house_id, []).append((status, closed_on, programme, opened_on))
    cases: dict[int, tuple[str, int]] = {}
    for pk, house_id, status in (Application.objects.filter(house_id__in=houses)
                                 .exclude(status__in=("rejected", "waived"))
                                 .order_by("id").values_list("pk", "house_id", "status")):
        cases[house_id] = (status, pk)
    done_on = dict(Transition.objects.filter(
        application_id__in=[pk for _, pk in cases.values()], to_status="accepted")
        .values("application_id").annotate(on=Min("on")).values_list("application_id", "on"))
    resolve = profile_resolver(today)
    out = []
    for person in people:
        start = starts[person.period]
        house = person.house_id
        appraisal = next((a for a in reversed(appraisals.get(house, [])) if a[1] >= start), None)
        entry = next((e for e in reversed(entries.get(house, []))
                      if e[0] != "closed" or (e[1] and e[1] >= start)), None)
        case = cases.get(house)
        facts = rules.Facts(
            removed=person.change == Change.REMOVED, household=person.household_id is not None,
            standing_houses=person.house_count,
            appraisal_due_on=person.appraisal_due_on, appraisal=appraisal,
            entry=entry[:3] if entry else None,
            case=(case[0], done_on.get(case[1])) if case else None)
        state = rules.state_of(facts, today)
        programme = ""
        if state.status == PersonStatus.DANGEROUS:
            programme = (entry[2] if entry and entry[2]
                         else resolve(person.division_code).low_income_programme)
        out.append(Row(person, state, programme))
    return out


def filter_rows(rows: list[Row], status: str | None) -> list[Row]:
    return [r for r in rows if not status or r.state.status == status]


def counts(rows: list[Row]) -> dict[str, int]:
    found = Counter(r.state.status for r in rows)
    return {value: found.get(value, 0) for value in PersonStatus.values}


def late_by_township(rows: list[Row]) -> dict[str, int]:
    """The late rows counted per township (N4: shown to the township and the county)."""
    found = Counter(r.person.division_code[:9] for r in rows
                    if r.state.status == PersonStatus.LATE)
    return dict(sorted(found.items()))


def people_counts(loads) -> dict[int, int]:
    return dict(RosterPerson.objects.filter(load__in=loads).values("load_id")
                .annotate(n=Count("id")).values_list("load_id", "n"))
