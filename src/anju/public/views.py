"""The villagers' pages (public: no account, every request admitted and recorded) and the
township's pages for signs and leads. Thin: the doors, the verbs and the rules decide."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from anju.accounts.access import public, requires
from anju.assistance.queries import cases_for_user
from anju.divisions.models import Division, Level
from anju.divisions.queries import names_for, place_names
from anju.kit.errors import AnjuError
from anju.public import actions, documents, queries
from anju.public.codes import LeadStatus, RequestKind, RequestResult
from anju.public.commands import FileReport, LookUpStatus, SetTownshipPhone
from anju.public.forms import AnswerForm, ReportForm, StatusForm
from anju.public.rules import client_hash
from anju.rectification.codes import EntryStatus
from anju.rectification.queries import get_entry_for_user
from anju.security import client_ip

SIGN_ROWS = 500


def _client(request) -> str:
    return client_hash(client_ip(request))


def _too_many(request, error) -> HttpResponse:
    return render(request, "public/refused.html", {"message": error.message}, status=429)


def _unknown(request) -> HttpResponse:
    return render(request, "public/unknown.html", status=404)


# ---------------------------------------------------------------- a house's sign


@public
@never_cache
def sign_page(request, token: str):
    """The page a warning sign's QR code opens: the house is under control, the village it
    is in, and the report form (村民监督)."""
    client = _client(request)
    reporting = request.method == "POST"
    try:
        actions.admit(RequestKind.REPORT if reporting else RequestKind.SIGN_PAGE, client)
        sign = queries.live_sign(token)
        if sign is None:
            actions.record_request(RequestKind.SIGN_PAGE, RequestResult.NOT_FOUND, client)
            return _unknown(request)
        entry = sign.entry
        closed = entry.status == EntryStatus.CLOSED
        form = ReportForm(request.POST or None, request.FILES or None)
        status = 200
        if reporting and not closed:
            actions.admit(RequestKind.REPORT, client, actions.subject_of(sign), reports=True)
            if form.is_valid():
                photo = form.cleaned_data["photo"]
                try:
                    report = actions.file_report(
                        sign, FileReport(kind=form.cleaned_data["kind"],
                                         text=form.cleaned_data["text"],
                                         phone=form.cleaned_data["phone"]),
                        photo=photo.read() if photo else None, client=client)
                except AnjuError as e:
                    actions.record_request(RequestKind.REPORT, RequestResult.INVALID, client)
                    form.add_error(e.field if e.field in form.fields else None, e.message)
                else:
                    return render(request, "public/reported.html", {
                        "days": (report.due_on - timezone.localdate()).days,
                        "phone": queries.township_phone(entry.division_code)})
            else:
                actions.record_request(RequestKind.REPORT, RequestResult.INVALID, client)
            status = 422
        else:
            actions.record_request(RequestKind.SIGN_PAGE, RequestResult.OK, client)
    except actions.TooManyRequests as e:
        return _too_many(request, e)
    village = names_for([entry.division_code]).get(entry.division_code, "")
    return render(request, "public/sign.html", {
        "village": village, "number": entry.number, "closed": closed, "form": form,
        "phone": queries.township_phone(entry.division_code)}, status=status)


# ---------------------------------------------------------------- a household's status


def _village_choices(county: str, township: str):
    counties = Division.objects.filter(level=Level.COUNTY).order_by("code")
    townships = (Division.objects.filter(parent_id=county).order_by("code")
                 if county else Division.objects.none())
    villages = (Division.objects.filter(parent_id=township).order_by("code")
                if township and township.startswith(county or "-") else Division.objects.none())
    return counties, townships, villages


@public
@never_cache
def status_page(request):
    """R-MH-4 households informed: the household's own case, found by the head's name, the
    last six characters of the ID and the village; a wrong answer is "not found"."""
    client = _client(request)
    source = request.POST if request.method == "POST" else request.GET
    county, township = source.get("county", "")[:6], source.get("township", "")[:9]
    village = source.get("village", "")[:12]
    counties, townships, villages = _village_choices(county, township)
    form = StatusForm(request.POST or None)
    answer, missed, status = None, False, 200
    try:
        actions.admit(RequestKind.STATUS, client)
        if request.method == "POST" and form.is_valid() \
                and villages.filter(code=village).exists():
            answer = actions.look_up_status(LookUpStatus(
                village=village, head_name=form.cleaned_data["head_name"],
                id_last_six=form.cleaned_data["id_last_six"]), client=client)
            missed = answer is None
            form = StatusForm()  # nothing the household typed is sent back
        else:
            if request.method == "POST":
                status = 422
            actions.record_request(RequestKind.STATUS, RequestResult.OK if status == 200
                                   else RequestResult.INVALID, client)
    except actions.TooManyRequests as e:
        return _too_many(request, e)
    return render(request, "public/status.html", {
        "form": form, "answer": answer, "missed": missed,
        "county": county, "township": township, "village": village,
        "counties": counties, "townships": townships, "villages": villages,
        "village_missing": request.method == "POST" and not villages.filter(
            code=village).exists()}, status=status)


# ---------------------------------------------------------------- a notice's public list


@public
@never_cache
def notice_page(request, token: str):
    """R-MH-4: the public list of a paper notice, reached by its QR code: what the notice
    published (queries.public_notice decides; the names only during its period)."""
    client = _client(request)
    try:
        actions.admit(RequestKind.NOTICE, client)
    except actions.TooManyRequests as e:
        return _too_many(request, e)
    link = queries.notice_by_token(token)
    if link is None:
        actions.record_request(RequestKind.NOTICE, RequestResult.NOT_FOUND, client)
        return _unknown(request)
    actions.record_request(RequestKind.NOTICE, RequestResult.OK, client)
    response = render(request, "public/notice.html", {
        "n": queries.public_notice(link.notice, timezone.localdate())})
    # the names are public on the board for a week, not to search engines for ever
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    return response


@requires("assistance.view")
def notice_qr(request, notice_id: int):
    """The QR code printed on the paper notice (an SVG image of the notice's page)."""
    from anju.assistance.models import Notice

    notice = Notice.objects.filter(pk=notice_id,
                                   application__in=cases_for_user(request.user)).first()
    if notice is None:
        raise Http404()
    url = documents.public_url(request,
                               reverse("public:notice", args=[actions.notice_link(notice)]))
    return HttpResponse(documents.qr_svg_bytes(url, scale=4), content_type="image/svg+xml")


# ---------------------------------------------------------------- the township's signs


@requires("rectification.view")
def signs(request):
    """The warning signs of the houses on the ledger: print one or many, revoke one."""
    division = request.GET.get("division") or None
    entries = list(queries.signable_entries(request.user, division=division)
                   .select_related("house")[:SIGN_ROWS])
    live = queries.live_signs(e.pk for e in entries)
    places = place_names({e.division_code for e in entries})
    township = request.user.scope[:9] if len(request.user.scope) >= 9 else ""
    return render(request, "public/signs.html", {
        "rows": [(e, live.get(e.pk), places.get(e.division_code, "")) for e in entries],
        "township": township, "phone": queries.township_phone(township) if township else "",
        "division": division or ""})


@requires("rectification.record")
def signs_pdf(request):
    if request.method != "POST":
        return redirect("public:signs")
    ids = [int(i) for i in request.POST.getlist("entry") if i.isdigit()]
    entries = [get_entry_for_user(request.user, i) for i in ids]
    if not entries:
        messages.error(request, "请先勾选要打印警示标志的房屋")
        return redirect("public:signs")
    printed = actions.print_signs(entries, acting_user=request.user, origin=request.origin)
    pdf = documents.signs_pdf(printed, lambda token: documents.sign_url(request, token))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="warning-signs.pdf"'
    return response


@requires("rectification.record")
def revoke_sign(request, entry_id: int):
    if request.method != "POST":
        return redirect("public:signs")
    entry = get_entry_for_user(request.user, entry_id)
    actions.revoke_sign(entry, acting_user=request.user, origin=request.origin)
    messages.success(request, f"{entry.number} 的警示标志已作废，请重新打印张贴")
    return redirect("public:signs")


@requires("rectification.record")
def township_phone(request):
    if request.method != "POST":
        return redirect("public:signs")
    township = request.user.scope[:9]
    actions.set_township_phone(township, SetTownshipPhone(phone=request.POST.get("phone", "")[:40]),
                               acting_user=request.user, origin=request.origin)
    messages.success(request, "乡镇联系电话已保存")
    return redirect("public:signs")


# ---------------------------------------------------------------- the township's leads


@requires("rectification.view")
def leads(request):
    """村民监督线索: open ones first, by deadline."""
    status = request.GET.get("status")
    status = status if status in LeadStatus.values else None
    division = request.GET.get("division", "")[:12] or None
    today = timezone.localdate()
    overdue = request.GET.get("overdue") == "1"
    rows = list(queries.leads_for_user(request.user, division=division, status=status,
                                       overdue_on=today if overdue else None)
                .select_related("entry").order_by("-status", "due_on", "id")[:SIGN_ROWS])
    places = place_names({r.division_code for r in rows})
    return render(request, "public/leads.html", {
        "rows": [(r, places.get(r.division_code, ""),
                  r.status == LeadStatus.OPEN and r.due_on < today) for r in rows],
        "status": status or "", "overdue": overdue})


@requires("rectification.view")
def lead_detail(request, lead_id: int):
    """One lead and, while open, the township's inspection that answers it."""
    lead = queries.get_lead_for_user(request.user, lead_id)
    form = None
    if lead.status == LeadStatus.OPEN:
        form = AnswerForm(request.POST or None, request.FILES or None, user=request.user,
                          target=lead.entry, instance=lead.entry, origin=request.origin,
                          lead=lead)
        if request.method == "POST" and form.submitted():
            messages.success(request, form.done)
            return redirect("public:lead", lead_id=lead.pk)
    return render(request, "public/lead.html", {
        "lead": lead, "form": form,
        "place": place_names([lead.division_code]).get(lead.division_code, ""),
        "transitions": lead.transitions.select_related("actor")},
        status=422 if form is not None and form.errors else 200)


@requires("rectification.view")
def lead_photo(request, lead_id: int):
    lead = queries.get_lead_for_user(request.user, lead_id)
    if not lead.photo:
        raise Http404()
    return FileResponse(default_storage.open(lead.photo, "rb"), content_type="image/jpeg")
