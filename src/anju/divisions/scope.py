"""Scoping by division code: a user's scope is a code prefix (2/4/6/9/12 digits).

`scoped()` is the one way a queryset is narrowed to what a user may see. It filters on a
half-open code range rather than LIKE, so that an index on the code column serves it on
SQLite and PostgreSQL alike.
"""

from django.db.models import Q, QuerySet

from anju.kit.errors import NotFound

LEVEL_LENGTHS = (2, 4, 6, 9, 12)


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest code string greater than every code that starts with `prefix`."""
    stripped = prefix.rstrip("9")
    if not stripped:
        return None
    return stripped[:-1] + str(int(stripped[-1]) + 1)


def within(prefix: str, field: str = "division_code") -> Q:
    if not prefix:
        return Q()
    condition = Q(**{f"{field}__gte": prefix})
    upper = prefix_upper_bound(prefix)
    if upper is not None:
        condition &= Q(**{f"{field}__lt": upper})
    return condition


def covers(prefix: str, code: str) -> bool:
    return code.startswith(prefix)


def scoped(user, queryset: QuerySet, field: str = "division_code") -> QuerySet:
    """Narrow `queryset` to the records inside the user's division scope."""
    if not getattr(user, "is_authenticated", False) or not user.scope:
        return queryset.none()
    return queryset.filter(within(user.scope, field))


def narrowed(user, queryset: QuerySet, division: str | None,
             field: str = "division_code") -> QuerySet:
    """Scope, then narrow further to `division` (a code prefix inside the user's scope)."""
    if not division:
        return scoped(user, queryset, field)
    if not division.isdigit() or len(division) not in LEVEL_LENGTHS:
        raise NotFound("区划代码应为 2、4、6、9 或 12 位数字", field="division")
    scope = getattr(user, "scope", "") if getattr(user, "is_authenticated", False) else ""
    if not (covers(scope, division) or covers(division, scope)):
        raise NotFound("该区划不在您的管辖范围内", field="division")
    if not scope:
        return queryset.none()
    # The narrower range is the whole condition: one inside the other, the wider adds
    # nothing but a second range for the database to weigh.
    return queryset.filter(within(division if covers(scope, division) else scope, field))


def not_found(model, **lookup) -> NotFound:
    """The NotFound a door raises on a miss: the same answer whether the record is absent or
    beyond the caller. Only on this path is it looked up unscoped; when it exists, the error
    carries it (type, id and division, never its content) for the access_denied audit row."""
    fields = ["pk"] + (["division_code"] if any(
        f.name == "division_code" for f in model._meta.concrete_fields) else [])
    found = model._default_manager.filter(**lookup).only(*fields).first()
    return NotFound(obj=found)
