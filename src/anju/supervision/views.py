"""The pages of supervision: the programme plan, the look-back and the work summaries."""

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from anju.accounts.access import can, check, requires
from anju.divisions.models import Division
from anju.divisions.queries import covered_name, place_names
from anju.policy.rules import profile_for
from anju.rectification.codes import Programme
from anju.registry.queries import get_house_for_user
from anju.supervision import documents, queries
from anju.supervision.codes import LookbackReason, PlanState, Receipt
from anju.supervision.forms import (
    SECTION_FIELDS,
    AddPlanRowForm,
    DrawPlanForm,
    EditSummaryForm,
    OpenCampaignForm,
    RemovePlanRowForm,
    RevisitForm,
    SubmitSummaryForm,
    WriteSummaryForm,
)
from anju.supervision.models import CampaignHouse
from anju.web.pages import paginate, query_without_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _errors(request, form, what: str) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"{what}：{error}")


@requires("supervision.view")
def home(request):
    return redirect("supervision:plan")


def _plan_params(request):
    today = timezone.localdate()
    division = request.GET.get("division") or request.user.scope
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    programme = request.GET.get("programme")
    if programme not in Programme.values:
        programme = profile_for(division, today).low_income_programme
    return division, year, programme


@requires("supervision.view")
def plan(request):
    division, year, programme = _plan_params(request)
    rows = list(queries.plan_for_user(request.user, programme, division=division, year=year))
    states = queries.plan_states(rows)
    labels = dict(PlanState.choices)
    county = can(request.user, "supervision.county")
    counts = [(label, sum(1 for r in rows if states[r.pk] == value))
              for value, label in PlanState.choices]
    places = place_names(r.division_code for r in rows)
    return render(request, "supervision/plan.html", {
        "rows": [(r, states[r.pk], labels[states[r.pk]], places[r.division_code])
                 for r in rows],
        "division": division, "division_name": covered_name(division), "year": year,
        "programme": programme, "programme_label": dict(Programme.choices)[programme],
        "counts": counts,
        "can_edit": county,
        "draw_form": DrawPlanForm(user=request.user, programme=programme,
                                  initial={"year": year}) if county else None,
        "add_form": AddPlanRowForm(user=request.user, programme=programme,
                                   initial={"year": year}) if county else None,
    })


def _back_to_plan(programme: str, year) -> str:
    from django.urls import reverse

    return f"{reverse('supervision:plan')}?programme={programme}&year={year}"


@requires("supervision.county")
@require_POST
def plan_draw(request):
    programme = request.POST.get("programme", "")
    form = DrawPlanForm(request.POST, user=request.user, programme=programme,
                        origin=request.origin)
    if form.submitted():
        messages.success(request, f"已列入 {form.saved} 栋房屋")
    else:
        _errors(request, form, "未生成计划")
    return redirect(_back_to_plan(programme, request.POST.get("year", "")))


@requires("supervision.county")
@require_POST
def plan_add(request):
    programme = request.POST.get("programme", "")
    form = AddPlanRowForm(request.POST, user=request.user, programme=programme,
                          origin=request.origin)
    if form.submitted():
        messages.success(request, "已增补列入计划")
    else:
        _errors(request, form, "未列入")
    return redirect(_back_to_plan(programme, request.POST.get("year", "")))


@requires("supervision.county")
@require_POST
def plan_remove(request, row_id: int):
    row = queries.get_plan_row_for_user(request.user, row_id)
    form = RemovePlanRowForm(request.POST, user=request.user, target=row, origin=request.origin)
    if form.submitted():
        messages.success(request, "已移出计划")
    else:
        _errors(request, form, "未移出")
    return redirect(_back_to_plan(row.programme, row.year))


@requires("supervision.view")
def plan_xlsx(request):
    division, year, programme = _plan_params(request)
    name, chunks = documents.plan_xlsx(request.user, programme, division, year,
                                       origin=request.origin)
    response = StreamingHttpResponse(chunks, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


# --- 回头看 ---------------------------------------------------------------------------------


def _totals(divisions: list[dict]) -> dict:
    return {k: sum(d[k] for d in divisions) for k in ("listed", "revisited", "found")}


@requires("supervision.view")
def lookbacks(request):
    county = can(request.user, "supervision.county")
    form = OpenCampaignForm(request.POST or None, user=request.user, origin=request.origin) \
        if county else None
    if request.method == "POST":
        check(request.user, "supervision.county")
        if form.submitted():
            messages.success(request, f"已生成回头看名单：{form.saved.listed} 栋")
            return redirect("supervision:lookback_detail", form.saved.pk)
    campaigns = list(queries.campaigns_for_user(request.user)[:50])
    places = place_names(c.division_code for c in campaigns)
    return render(request, "supervision/lookbacks.html", {
        "campaigns": [(c, _totals(queries.coverage_by_division(request.user, c)),
                       places[c.division_code]) for c in campaigns],
        "form": form})


@requires("supervision.view")
def lookback_detail(request, campaign_id: int):
    campaign = queries.get_campaign_for_user(request.user, campaign_id)
    divisions = queries.coverage_by_division(request.user, campaign)
    shown = request.GET.get("revisited")
    houses = queries.campaign_houses(
        request.user, campaign, division=request.GET.get("division") or None,
        revisited={"yes": True, "no": False}.get(shown))
    return render(request, "supervision/lookback_detail.html", {
        "campaign": campaign, "divisions": divisions, "shown": shown,
        "place": place_names([campaign.division_code])[campaign.division_code],
        "listed": sum(d["listed"] for d in divisions),
        "revisited": sum(d["revisited"] for d in divisions),
        "found": sum(d["found"] for d in divisions),
        "page": paginate(request, houses.order_by("division_code", "house_id")),
        "query": query_without_page(request), "reasons": dict(LookbackReason.choices),
        "can_revisit": can(request.user, "appraisal.inspect")})


@requires("appraisal.inspect")
def revisit(request, campaign_id: int, house_id: int):
    campaign = queries.get_campaign_for_user(request.user, campaign_id)
    house = get_house_for_user(request.user, house_id)
    get_object_or_404(CampaignHouse, campaign=campaign, house=house)
    posted = request.method == "POST"
    form = RevisitForm(request.POST if posted else None, request.FILES if posted else None,
                       user=request.user, target=campaign, origin=request.origin,
                       house_id=house.pk, initial={"inspected_on": timezone.localdate()})
    if form.submitted():
        messages.success(request, "已录入回头看记录")
        return redirect("supervision:lookback_detail", campaign.pk)
    return render(request, "supervision/revisit_form.html",
                  {"campaign": campaign, "house": house, "form": form},
                  status=422 if form.is_bound else 200)


# --- 工作总结 -------------------------------------------------------------------------------


@requires("supervision.view")
def summaries(request):
    county = can(request.user, "supervision.county")
    form = WriteSummaryForm(request.POST or None, user=request.user, origin=request.origin) \
        if county else None
    if request.method == "POST":
        check(request.user, "supervision.county")
        if form.submitted():
            messages.success(request, "工作总结草稿已保存")
            return redirect("supervision:summary_detail", form.saved.pk)
    division = request.GET.get("division") or request.user.scope
    period = request.GET.get("period") or None
    return render(request, "supervision/summaries.html", {
        "receipts": queries.receipts(request.user, division, period),
        "labels": dict(Receipt.choices), "form": form, "period": period or "",
        "sections": SECTION_FIELDS})


@requires("supervision.view")
def summary_detail(request, summary_id: int):
    summary = queries.get_summary_for_user(request.user, summary_id)
    county = can(request.user, "supervision.county") and summary.status == "draft"
    form = EditSummaryForm(request.POST or None, user=request.user, target=summary,
                           instance=summary, origin=request.origin) if county else None
    if request.method == "POST":
        check(request.user, "supervision.county")
        if form is not None and form.submitted():
            messages.success(request, "草稿已保存，数据已按最新记录重新填入")
            return redirect("supervision:summary_detail", summary.pk)
    from anju.supervision.figures import LABELS

    name = Division.objects.filter(code=summary.division_code).values_list(
        "name", flat=True).first()
    return render(request, "supervision/summary_detail.html", {
        "summary": summary, "county": name or summary.division_code, "form": form,
        "figures": [(label, summary.figures.get(key)) for key, label in LABELS.items()],
        "sections": [(label, summary.sections.get(key, "")) for key, label in SECTION_FIELDS],
        "can_submit": county})


@requires("supervision.county")
@require_POST
def summary_submit(request, summary_id: int):
    summary = queries.get_summary_for_user(request.user, summary_id)
    form = SubmitSummaryForm(request.POST, user=request.user, target=summary,
                             origin=request.origin)
    if form.submitted():
        messages.success(request, "工作总结已报送" + ("（逾期）" if form.saved.late else ""))
    else:
        _errors(request, form, "未报送")
    return redirect("supervision:summary_detail", summary.pk)


@requires("supervision.view")
def summary_pdf(request, summary_id: int):
    summary = queries.get_summary_for_user(request.user, summary_id)
    name, pdf = documents.summary_pdf(request.user, summary, origin=request.origin)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
