from django.core.paginator import Paginator
from django.shortcuts import render

from anju.accounts.access import requires
from anju.registry.queries import houses_for_user


@requires("registry.view")
def house_list(request):
    houses = houses_for_user(request.user, division=request.GET.get("division") or None)
    page = Paginator(houses, 50).get_page(request.GET.get("page"))
    return render(request, "registry/house_list.html", {"page": page})
