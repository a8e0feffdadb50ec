"""One named extension point: the statistics (anju.reports) count a village again when its
findings open or close (ADR 0011). Called inside the changing transaction."""

from collections.abc import Callable, Iterable

_findings_changed: list[Callable[[Iterable[str]], None]] = []


def on_findings_changed(callback: Callable[[Iterable[str]], None]) -> None:
    if callback not in _findings_changed:
        _findings_changed.append(callback)


def findings_changed(division_codes: Iterable[str]) -> None:
    codes = set(division_codes)
    if not codes:
        return
    for callback in _findings_changed:
        callback(codes)
