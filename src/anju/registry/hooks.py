"""One named extension point: apps above the registry that must re-check a house after any
change to it (the data-quality rules, R-CJ-3) register here, because the registry may not
import them (architecture.md, layering). Called inside the changing transaction."""

from collections.abc import Callable
from dataclasses import dataclass

_house_changed: list[Callable[[int], None]] = []


def on_house_changed(callback: Callable[[int], None]) -> None:
    if callback not in _house_changed:
        _house_changed.append(callback)


def house_changed(house_id: int) -> None:
    for callback in _house_changed:
        callback(house_id)


# A house that moves to another village: the statistics count the village it left again.
_house_moved: list[Callable[[int, str], None]] = []


def on_house_moved(callback: Callable[[int, str], None]) -> None:
    if callback not in _house_moved:
        _house_moved.append(callback)


def house_moved(house_id: int, from_code: str) -> None:
    for callback in _house_moved:
        callback(house_id, from_code)


# Records that copy their house's or household's village into `division_code`, the column the
# doors scope by, are named here by the apps that own them; a move rewrites every copy in the
# moving transaction (registry.moving), so that the new village reads them and the old one no
# longer does. Rows that say where something happened (the audit log, where a notice was
# posted, the phones' change sequence) are not copies and are not named.
@dataclass(frozen=True)
class VillageCopy:
    model: type
    house: str = ""  # lookup from a row to its house's id
    household: str = ""  # lookup to its household's id, used where the row has no house


_village_copies: list[VillageCopy] = []


def copies_village(model, *, house: str = "", household: str = "") -> None:
    copy = VillageCopy(model, house, household)
    if copy not in _village_copies:
        _village_copies.append(copy)


def village_copies() -> tuple[VillageCopy, ...]:
    return tuple(_village_copies)


# A household that moves to another village, with everything of it: both villages' statistics
# are counted again (its houses say so through house_moved; a household without one here).
_household_moved: list[Callable[[int, str, str], None]] = []


def on_household_moved(callback: Callable[[int, str, str], None]) -> None:
    if callback not in _household_moved:
        _household_moved.append(callback)


def household_moved(household_id: int, from_code: str, to_code: str) -> None:
    for callback in _household_moved:
        callback(household_id, from_code, to_code)
