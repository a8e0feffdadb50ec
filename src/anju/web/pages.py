"""What the server-rendered pages share: domain errors turned into the HTTP answers people
expect (out of scope → 404, wrong role → 403), and the paging of list pages."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

from anju.audit.actions import record_refusal
from anju.kit.errors import Forbidden, NotFound

PAGE_SIZE = 50


class DomainErrorMiddleware:
    """Pages answer 404/403, never a 500, for NotFound/Forbidden raised by doors and verbs.

    API routes answer with their own error body (anju.api) before this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (NotFound, Forbidden)) and exception.refusal:
            record_refusal(exception, actor=request.user, origin=request.origin)
        if isinstance(exception, NotFound):
            raise Http404(exception.message)
        if isinstance(exception, Forbidden):
            raise PermissionDenied(exception.message)
        return None


def paginate(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


class KeysFirst:
    """A list's rows for a paginator, found in two steps: the page's keys, read from the
    list's ordered index past the OFFSET, then those rows with their joins. A deep page then
    skips index entries, not joined rows (page 200 of a township: 9,950 household look-ups).
    Sliced, it gives the rows in the list's order; count() is the queryset's."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        keys = list(self.queryset.values_list("pk", flat=True)[index])
        if not keys:
            return []
        found = self.queryset.order_by().filter(pk__in=keys)
        rows = {row.pk: row for row in found}
        return [rows[key] for key in keys]


def query_without_page(request) -> str:
    """The list's current filters as a query string, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
