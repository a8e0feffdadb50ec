"""One named extension point: the statistics (anju.reports) count a village again when its
ledger entries change; this app may not import them (architecture.md, layering; ADR 0011).
Called inside the changing transaction with the villages (or a division, for bulk work)."""

from collections.abc import Callable, Iterable

_ledger_changed: list[Callable[[Iterable[str]], None]] = []


def on_ledger_changed(callback: Callable[[Iterable[str]], None]) -> None:
    if callback not in _ledger_changed:
        _ledger_changed.append(callback)


def ledger_changed(division_codes: Iterable[str]) -> None:
    codes = set(division_codes)
    for callback in _ledger_changed:
        callback(codes)
