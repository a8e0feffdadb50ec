"""One named extension point: apps above the registry that must re-check a house after any
change to it (the data-quality rules, R-CJ-3) register here, because the registry may not
import them (architecture.md, layering). Called inside the changing transaction."""

from collections.abc import Callable

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
