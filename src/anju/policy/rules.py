from datetime import date

from django.db.models import Q

from anju.policy.models import PolicyProfile
from anju.policy.profiles import DEFAULT, SHIPPED, Profile


def profile_for(division_code: str, on_date: date) -> Profile:
    """The policy numbers in force for a division on a date: the most specific region wins."""
    candidates = (
        PolicyProfile.objects.filter(effective_from__lte=on_date)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on_date))
        .values_list("division_prefix", "base", "overrides")
    )
    best = None
    for prefix, base, overrides in candidates:
        if division_code.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, base, overrides)
    if best is None:
        return DEFAULT
    return SHIPPED[best[1]].with_overrides(best[2] or {})
