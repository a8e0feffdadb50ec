"""The audit administrator's pages: search the log, export what was found."""

from datetime import date

from django import forms
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from anju.accounts.access import can, requires
from anju.accounts.models import Role
from anju.audit.actions import record
from anju.audit.models import Action, Result
from anju.audit.queries import search_events
from anju.audit.wording import change_lines, division_name, object_name, role_name
from anju.divisions.models import Division, Level
from anju.divisions.queries import covered_name
from anju.kit import keyset
from anju.kit.csvfile import stream_csv
from anju.web.pages import paginate, query_without_page

BLANK = [("", "全部")]
COLUMNS = ("时间", "用户名", "角色", "操作", "结果", "对象类型", "对象编号", "区划", "客户端地址",
           "详情")


class SearchForm(forms.Form):
    since = forms.DateField(label="自", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="至", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    username = forms.CharField(label="用户名", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False, choices=BLANK + Action.choices)
    result = forms.ChoiceField(label="结果", required=False, choices=BLANK + Result.choices)
    division = forms.ChoiceField(label="区划", required=False, choices=BLANK)
    client_ip = forms.GenericIPAddressField(label="客户端地址", required=False)
    # Kept for links that name one record (the form does not show them).
    object_type = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)
    object_id = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, scope: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Chosen by name within the auditor's scope, down to the townships: the whole national
        # table (some 45,000 divisions) would be too many for one list.
        deepest = Level.TOWNSHIP if scope else Level.PREFECTURE
        self.fields["division"].choices = BLANK + [
            (d.code, f"{'　' * (len(d.code) // 3)}{d.name}")
            for d in Division.objects.filter(code__startswith=scope, level__lte=deepest)
            .order_by("code")]


def _filters(request) -> tuple[SearchForm, dict]:
    form = SearchForm(request.GET or None, scope=request.user.scope or "")
    if form.is_bound and form.is_valid():
        return form, {k: v for k, v in form.cleaned_data.items() if v}
    return form, {}


@requires("audit.view")
def event_list(request):
    form, filters = _filters(request)
    events = search_events(**filters).select_related("actor")
    page = paginate(request, events)
    reveal = can(request.user, "registry.reveal")
    rows = [_readable(e, reveal) for e in page]
    return render(request, "audit/event_list.html", {
        "form": form, "page": page, "rows": rows, "query": query_without_page(request),
    })


def _readable(event, reveal: bool) -> dict:
    return {
        "event": event,
        "role": role_name(event.role) if event.role in Role.values else event.role,
        "object": object_name(event.object_type, event.object_id, reveal=reveal),
        "division": division_name(event.division_code),
        "lines": change_lines(event.object_type, event.details),
    }


def _iso(moment) -> str:
    # ISO 8601 with the offset (+08:00), as api.md writes times.
    return timezone.localtime(moment).isoformat(timespec="seconds")


@requires("audit.view")
def event_export(request):
    """The rows found, as CSV (UTF-8 with BOM, so Excel reads the Chinese); the export itself
    is audited."""
    _, filters = _filters(request)
    events = search_events(**filters)
    record(Action.EXPORT, actor=request.user, origin=request.origin,
           details={"what": "audit_log", "filters": {k: str(v) for k, v in filters.items()},
                    "rows": events.count()})
    rows = ([_iso(e.at), e.username, e.role, e.action, e.result, e.object_type, e.object_id,
             e.division_code, e.client_ip or "", e.details]
            for e in keyset.rows(events, 2000))
    response = StreamingHttpResponse(stream_csv(COLUMNS, rows),
                                     content_type="text/csv; charset=utf-8")
    code = filters.get("division") or request.user.scope or ""
    # The CSV's columns stay as they are: its name says which division and day it covers.
    response["Content-Disposition"] = content_disposition_header(
        True, f"审计日志-{covered_name(code)}-{code or '全国'}-{date.today():%Y%m%d}.csv")
    response["Cache-Control"] = "private, no-store"
    return response
