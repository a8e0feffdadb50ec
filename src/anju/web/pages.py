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
    """A list's rows for a paginator, found in one statement of two steps: the page's keys,
    read from the list's ordered index past the OFFSET (a subquery), then those rows with
    their joins. A deep page then skips index entries, not joined rows (page 200 of a
    township: 9,950 household look-ups). `rows` is what a row reads (a queryset of the model,
    e.g. a values_list), unfiltered: only the keys are scoped and filtered, so the rows'
    statement does not weigh the list's conditions again. Sliced, it gives the rows in the
    list's order; count() is the list's."""

    def __init__(self, queryset, rows=None):
        self.queryset = queryset
        self.rows = rows if rows is not None else queryset.model._default_manager.all()

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        keys = self.queryset.values("pk")[index]
        return list(self.rows.filter(pk__in=keys).order_by(*self.queryset.query.order_by))


def query_without_page(request) -> str:
    """The list's current filters as a query string, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
