"""Pages of investigation and appraisal (排查、初判、鉴定): thin views over the house door and the
forms, which check the acts' commands and, once saved, run the verbs."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.accounts.access import can, requires
from anju.appraisal.codes import (
    GRADE_MEANINGS,
    AppraisalMethod,
    Component,
    ItemLevel,
    SeismicItem,
    SiteHazard,
)
from anju.appraisal.forms import (
    MAX_ITEM_ROWS,
    AppraisalForm,
    InspectionForm,
    ScreeningForm,
    blank_item_row,
    grade_preview,
    screening_items,
)
from anju.appraisal.models import ScreeningItemKind
from anju.appraisal.present import grade_source
from anju.appraisal.queries import DueList, due_on, hazards_for_house, item_kinds_for_user
from anju.appraisal.rules import needs_urban_appraisal
from anju.divisions.queries import names_for
from anju.kit import reads
from anju.policy.rules import profile_resolver
from anju.registry.codes import ScreeningResult
from anju.registry.queries import get_house_for_user
from anju.web.forms import DivisionPicker
from anju.web.pages import paginate, query_without_page


def _file_url(house_id: int, attachment_id: int) -> str:
    return reverse("api:house_attachment_file",
                   kwargs={"house_id": house_id, "attachment_id": attachment_id})


def _screening_rows(screenings) -> list[dict]:
    codes = {item["kind"] for s in screenings for item in s.items}
    names = dict(ScreeningItemKind.objects.filter(code__in=codes).values_list("code", "name")
                 ) if codes else {}
    return [{"screening": s, "items": [
        {"name": names.get(i["kind"], i["kind"]), "serious": i["level"] == ItemLevel.SERIOUS,
         "level": ItemLevel(i["level"]).label if i["level"] in ItemLevel.values else i["level"],
         "count": i.get("count", 1), "note": i.get("note", "")} for i in s.items]}
        for s in screenings]


def _appraisal_rows(house, appraisals) -> list[dict]:
    rows = []
    for a in appraisals:
        photos = a.component_photos or {}
        rows.append({
            "appraisal": a,
            "urban": a.method == AppraisalMethod.URBAN,
            "dangerous_site": a.site != SiteHazard.SAFE,
            "components": [{"label": Component(c).label, "rating": a.components[c],
                            "photos": [_file_url(house.pk, i) for i in photos.get(c, [])]}
                           for c in Component.values if c in a.components],
            "seismic": [(item.label, a.seismic[item.value]) for item in SeismicItem
                        if item.value in (a.seismic or {})],
            "differs": bool(a.computed_grade and a.computed_grade != a.grade),
            "report_url": _file_url(house.pk, a.report_file_id) if a.report_file_id else "",
        })
    return rows


def _panel_context(request, house) -> dict:
    screenings = list(house.screenings.all())
    inspections = list(house.inspections.prefetch_related("photos"))
    latest = screenings[0] if screenings else None
    appraisals = list(house.appraisals.all())
    return {
        "house": house,
        "grade_source": grade_source(house, appraisals[0] if appraisals else None, latest),
        "grade_meaning": GRADE_MEANINGS.get(house.grade, ""),
        "latest_screening": latest,
        "hazards": list(hazards_for_house(house)),
        "screenings": _screening_rows(screenings),
        "appraisals": _appraisal_rows(house, appraisals),
        "inspections": [(i, [_file_url(house.pk, p.pk) for p in i.photos.all()])
                        for i in inspections],
        "urban": needs_urban_appraisal(house.floors),
        "can_inspect": can(request.user, "appraisal.inspect"),
        "can_appraise": can(request.user, "appraisal.appraise"),
    }


@requires("registry.view")
def house_panel(request, house_id: int):
    """The house's screenings, appraisals, hazards and inspections, loaded into its page."""
    house = get_house_for_user(request.user, house_id)
    if not request.htmx:
        return redirect("appraisal:house_page", house.pk)
    return render(request, "appraisal/house_panel.html", _panel_context(request, house))


@requires("registry.view")
def house_page(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    return render(request, "appraisal/house_page.html", _panel_context(request, house))


def _announce_hazard(request, hazards) -> bool:
    """R-CJ-2: say the new hazard's number and the control measures ordered for it."""
    hazard = hazards.prefetch_related("controls").first()
    if hazard is None:
        return False
    messages.warning(request, _("已登记新增隐患 %(number)s，应立即采取管控措施：%(controls)s；"
                                "并尽快安排安全性鉴定。") % {
        "number": hazard.number,
        "controls": "、".join(c.get_kind_display() for c in hazard.controls.all())})
    return True


def _form_status(form) -> int:
    return 200 if not form.is_bound or form.is_valid() else 422


@requires("appraisal.inspect")
def screening_create(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    kinds = item_kinds_for_user(request.user, house.division_code)
    data = request.POST if request.method == "POST" else None
    items = screening_items(data, kinds)
    form = ScreeningForm(data, user=request.user, target=house, origin=request.origin,
                         kinds=kinds, items=items)
    if data is not None and form.submitted():
        screening = form.saved
        result = ScreeningResult(screening.result).label
        messages.success(request, _("排查初判已保存：%(result)s。") % {"result": result})
        if not _announce_hazard(request, screening.hazards):
            if screening.result == ScreeningResult.SOME:
                messages.warning(request, _("存在一定安全隐患：应限制使用，并安排安全性鉴定。"))
        return redirect("registry:house_detail", house.pk)
    return render(request, "appraisal/screening_form.html", {
        "form": form, "items": items, "house": house, "max_rows": MAX_ITEM_ROWS,
    }, status=_form_status(form))


@requires("appraisal.inspect")
def screening_item_row(request, house_id: int):
    """One more blank item row for the screening form (htmx "添加一项")."""
    house = get_house_for_user(request.user, house_id)
    total = request.GET.get("items-TOTAL_FORMS", "")
    index = int(total) if total.isdigit() else 0
    if index >= MAX_ITEM_ROWS:
        return HttpResponse(status=204)  # htmx swaps nothing: the form holds enough rows
    kinds = item_kinds_for_user(request.user, house.division_code)
    return render(request, "appraisal/_screening_item_row.html", {
        "row": blank_item_row(index, kinds), "index": index, "total": index + 1,
    })


@requires("appraisal.appraise")
def appraisal_create(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    data = request.POST if request.method == "POST" else None
    form = AppraisalForm(data, request.FILES if data is not None else None,
                         user=request.user, target=house, origin=request.origin)
    if data is not None and form.submitted():
        appraisal = form.saved
        messages.success(request, _("安全性鉴定已保存：%(grade)s。") % {
            "grade": appraisal.get_grade_display()})
        if appraisal.site != SiteHazard.SAFE:
            messages.warning(request, _("场地存在%(site)s危险：建议迁址重建。") % {
                "site": appraisal.get_site_display()})
        return redirect("registry:house_detail", house.pk)
    return render(request, "appraisal/appraisal_form.html", {
        "form": form, "house": house, "preview": form.preview(),
        "preview_params": ",".join(
            ["csrfmiddlewaretoken", "site", "grade"]
            + [f"components_{c}" for c in Component.values]),
    }, status=_form_status(form))


@requires("appraisal.appraise")
def appraisal_preview(request, house_id: int):
    """The grade the component table gives so far (htmx, on every change of the form)."""
    get_house_for_user(request.user, house_id)
    data = request.POST if request.method == "POST" else request.GET
    return render(request, "appraisal/_computed_grade.html", {"preview": grade_preview(data)})


@requires("appraisal.inspect")
def inspection_create(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    data = request.POST if request.method == "POST" else None
    form = InspectionForm(data, request.FILES if data is not None else None,
                          user=request.user, target=house, origin=request.origin)
    if data is not None and form.submitted():
        inspection = form.saved
        messages.success(request, _("检查记录已保存。"))
        _announce_hazard(request, inspection.hazards)
        return redirect("registry:house_detail", house.pk)
    return render(request, "appraisal/inspection_form.html", {"form": form, "house": house},
                  status=_form_status(form))


@reads.replica_tolerant(reads.LIST)
@requires("registry.view")
def inspections_due_page(request):
    """R-MH-14 定期巡检: the township's list of low-income households' houses due for their
    periodic inspection, longest unvisited villages first by village order."""
    division = request.GET.get("division") or None
    due = DueList(request.user, division)
    page_obj = paginate(request, due)
    houses = list(page_obj)
    resolve = profile_resolver(due.today)
    codes = {h.division_code for h in houses}
    names = names_for(codes | {c[:9] for c in codes})
    places = {c: f"{names.get(c[:9], '')} {names.get(c, c)}".strip() for c in codes}
    return render(request, "appraisal/inspections_due.html", {
        "page": page_obj, "division": division or "",
        "rows": [{"house": h, "place": places.get(h.division_code, ""),
                  "due_on": due_on(h, due.today, resolve)} for h in houses],
        "query": query_without_page(request),
        "division_picker": DivisionPicker(autosubmit=True).render(
            "division", division, attrs={"id": "f-division"}),
        "can_inspect": can(request.user, "appraisal.inspect"),
    })
