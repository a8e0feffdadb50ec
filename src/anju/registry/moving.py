"""A household or a house that moves to another village takes its records along: every row
that copies its village into `division_code` for scoping (a `village_copy`, registry.village) is
rewritten in the moving transaction, so the new village's clerks read and close them and the
old village's no longer see them."""

from collections.abc import Iterable

from django.apps import apps
from django.db.models import Q


def move_records(to_code: str, *, house_ids: Iterable[int] = (),
                 household_id: int | None = None) -> int:
    """Give the records of these houses, and the household's records that belong to no house,
    the village `to_code`; returns how many rows changed."""
    house_ids = list(house_ids)
    changed = 0
    for model in apps.get_models():
        copy = getattr(model, "village_copy", None)
        if copy is None:
            continue
        rows = Q()
        if copy.house and house_ids:
            rows |= Q(**{f"{copy.house}__in": house_ids})
        if copy.household and household_id is not None:
            own = Q(**{copy.household: household_id})
            if copy.house:
                own &= Q(**{f"{copy.house}__isnull": True})
            rows |= own
        if rows:
            changed += (model.objects.filter(rows).exclude(division_code=to_code)
                        .update(division_code=to_code))
    return changed
