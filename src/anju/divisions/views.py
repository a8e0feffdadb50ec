from django.shortcuts import render

from anju.accounts.access import requires
from anju.divisions.queries import names_for, search_divisions


@requires("divisions.view")
def picker_search(request):
    """Division picker: options matching the typed name or code, never the whole tree."""
    text = request.GET.get("q", "")
    level = request.GET.get("level")
    results = search_divisions(request.user, text, level=int(level) if level and level.isdigit()
                               else None)
    # Villages share names (演示一村 in every township): show the parent's name beside them.
    parents = names_for(d.parent_id for d in results if d.parent_id and d.level > 6)
    return render(request, "divisions/options.html", {
        "results": [(d, parents.get(d.parent_id, "") if d.level > 6 else "") for d in results],
        "q": text,
    })
