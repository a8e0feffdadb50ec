"""Reading the division tree: the one door to divisions, scoped to what a user may see."""

from django.db.models import Q

from anju.divisions.models import Division, Level
from anju.divisions.scope import covers, within
from anju.kit.errors import Code, NotFound, RuleViolation


def visible(user, code: str) -> bool:
    # A user sees the divisions in the scope and the chain above it (for breadcrumbs).
    scope = getattr(user, "scope", "")
    return bool(scope) and (covers(scope, code) or covers(code, scope))


def get_division_for_user(user, code: str) -> Division:
    if not visible(user, code):
        raise NotFound(field="code")
    try:
        return Division.objects.get(code=code)
    except Division.DoesNotExist:
        raise NotFound("区划代码不存在", field="code") from None


def children_for_user(user, code: str):
    parent = get_division_for_user(user, code)
    return [d for d in parent.children.all() if visible(user, d.code)]


def search_divisions(user, text: str, *, level: int | None = None, limit: int = 20):
    """Divisions in the user's scope whose name contains or whose code starts with `text`."""
    text = text.strip()
    if not text or not getattr(user, "scope", ""):
        return []
    match = Q(code__startswith=text) if text.isdigit() else Q(name__contains=text)
    queryset = Division.objects.filter(within(user.scope, "code")).filter(match)
    if level:
        queryset = queryset.filter(level=level)
    return list(queryset.order_by("level", "code")[:limit])


def check_village(user, code: str, field: str = "division_code") -> Division:
    """A record's place: an existing village inside the user's scope."""
    if not code or not code.isdigit() or len(code) != Level.VILLAGE:
        raise RuleViolation(Code.DIVISION_INVALID, "区划代码应为 12 位村级代码", field=field,
                            rule="R-CJ-3")
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise RuleViolation(Code.DIVISION_UNKNOWN, f"区划代码 {code} 不在区划表中", field=field,
                            rule="R-CJ-3")
    if not covers(user.scope, code):
        raise NotFound("该区划不在您的管辖范围内", field=field)
    return division


def ancestors(code: str) -> list[str]:
    """The codes above `code`, province first."""
    return [code[:n] for n in (2, 4, 6, 9) if n < len(code)]


def names_for(codes) -> dict[str, str]:
    return dict(Division.objects.filter(code__in=set(codes)).values_list("code", "name"))


def place_names(codes) -> dict[str, str]:
    """Each code's name as a clerk says it: a village with its township ("山城镇 演示一村"),
    anything else by its own name; an unknown code stays a code."""
    codes = set(codes)
    names = names_for(codes | {c[:9] for c in codes if len(c) > 9})
    return {c: (f"{names.get(c[:9], '')} {names.get(c, c)}".strip() if len(c) > 9
                else names.get(c, c)) for c in codes}


def covered_name(code: str) -> str:
    """The division a file or a figure covers, by name from its county down ("梅河口市山城镇"),
    or "全国" for the whole country; an unknown code stays a code."""
    if not code:
        return "全国"
    chain = [c for c in (*ancestors(code), code) if len(c) >= 6 or c == code]
    names = names_for(chain)
    return "".join(names.get(c, "") for c in chain) or code


def export_note(title: str, code: str, on, *more: tuple[str, str]) -> list[tuple[str, str]]:
    """What an exported file says about itself (its 说明 sheet and page header): what it is,
    the division it covers by name and code, and the date it was made."""
    return [("导出内容", title), ("区划", covered_name(code)), ("导出日期", f"{on:%Y-%m-%d}"),
            ("区划代码", code or "全国"), *more]
