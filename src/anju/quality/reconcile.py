"""Bringing a set of houses' findings in line with the checks: open what fires, close what no
longer fires, each change with its FindingEvent. Used by the save-time recheck and the sweep."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from anju.kit.events import records_changed
from anju.quality import fields
from anju.quality.facts import Chunk, remember_valid_ids
from anju.quality.models import EventAction, Finding, FindingEvent, FindingStatus
from anju.quality.rules import CHECKS, VERIFICATION_RULE, Context, HouseFacts, evaluate
from anju.registry import bulk

CLOSED_NOTE = "已整改：规则复核通过"
VERIFIED_NOTE = "已整改：记录已与实地核实值一致"
MESSAGE_MAX = 300


@dataclass
class NewFinding:
    house_id: int
    division_code: str
    kind: str
    rule: str
    field: str
    message: str


FINDING_COLUMNS = ("id", "house_id", "division_code", "kind", "rule", "field", "message",
                   "status", "source", "found_on", "due_on", "verification_id", "expected",
                   "created_at")
EVENT_COLUMNS = ("finding_id", "action", "actor_id", "at", "note")


def _record_events(finding_ids, action: str, *, actor=None, note: str = "") -> None:
    now = timezone.now()
    actor_id = actor.pk if actor is not None else None
    bulk.insert_rows(FindingEvent, EVENT_COLUMNS,
                     ((pk, action, actor_id, now, note[:300]) for pk in finding_ids))


def open_findings(new: list[NewFinding], *, source: str, today: date,
                  deadline_days: Callable[[str], int], actor=None, note: str = "",
                  verification=None, expected=None, announce: bool = True) -> list[int]:
    """Create findings, each due `deadline_days` after today, with an "opened" event; returns
    their ids. A sweep opens thousands at once: the rows go through the bulk-insert seam.
    `announce` False: the caller tells "records changed" once for all it did."""
    if not new:
        return []
    ids = bulk.reserve_ids(Finding, len(new))
    now = timezone.now()
    verification_id = verification.pk if verification is not None else None
    bulk.insert_rows(Finding, FINDING_COLUMNS, (
        (pk, n.house_id, n.division_code, n.kind, n.rule, n.field, n.message[:MESSAGE_MAX],
         FindingStatus.OPEN, source, today,
         today + timedelta(days=deadline_days(n.division_code)), verification_id, expected,
         now)
        for pk, n in zip(ids, new, strict=True)))
    _record_events(ids, EventAction.OPENED, actor=actor, note=note)
    if announce:
        records_changed(divisions={n.division_code for n in new})
    return ids


def close_findings(ids: list[int], *, today: date, note: str, actor=None,
                   action: str = EventAction.CLOSED, announce: bool = True) -> int:
    """Close the open ones among `ids`; returns how many were closed."""
    if not ids:
        return 0
    still_open = dict(Finding.objects.filter(pk__in=ids, status=FindingStatus.OPEN)
                      .values_list("pk", "division_code"))
    closed = Finding.objects.filter(pk__in=still_open, status=FindingStatus.OPEN).update(
        status=FindingStatus.CLOSED, closed_on=today)
    _record_events(still_open, action, actor=actor, note=note)
    if announce:
        records_changed(divisions=still_open.values())
    return closed


def verification_resolved(facts: HouseFacts, field: str, expected) -> bool:
    """A verification finding is fixed when the record equals what was seen on site."""
    if field not in fields.VERIFIABLE:
        return False
    return fields.same(field, getattr(facts, field), expected)


def reconcile(chunk: Chunk, facts: list[HouseFacts], ctx: Context, *, source: str,
              deadline_days: Callable[[str], int], actor=None) -> tuple[int, int]:
    """Open the findings that fire on `facts` and close the open ones that no longer do.

    `chunk` holds the houses the facts came from. Returns (opened, closed).
    """
    current: dict[int, dict] = {}
    for pk, house_id, rule, field, expected, message, code in Finding.objects.filter(
            chunk.of_houses(), status=FindingStatus.OPEN).values_list(
            "pk", "house_id", "rule", "field", "expected", "message", "division_code"):
        current.setdefault(house_id, {})[(rule, field)] = (pk, expected, message, code)
    new, fixed, verified, reworded, moved, fired = [], [], [], [], {}, {}
    for f in facts:
        hits = fired[f.id] = evaluate(f, ctx, CHECKS)
        mine = current.get(f.id, {})
        for key, (kind, message) in hits.items():
            found = mine.get(key)
            if found is None:
                new.append(NewFinding(f.id, f.division_code, kind, key[0], key[1], message))
            elif found[2] != message[:MESSAGE_MAX]:
                reworded.append((found[0], message[:MESSAGE_MAX]))
        for (rule, field), (pk, expected, _, code) in mine.items():
            if rule == VERIFICATION_RULE:
                if verification_resolved(f, field, expected):
                    verified.append(pk)
            elif (rule, field) not in hits:
                fixed.append(pk)
            if code != f.division_code:  # the house moved: its findings follow it
                moved.setdefault(f.division_code, []).append(pk)
    if new:
        open_findings(new, source=source, today=ctx.today, deadline_days=deadline_days,
                      actor=actor)
    closed = close_findings(fixed, today=ctx.today, note=CLOSED_NOTE, actor=actor)
    closed += close_findings(verified, today=ctx.today, note=VERIFIED_NOTE, actor=actor)
    if reworded:
        Finding.objects.bulk_update([Finding(pk=pk, message=m) for pk, m in reworded],
                                    ["message"])
    for code, ids in moved.items():
        Finding.objects.filter(pk__in=ids).update(division_code=code)
    remember_valid_ids(facts, fired)
    return len(new), closed
