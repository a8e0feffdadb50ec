"""The doors to appraisal records and the township work lists (issue: 排查、鉴定工作清单)."""

from anju.appraisal.models import Hazard, ScreeningItemKind
from anju.registry.queries import houses_for_user


def item_kinds_for_user(user, division: str | None = None):
    """The screening catalogue in force for `division` (default: the user's scope): the national
    kinds and those a region above it added."""
    code = division or user.scope or ""
    kinds = ScreeningItemKind.objects.order_by("position", "code")
    return [{"code": k.code, "level": k.level, "name": k.name} for k in kinds
            if code.startswith(k.region) or k.region.startswith(code)]


def houses_awaiting_screening(user, *, division: str | None = None):
    """Houses never screened, priority houses first (R-CJ-1)."""
    return houses_for_user(user, division=division).filter(screening_result="")


def houses_awaiting_appraisal(user, *, division: str | None = None):
    """Houses screened serious/some and not appraised since: "待鉴定" (grading.md §1)."""
    return houses_for_user(user, division=division).filter(awaiting_appraisal=True)


def hazards_for_house(house):
    return Hazard.objects.filter(house=house).prefetch_related("controls")
