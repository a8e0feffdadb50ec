"""The producers: each reads one rule clock and queues a message per object, due date and
recipient, once however often it runs (the dedupe key is unique). They read the dates, not
the sweeps' flags, so a reminder does not wait for the nightly sweep. The case transitions
are read from where the last run stopped (a cursor), not from a signal."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from anju.assistance.codes import Status as CaseStatus
from anju.assistance.models import Application, Transition
from anju.assistance.sweep import PAYMENT_WARNING_DAYS
from anju.divisions.queries import place_names
from anju.quality.models import Finding, FindingStatus
from anju.quality.rules import RULE_LABELS
from anju.rectification.codes import EntryStatus
from anju.rectification.models import LedgerEntry
from anju.reminders import gateways, wording
from anju.reminders.models import Cursor, Event, Kind, Message, Recipient, Status
from anju.reminders.queries import Officials
from anju.roster.codes import LoadStatus, PersonStatus
from anju.roster.models import RosterPerson
from anju.roster.queries import rows_of

# A reminder goes out this many days before its deadline, and again once it has passed.
NOTICE_DAYS = 3
# Roster rows late by more than this are the county's follow-up, no longer reminded.
ROSTER_LOOKBACK_DAYS = 90
CASE_CURSOR = "assistance_transitions"
# The stages a household is told; the amounts it is told with them.
CASE_CLOSED = (CaseStatus.PAID, CaseStatus.CLOSED, CaseStatus.WAIVED, CaseStatus.REJECTED)


def dedupe_key(kind: str, subject: str, subject_id: int, due_on: date | None,
               recipient: str) -> str:
    return f"{kind}:{subject}:{subject_id}:{due_on.isoformat() if due_on else '-'}:{recipient}"


class Batch:
    """The messages of one producer's run: the keys already queued are read once per chunk,
    each new one is created with its `queued` event (a concurrent run loses on the key)."""

    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.queued = 0
        self.pending: list[dict] = []

    def add(self, **values):
        self.pending.append(values)
        if len(self.pending) >= 500:
            self.flush()

    def flush(self) -> int:
        pending, self.pending = self.pending, []
        seen = set(Message.objects.filter(dedupe_key__in=[p["dedupe_key"] for p in pending])
                   .values_list("dedupe_key", flat=True))
        for values in pending:
            if values["dedupe_key"] in seen:
                continue
            seen.add(values["dedupe_key"])
            try:
                with transaction.atomic():
                    message = Message.objects.create(
                        **values, channel=gateways.channel_for(values["recipient"]),
                        status=Status.QUEUED, next_attempt_at=self.now)
                    Event.objects.create(message=message, to_status=Status.QUEUED)
            except IntegrityError:
                continue  # queued a moment ago by another run
            self.queued += 1
        return self.queued


def _to_officials(batch: Batch, officials: Officials, who: str, *, kind: str, subject: str,
                  subject_id: int, division_code: str, due_on: date, text: str):
    for user in officials.covering(division_code, who):
        batch.add(recipient=Recipient.OFFICIAL, user=user, kind=kind, text=text,
                  division_code=division_code, subject=subject, subject_id=subject_id,
                  due_on=due_on,
                  dedupe_key=dedupe_key(kind, subject, subject_id, due_on, f"u{user.pk}"))


def _household_of(name: str | None) -> str:
    return f"{name}户" if name else ""


def queue_check_reminders(today: date, officials: Officials) -> int:
    """R-CJ-7: the ledger's control checks coming due, and those overdue."""
    batch = Batch()
    entries = list(LedgerEntry.objects.exclude(status=EntryStatus.CLOSED)
                   .filter(next_check_due__lte=today + timedelta(days=NOTICE_DAYS))
                   .select_related("household", "house__household").order_by("pk"))
    places = place_names(e.division_code for e in entries)
    for entry in entries:
        household = entry.household or entry.house.household
        due = entry.next_check_due
        kind = Kind.CHECK_DUE if due >= today else Kind.CHECK_OVERDUE
        text = wording.render(kind, place=places[entry.division_code],
                              household=_household_of(household and household.head_name),
                              number=entry.number, due=due.isoformat())
        _to_officials(batch, officials, "check", kind=kind, subject="ledger_entry",
                      subject_id=entry.pk, division_code=entry.division_code, due_on=due,
                      text=text)
    return batch.flush()


def queue_finding_reminders(today: date, officials: Officials) -> int:
    """The data-quality findings whose time to be fixed is near or past."""
    batch = Batch()
    findings = list(Finding.objects.filter(status=FindingStatus.OPEN,
                                           due_on__lte=today + timedelta(days=NOTICE_DAYS))
                    .select_related("house").order_by("pk"))
    places = place_names(f.division_code for f in findings)
    for finding in findings:
        kind = Kind.FINDING_DUE if finding.due_on >= today else Kind.FINDING_OVERDUE
        rule = RULE_LABELS.get(finding.rule, finding.rule)
        text = wording.render(kind, place=places[finding.division_code] + " ",
                              address=finding.house.address,
                              problem=f"{finding.get_kind_display()}：{rule}",
                              due=finding.due_on.isoformat())
        _to_officials(batch, officials, "finding", kind=kind, subject="finding",
                      subject_id=finding.pk, division_code=finding.division_code,
                      due_on=finding.due_on, text=text)
    return batch.flush()


def queue_payment_reminders(today: date, officials: Officials) -> int:
    """R-MH-12: a subsidy is paid within 30 days of the acceptance; told a week before the
    deadline (the sweep's "near the deadline") and once it has passed."""
    batch = Batch()
    cases = list(Application.objects.exclude(status__in=CASE_CLOSED)
                 .filter(paid_on__isnull=True,
                         payment_due_on__lte=today + timedelta(days=PAYMENT_WARNING_DAYS))
                 .select_related("household").order_by("pk"))
    places = place_names(c.division_code for c in cases)
    for case in cases:
        due = case.payment_due_on
        kind = Kind.PAYMENT_DUE if due >= today else Kind.PAYMENT_OVERDUE
        owed = (case.payable_amount if case.payable_amount is not None
                else case.subsidy_amount) - case.paid_amount
        text = wording.render(kind, place=places[case.division_code],
                              household=_household_of(case.household.head_name),
                              number=case.number, due=due.isoformat(), amount=f"{owed:.2f}")
        _to_officials(batch, officials, "payment", kind=kind, subject="case",
                      subject_id=case.pk, division_code=case.division_code, due_on=due,
                      text=text)
    return batch.flush()


def queue_roster_reminders(today: date, officials: Officials) -> int:
    """N4: the only house of each listed person is appraised by the profile's day."""
    batch = Batch()
    people = (RosterPerson.objects
              .filter(load__status=LoadStatus.SUCCEEDED, load__dry_run=False,
                      appraisal_due_on__lte=today + timedelta(days=NOTICE_DAYS),
                      appraisal_due_on__gte=today - timedelta(days=ROSTER_LOOKBACK_DAYS))
              .select_related("house", "load").order_by("pk"))
    rows = [r for r in rows_of(people, today)
            if r.state.status in (PersonStatus.AWAITING, PersonStatus.LATE)]
    places = place_names(r.person.division_code for r in rows)
    for row in rows:
        person = row.person
        kind = Kind.ROSTER_DUE if row.state.status == PersonStatus.AWAITING else Kind.ROSTER_LATE
        text = wording.render(kind, place=places[person.division_code], name=person.name,
                              period=person.period, due=person.appraisal_due_on.isoformat())
        _to_officials(batch, officials, "roster", kind=kind, subject="roster_person",
                      subject_id=person.pk, division_code=person.division_code,
                      due_on=person.appraisal_due_on, text=text)
    return batch.flush()


def _case_text(transition: Transition) -> str:
    case = transition.application
    amount = ""
    if transition.to_status in (CaseStatus.APPROVED, CaseStatus.NOTIFIED):
        amount = wording.amount_line(wording.AMOUNT_APPROVED, case.subsidy_amount)
    elif transition.to_status == CaseStatus.PAID:
        amount = wording.amount_line(wording.AMOUNT_PAID, case.paid_amount)
    return wording.render(Kind.CASE_MOVED, stage=CaseStatus(transition.to_status).label,
                          on=transition.on.isoformat(), amount=amount)


def queue_case_notices(chunk: int = 2000) -> int:
    """One SMS per move of a case to a new stage, to the household's phone, only where the
    household agreed to SMS notices. The first run starts at the newest transition: what
    happened before reminders were switched on is not sent."""
    cursor = Cursor.objects.filter(name=CASE_CURSOR).first()
    if cursor is None:
        newest = Transition.objects.aggregate(n=Max("pk"))["n"] or 0
        Cursor.objects.get_or_create(name=CASE_CURSOR, defaults={"last_id": newest})
        return 0
    batch = Batch()
    last = cursor.last_id
    while True:
        transitions = list(Transition.objects.filter(pk__gt=last)
                           .select_related("application__household").order_by("pk")[:chunk])
        if not transitions:
            break
        for t in transitions:
            household = t.application.household
            if t.to_status == t.from_status or not household.sms_notices or not household.phone:
                continue
            batch.add(recipient=Recipient.HOUSEHOLD, household_id=household.pk,
                      phone=household.phone, kind=Kind.CASE_MOVED, text=_case_text(t),
                      division_code=t.division_code, subject="case_transition",
                      subject_id=t.pk, due_on=None,
                      dedupe_key=dedupe_key(Kind.CASE_MOVED, "case_transition", t.pk, None,
                                            f"h{household.pk}"))
        last = transitions[-1].pk
    batch.flush()
    # Forward only: of two runs, the one that read further keeps its place.
    Cursor.objects.filter(name=CASE_CURSOR, last_id__lt=last).update(last_id=last)
    return batch.queued


def queue_all(today: date | None = None) -> dict[str, int]:
    """Every producer once; answers how many messages each queued."""
    today = today or timezone.localdate()
    officials = Officials()
    return {
        "check": queue_check_reminders(today, officials),
        "finding": queue_finding_reminders(today, officials),
        "payment": queue_payment_reminders(today, officials),
        "roster": queue_roster_reminders(today, officials),
        "case": queue_case_notices(),
    }
