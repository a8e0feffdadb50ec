"""R-CJ-8a One house, one life: a renovation case of a house with an open entry is that entry's
engineering measure. The case (assistance, a sibling app this one may not import) tells its
facts through the "records changed" event; they are recorded here once, on the entry, with
`source = application` and the case's id (ADR 0027)."""

from datetime import date

from anju.kit import events
from anju.kit.events import CaseFact
from anju.rectification import rules
from anju.rectification.actions._entry import facts_of
from anju.rectification.codes import Action, EntryStatus, MeasureCategory, MeasureKind, Source
from anju.rectification.models import Acceptance, LedgerEntry, Measure
from anju.rectification.transitions import WORKFLOW, open_statuses

# The case's own engineering measures (not the old house's demolition, which is its own fact)
BUILT = (MeasureKind.REBUILD, MeasureKind.REPAIR_REINFORCE)


def record_case_fact(fact: CaseFact) -> LedgerEntry | None:
    """Record one fact of a case on its house's open entry; a house not on the ledger has
    nothing to record. Runs inside the case verb's transaction."""
    entry = (LedgerEntry.objects.filter(house_id=fact.house_id, status__in=open_statuses())
             .select_for_update().first())
    if entry is None:
        return None
    {events.STARTED: _started, events.COMPLETED: _completed, events.ACCEPTED: _accepted,
     events.DEMOLISHED: _demolished}[fact.kind](entry, fact)
    entry.refresh_from_db()
    return entry


def _details(fact: CaseFact, **more) -> dict:
    return {"application": fact.application_id, "number": fact.number, **more}


def _note(fact: CaseFact, text: str) -> str:
    return f"危房改造 {fact.number}：{text}" if fact.number else text


def _move(entry: LedgerEntry, action: str, fact: CaseFact, **details) -> None:
    # A fact that comes when the entry may not take the move (already accepted) is still
    # kept as a row; only the move is skipped.
    if WORKFLOW.move_for(entry.status, action) is None:
        return
    WORKFLOW.apply(entry, action, acting_user=fact.actor, on=fact.on,
                   details=_details(fact, **details))


def _case_measure(entry: LedgerEntry, fact: CaseFact, kind: str) -> Measure | None:
    return entry.measures.filter(source=Source.APPLICATION, application_id=fact.application_id,
                                 kind=kind).first()


def _started(entry: LedgerEntry, fact: CaseFact) -> None:
    kind = fact.measure
    measure = _case_measure(entry, fact, kind)
    if measure is None:
        # a measure the ledger planned for the house becomes the case's
        measure = entry.measures.filter(kind=kind, started_on__isnull=True,
                                        completed_on__isnull=True).first()
    if measure is None:
        measure = Measure(entry=entry, division_code=entry.division_code, kind=kind,
                          category=MeasureCategory.ENGINEERING)
    measure.started_on = fact.on
    measure.source, measure.application_id = Source.APPLICATION, fact.application_id
    measure.note = measure.note or _note(fact, "开工")
    measure.recorded_by = fact.actor
    measure.save()
    _move(entry, Action.RECORD_ENGINEERING, fact, measure=measure.pk, kind=kind,
          started_on=str(fact.on))


def _completed(entry: LedgerEntry, fact: CaseFact) -> None:
    measures = list(entry.measures.filter(source=Source.APPLICATION,
                                          application_id=fact.application_id, kind__in=BUILT,
                                          completed_on__isnull=True))
    if not measures and fact.measure:
        measures = [Measure.objects.create(
            entry=entry, division_code=entry.division_code, kind=fact.measure,
            category=MeasureCategory.ENGINEERING, source=Source.APPLICATION,
            application_id=fact.application_id, note=_note(fact, "竣工"),
            recorded_by=fact.actor)]
    for measure in measures:
        measure.completed_on = fact.on
        measure.save(update_fields=["completed_on"])
        _move(entry, Action.RECORD_ENGINEERING, fact, measure=measure.pk, kind=measure.kind,
              completed_on=str(fact.on))


def _accepted(entry: LedgerEntry, fact: CaseFact) -> None:
    if not entry.measures.filter(source=Source.APPLICATION, application_id=fact.application_id,
                                 kind__in=BUILT, completed_on__isnull=False).exists():
        # the entry was opened after the case was built: its measure is recorded now
        _completed(entry, fact)
    row = Acceptance.objects.create(
        entry=entry, division_code=entry.division_code, accepted_on=fact.on,
        passed=bool(fact.passed), inspectors=list(fact.inspectors),
        note=_note(fact, "竣工验收" + ("合格" if fact.passed else "不合格")),
        source=Source.APPLICATION, application_id=fact.application_id,
        recorded_by=fact.actor)
    action = Action.ACCEPT if fact.passed else Action.ACCEPT_FAILED
    changes = {"next_check_due": None, "check_overdue": False} if fact.passed else {}
    if WORKFLOW.move_for(entry.status, action) is not None:
        WORKFLOW.apply(entry, action, acting_user=fact.actor, on=fact.on,
                       details=_details(fact, acceptance=row.pk, passed=bool(fact.passed)),
                       **changes)
    if fact.passed:
        propose_sign_off(entry, on=fact.on)
    elif entry.signoff_proposed_on is not None:
        LedgerEntry.objects.filter(pk=entry.pk).update(signoff_proposed_on=None)


def _demolished(entry: LedgerEntry, fact: CaseFact) -> None:
    measure = _case_measure(entry, fact, MeasureKind.DEMOLISH) or entry.measures.filter(
        kind=MeasureKind.DEMOLISH, completed_on__isnull=True).first()
    if measure is None:
        measure = Measure(entry=entry, division_code=entry.division_code,
                          kind=MeasureKind.DEMOLISH, category=MeasureCategory.ENGINEERING)
    measure.started_on = measure.started_on or fact.on
    measure.completed_on = fact.on
    measure.source, measure.application_id = Source.APPLICATION, fact.application_id
    measure.note = fact.note or measure.note or _note(fact, "原房拆除")
    measure.recorded_by = fact.actor
    measure.save()
    _move(entry, Action.RECORD_ENGINEERING, fact, measure=measure.pk, kind=measure.kind,
          completed_on=str(fact.on))
    propose_sign_off(entry, on=fact.on)


def propose_sign_off(entry: LedgerEntry, *, on: date) -> None:
    """When every condition of R-CJ-8 holds, the township is asked to sign off (the entry and
    its work list say so); the sign-off itself stays the township's act."""
    entry.refresh_from_db()
    if entry.status != EntryStatus.ACCEPTED or entry.signoff_proposed_on is not None:
        return
    if rules.signoff_unmet(facts_of(entry)) is None:
        LedgerEntry.objects.filter(pk=entry.pk).update(signoff_proposed_on=on)
        entry.signoff_proposed_on = on
