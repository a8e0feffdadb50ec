"""Checks that an app asks before it writes, answered by apps above it that it may not import.

The register may not import the ledger (architecture.md, layering), yet a house's change of use
must be refused while its ledger entry is open (R-CJ-8). The app that knows registers a check
under a topic in its AppConfig.ready; the verb that writes asks the topic with the facts, and a
check that objects raises the AnjuError the caller answers with (ADR 0032). Asking runs inside
the verb's transaction, before anything is written.
"""

from collections.abc import Callable

Check = Callable[..., None]
_checks: dict[str, dict[str, Check]] = {}


def guard(topic: str, name: str, check: Check) -> None:
    """Register `check` for `topic` under `name`; registering a name again replaces it."""
    _checks.setdefault(topic, {})[name] = check


def ask(topic: str, **facts) -> None:
    """Run every check of `topic` with `facts`; the first that objects raises."""
    for check in _checks.get(topic, {}).values():
        check(**facts)


def guards(topic: str) -> tuple[str, ...]:
    return tuple(_checks.get(topic, {}))


# Topics (the facts each is asked with)
HOUSE_USE = "house.use"  # house: the House before the change, use: the new use
