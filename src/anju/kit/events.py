"""One event, "records changed": a verb that changes houses, households, ledger entries, cases
or findings says so once, inside its transaction, and the apps that keep something derived
from those records listen by name (the ledger follows a house's grade, the data-quality checks
re-run, the phones' change sequence grows, the statistics count the villages again).

The apps that fire may not import the listeners (architecture.md, layering; ADR 0011), so the
listeners register here in their AppConfig.ready, in INSTALLED_APPS order. No signals: the
firing is an explicit call in the verb, the listening an explicit line in `ready`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class CaseFact:
    """A fact of a renovation case about its house (R-CJ-8a, ADR 0027), told by the case and
    recorded once by the ledger on the house's open entry: `started` (the engineering
    `measure` begun), `completed`, `accepted` (`passed`, `inspectors`) and `demolished` (the
    old house pulled down). `number` is the case's number as the clerk reads it."""

    kind: str
    application_id: int
    house_id: int
    on: date
    number: str = ""
    measure: str = ""
    passed: bool | None = None
    inspectors: tuple[str, ...] = ()
    note: str = ""
    actor: Any = None


STARTED, COMPLETED, ACCEPTED, DEMOLISHED = "started", "completed", "accepted", "demolished"


@dataclass(frozen=True)
class HouseChecked:
    """Someone went to the house and looked (R-CJ-7): a ledger `control_check` (whose id is
    `record`, `holds` whether the measures held) or an `inspection` of the house, at `level`
    (the check levels' codes). The villagers' leads about the house close on it (ADR 0046)."""

    kind: str
    record: int
    house_id: int
    on: date
    level: str
    holds: bool | None = None
    actor: Any = None


CONTROL_CHECK, INSPECTION = "control_check", "inspection"


@dataclass(frozen=True)
class RecordsChanged:
    """What changed: houses whose own record, grade or occupants changed (they are re-read),
    divisions whose counts change (a village, or a larger division for bulk work; a house that
    moved names the village it left here), appraisals just recorded (R-CJ-4: the ledger
    takes a C/D house on in the same transaction), and facts of renovation cases about their
    houses (R-CJ-8a: the ledger records them on the house's entry), and checks made at a
    house (R-CJ-7: the villagers' leads about it close)."""

    houses: frozenset[int] = frozenset()
    divisions: frozenset[str] = frozenset()
    appraisals: tuple = field(default=())
    case_facts: tuple[CaseFact, ...] = field(default=())
    checks: tuple[HouseChecked, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.houses or self.divisions or self.appraisals or self.case_facts
                    or self.checks)


Listener = Callable[[RecordsChanged], None]
_listeners: dict[str, Listener] = {}


def listen(name: str, listener: Listener, *, first: bool = False) -> None:
    """Register `listener` under `name`; registering a name again replaces it. `first` puts it
    before the others: the ledger, which the others read, follows an appraisal first."""
    _listeners.pop(name, None)
    if first:
        rest = dict(_listeners)
        _listeners.clear()
        _listeners[name] = listener
        _listeners.update(rest)
    else:
        _listeners[name] = listener


def listeners() -> tuple[str, ...]:
    return tuple(_listeners)


def records_changed(*, houses: Iterable[int] = (), divisions: Iterable[str] = (),
                    appraisals: Iterable = (),
                    case_facts: Iterable[CaseFact] = (),
                    checks: Iterable[HouseChecked] = ()) -> RecordsChanged:
    """Tell every listener, in order, inside the caller's transaction; an empty change is not
    told. Answers the change as told."""
    change = RecordsChanged(frozenset(h for h in houses if h),
                            frozenset(d for d in divisions if d), tuple(appraisals),
                            tuple(case_facts), tuple(checks))
    if change:
        for listener in _listeners.values():
            listener(change)
    return change

