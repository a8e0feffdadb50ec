"""One named extension point: the rectification ledger must take a C/D house onto the ledger
in the same transaction as its appraisal (R-CJ-4), and the appraisal app may not import it
(architecture.md, layering; ADR 0011 is the registry's twin). Called by record_appraisal."""

from collections.abc import Callable

_appraised: list[Callable] = []


def on_appraised(callback: Callable) -> None:
    if callback not in _appraised:
        _appraised.append(callback)


def appraised(appraisal) -> None:
    for callback in _appraised:
        callback(appraisal)
