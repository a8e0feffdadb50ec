"""One named extension point: the statistics (anju.reports) count a village again when its
cases change; this app may not import them (architecture.md, layering; ADR 0011). Called
inside the changing transaction with the villages (or a division, for bulk work)."""

from collections.abc import Callable, Iterable

_cases_changed: list[Callable[[Iterable[str]], None]] = []


def on_cases_changed(callback: Callable[[Iterable[str]], None]) -> None:
    if callback not in _cases_changed:
        _cases_changed.append(callback)


def cases_changed(division_codes: Iterable[str]) -> None:
    codes = set(division_codes)
    for callback in _cases_changed:
        callback(codes)
