from django import template

from anju.divisions.models import Division

register = template.Library()


@register.simple_tag(takes_context=True)
def scope_name(context) -> str:
    """The name of the signed-in user's division, for the top bar: one query per page, kept
    on the request's user for the bar's second mention."""
    user = context.get("user")
    code = getattr(user, "scope", "")
    if not code:
        return ""
    known = getattr(user, "_scope_name", None)
    if known is None or known[0] != code:
        name = Division.objects.filter(code=code).values_list("name", flat=True).first()
        known = user._scope_name = (code, name or code)
    return known[1]
