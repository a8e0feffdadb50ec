"""What the server-rendered pages share: domain errors turned into the HTTP answers people
expect (out of scope → 404, wrong role → 403), and the paging of list pages."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

from anju.errors import Forbidden, NotFound

PAGE_SIZE = 50


def page(view):
    """Wear outside `@requires`: a page answers 404/403, never a 500, for NotFound/Forbidden."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as e:
            raise Http404(e.message) from None
        except Forbidden as e:
            raise PermissionDenied(e.message) from None

    return wrapped


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The list's current filters as a query string, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
