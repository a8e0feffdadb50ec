from collections.abc import Callable
from datetime import date

from django.db.models import Q

from anju.policy.models import PolicyProfile
from anju.policy.profiles import DEFAULT, SHIPPED, Profile


def profile_for(division_code: str, on_date: date) -> Profile:
    """The policy numbers in force for a division on a date: the most specific region wins."""
    return profile_resolver(on_date)(division_code)


def profile_resolver(on_date: date) -> Callable[[str], Profile]:
    """`profile_for` for many divisions on one date: the assignments are read once, and each
    division's profile is worked out once (the quality sweep dates thousands of findings)."""
    candidates = list(
        PolicyProfile.objects.filter(effective_from__lte=on_date)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date))
        .values_list("division_prefix", "base", "overrides")
    )
    resolved: dict[str, Profile] = {}

    def resolve(division_code: str) -> Profile:
        if (profile := resolved.get(division_code)) is not None:
            return profile
        best = None
        for prefix, base, overrides in candidates:
            if division_code.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, base, overrides)
        profile = DEFAULT if best is None else SHIPPED[best[1]].with_overrides(best[2] or {})
        resolved[division_code] = profile
        return profile

    return resolve


def region_cutoffs(scope: str, on_date: date,
                   days_of: Callable[[Profile], int]) -> list[tuple[str, date]]:
    """(region prefix, `on_date` less the profile's days) for `scope` and every region inside
    it with a profile of its own, most specific first and `scope` last: a list filtered by
    "older than the profile's period" stays one SQL statement when regions differ."""
    from datetime import timedelta

    resolve = profile_resolver(on_date)
    inner = sorted({p for p in PolicyProfile.objects.filter(effective_from__lte=on_date)
                    .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date))
                    .values_list("division_prefix", flat=True)
                    if p.startswith(scope) and len(p) > len(scope)}, key=len, reverse=True)
    return [(prefix, on_date - timedelta(days=days_of(resolve(prefix))))
            for prefix in [*inner, scope]]
