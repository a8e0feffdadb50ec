"""The rule browser: every rule Anju enforces, with its policy sentence, the numbers in force
for the viewer's region on a date, and the functions and tests that cite it (ADR 0049)."""

from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from anju.accounts.access import requires
from anju.divisions.models import Division
from anju.policy.catalogue import catalogue, profile_values, search
from anju.policy.rules import profile_for


def _on(request) -> date:
    """The date the numbers are read for: ?on=YYYY-MM-DD, today otherwise."""
    try:
        return date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return timezone.localdate()


def _region(user) -> str:
    division = Division.objects.filter(code=user.scope).first() if user.scope else None
    return division.name if division else ""


@requires("accounts.self")
def rule_list(request):
    """The rules, searched by id or words, each with its sentence and the region's numbers."""
    query = request.GET.get("q", "")
    on = _on(request)
    profile = profile_for(request.user.scope or "", on)
    rules = search(catalogue().values(), query)
    return render(request, "policy/rule_list.html", {
        "rows": [(r, profile_values(r, profile)) for r in rules],
        "q": query, "on": on, "profile": profile, "region": _region(request.user),
        "total": len(catalogue())})


@requires("accounts.self")
def rule_detail(request, rule_id: str):
    rule = catalogue().get(rule_id)
    if rule is None:
        raise Http404("没有这条规则")
    on = _on(request)
    profile = profile_for(request.user.scope or "", on)
    return render(request, "policy/rule_detail.html", {
        "rule": rule, "values": profile_values(rule, profile), "on": on, "profile": profile,
        "region": _region(request.user)})
