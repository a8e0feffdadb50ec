from django import template

from anju.divisions.models import Division

register = template.Library()


@register.simple_tag(takes_context=True)
def scope_name(context) -> str:
    """The name of the signed-in user's division, for the top bar (one query per page)."""
    user = context.get("user")
    code = getattr(user, "scope", "")
    if not code:
        return ""
    name = Division.objects.filter(code=code).values_list("name", flat=True).first()
    return name or code
