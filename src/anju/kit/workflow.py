"""The workflow engine: one table of acts per workflow, applied the same way everywhere.

A workflow's table (`ACTS`, in the app's `acts.py`) maps each action to its `Act`: the typed
command it takes, the verb that applies it, and the moves it may make (from status, to status,
the capability it needs, a guard naming the rule not yet met). Verbs ask the `Workflow` whether
a move is open and apply it with `apply` (or `create`, for the act that makes the record):
a compare-and-set on `version` and `status` (exactly one row updated, else 409), one transition
row, and an audit row when the status changes, all in the caller's transaction.

Apps hand the engine what it may not import (architecture.md: the kit imports no app): the
audit writer, what to say when records changed, and their own wording of a refusal.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from anju.kit.errors import Code, Conflict, version_conflict
from anju.kit.origin import Origin


@dataclass(frozen=True)
class Move:
    """One row of a state machine: `target` None keeps the status; `failed` is where a negative
    outcome leads; a `guard` names the rule not yet met (a 422 or 409, as the app says);
    `concerns` says whether the act concerns the record at all; `capability` None marks a move
    the system makes (an appraisal, a sweep), never a person directly; `reopens` marks the one
    way back out of an ended status."""

    source: str
    action: str
    target: str | None
    capability: str | None
    guard: Callable | None = None
    failed: str | None = None
    concerns: Callable | None = None
    reopens: bool = False


def each(sources, action: str, target: str | None, capability: str | None,
         **options) -> tuple[Move, ...]:
    """The same move from several statuses."""
    return tuple(Move(s, action, target, capability, **options) for s in sources)


@dataclass(frozen=True)
class Act:
    """One policy act: its typed command (None for a move only the system makes and nobody
    types), its verb, and its moves."""

    command: type | None
    verb: Callable
    moves: tuple[Move, ...]


Refuse = Callable[[str, str], Exception]


class Workflow:
    """One workflow's engine over its table, which is read on first use (`table` is the dotted
    path of the ACTS dict, whose verbs themselves use this engine)."""

    def __init__(self, *, model, transition, link: str, table: str,
                 refuse: Callable[[str, str], Exception],
                 audit: Callable[..., object],
                 changed: Callable[[object, str, str], None] | None = None,
                 comment_max: int | None = None):
        self.model = model
        self.transition = transition
        self.link = link
        self.table = table
        self.refuse = refuse
        self.audit = audit
        self.changed = changed
        self.comment_max = comment_max

    @cached_property
    def acts(self) -> dict:
        return import_string(self.table)

    @cached_property
    def moves(self) -> tuple[Move, ...]:
        return tuple(m for act in self.acts.values() for m in act.moves)

    @cached_property
    def _by_key(self) -> dict[tuple[str, str], Move]:
        return {(m.source, m.action): m for m in self.moves}

    @cached_property
    def statuses(self) -> frozenset[str]:
        found = {m.source for m in self.moves} | {m.target for m in self.moves}
        found |= {m.failed for m in self.moves}
        return frozenset(s for s in found if s)

    @cached_property
    def ended(self) -> frozenset[str]:
        """The statuses a record has ended in: no move leaves them but a reopening."""
        leaving = {m.source for m in self.moves if not m.reopens}
        return frozenset(s for s in self.statuses if s not in leaving)

    @cached_property
    def open(self) -> frozenset[str]:
        return self.statuses - self.ended

    def move_for(self, status: str, action: str) -> Move | None:
        return self._by_key.get((status, action))

    def capability_of(self, action: str) -> str | None:
        return self.acts[action].moves[0].capability

    def apply(self, obj, action: str, *, acting_user, on: date, failed: bool = False,
              pending: bool = False, comment: str = "", details: dict | None = None,
              origin: Origin | None = None, version: int | None = None, **changes):
        """Make the move of `action` from the record's status: compare-and-set, transition
        row, audit row on a change of status. `failed` takes the move's negative outcome;
        `pending` keeps the status (one of several decisions still awaited). Answers the
        transition row; `obj` is read again."""
        move = self.move_for(obj.status, action)
        if move is None:  # verbs check first; this keeps a race from slipping through
            raise self.refuse(obj.status, action)
        if version is not None and version != obj.version:
            raise version_conflict()
        target = (move.failed if failed else None if pending else move.target) or obj.status
        updated = self.model.objects.filter(pk=obj.pk, version=obj.version,
                                            status=obj.status).update(
            status=target, version=F("version") + 1, updated_at=timezone.now(), **changes)
        if updated != 1:
            raise version_conflict()
        row = self._record(obj, obj.status, action, target, acting_user=acting_user, on=on,
                           comment=comment, details=details, origin=origin)
        obj.refresh_from_db()
        return row

    def create(self, obj, action: str, *, acting_user, on: date, comment: str = "",
               details: dict | None = None, origin: Origin | None = None):
        """Save a new record through the move of `action` from no status, with its
        transition row and audit row. Answers the transition row."""
        move = self.move_for("", action)
        if move is None:
            raise Conflict(Code.TRANSITION_NOT_ALLOWED, "此操作不能新建记录", field="action")
        obj.status = move.target
        obj.save()
        return self._record(obj, "", action, move.target, acting_user=acting_user, on=on,
                            comment=comment, details=details, origin=origin)

    def _record(self, obj, source: str, action: str, target: str, *, acting_user, on,
                comment, details, origin):
        comment = comment or ""
        if self.comment_max is not None:
            comment = comment[:self.comment_max]
        row = self.transition.objects.create(
            **{self.link: obj}, division_code=obj.division_code, from_status=source,
            action=action, to_status=target, on=on, actor=acting_user, comment=comment,
            details=details or {})
        if target != source:
            self.audit(obj, acting_user=acting_user, origin=origin,
                       details={"action": action, "from": source, "to": target})
        if self.changed is not None:
            self.changed(obj, source, target)
        return row
