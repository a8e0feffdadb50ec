from django.shortcuts import render

from anju.accounts.access import requires
from anju.divisions.queries import search_divisions


@requires("divisions.view")
def picker_search(request):
    """Division picker: options matching the typed name or code, never the whole tree."""
    text = request.GET.get("q", "")
    level = request.GET.get("level")
    results = search_divisions(request.user, text, level=int(level) if level and level.isdigit()
                               else None)
    return render(request, "divisions/options.html", {"results": results, "q": text})
