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
