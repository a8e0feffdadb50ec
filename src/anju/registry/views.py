"""Registry pages: thin views over the scoped door (queries) and the verbs (through forms)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.accounts.access import can, requires
from anju.appraisal.present import grade_source
from anju.assistance.queries import procedure_offered
from anju.divisions.queries import names_for
from anju.kit import reads
from anju.kit.masks import mask_account, mask_id_number, mask_phone
from anju.registry import actions, present
from anju.registry.codes import DANGEROUS_GRADES, Grade, Occupancy, PriorityTag, Use
from anju.registry.forms import (
    AttachmentForm,
    DemolitionForm,
    HouseChangeForm,
    HouseForm,
    HouseholdChangeForm,
    HouseholdForm,
    ResponsiblePersonsForm,
    member_formset,
    responsible_formset,
)
from anju.registry.queries import (
    get_house_for_user,
    get_household_for_user,
    house_columns_for_user,
    households_for_user,
    houses_for_user,
)
from anju.web.forms import DivisionPicker
from anju.web.pages import KeysFirst, paginate, query_without_page


def _place_names(codes) -> dict[str, str]:
    """'山城镇 演示一村' for each village code, from one query."""
    codes = set(codes)
    names = names_for(codes | {c[:9] for c in codes})
    return {c: f"{names.get(c[:9], '')} {names.get(c, c)}".strip() for c in codes}


def _choice(value: str | None, choices) -> str | None:
    return value if value in choices.values else None


# The list's grade filter: one grade, or "CD" for every dangerous house (R-CJ-4 ledger).
DANGEROUS = "CD"
GRADE_FILTERS = [(DANGEROUS, gettext_lazy("C/D 级危房")), *Grade.choices]


def _grade_filter(value: str | None):
    if value == DANGEROUS:
        return sorted(DANGEROUS_GRADES)
    return _choice(value, Grade)


def _division_filter(value):
    return DivisionPicker(autosubmit=True).render("division", value, attrs={"id": "f-division"})


@reads.replica_tolerant(reads.LIST)
@requires("registry.view")
def household_list(request):
    q = request.GET.get("q", "").strip()
    division = request.GET.get("division") or None
    households = (households_for_user(request.user, division=division, q=q)
                  .order_by("division_code", "id").only(
                      "id", "division_code", "head_name", "head_id_number", "phone", "persons",
                      "low_income_category"))
    page_obj = paginate(request, households)
    places = _place_names(h.division_code for h in page_obj)
    rows = [{"household": h, "place": places.get(h.division_code, ""),
             "id_number": mask_id_number(h.head_id_number), "phone": mask_phone(h.phone)}
            for h in page_obj]
    return render(request, "registry/household_list.html", {
        "page": page_obj, "rows": rows, "q": q, "division": division or "",
        "query": query_without_page(request),
        "division_picker": _division_filter(division),
        "can_edit": can(request.user, "registry.edit"),
    })


@reads.replica_tolerant(reads.LIST)
@requires("registry.view")
def house_list(request):
    g = request.GET
    filters = {
        "grade": _grade_filter(g.get("grade")),
        "occupancy": _choice(g.get("occupancy"), Occupancy),
        "status": g.get("status") if g.get("status") in ("demolished", "all") else "standing",
        "use": _choice(g.get("use"), Use),
        "division": g.get("division") or None,
        "q": g.get("q", "").strip() or None,
    }
    houses = houses_for_user(request.user, **filters)
    filters["grade"] = g.get("grade") if filters["grade"] else None
    # Only the columns a row shows, as plain values: the household's encrypted numbers are
    # never read, so never decrypted, for a list that shows the head's name alone.
    page_obj = paginate(request, KeysFirst(
        houses, rows=house_columns_for_user(request.user, *present.ROW_COLUMNS)))
    places = _place_names(row[1] for row in page_obj)
    # One reverse for the page; each row's link is that path with its id.
    detail = reverse("registry:house_detail", args=[0]).removesuffix("0/")
    return render(request, "registry/house_list.html", {
        "page": page_obj, "rows": present.house_rows(page_obj, places, detail),
        "filters": {k: v or "" for k, v in filters.items()},
        "grades": GRADE_FILTERS, "occupancies": Occupancy.choices, "uses": Use.choices,
        "query": query_without_page(request),
        "division_picker": _division_filter(filters["division"]),
        "can_edit": can(request.user, "registry.edit"),
    })


@requires("registry.view")
def household_detail(request, household_id: int):
    """The household, its numbers masked; 显示完整信息 (a POST, for the roles that may) shows
    them in full once and records that it did."""
    household = get_household_for_user(request.user, household_id)
    full = request.method == "POST"
    if full:
        actions.record_full_view(household, acting_user=request.user, origin=request.origin)
    shown = (lambda value, mask: value) if full else (lambda value, mask: mask(value))
    houses = list(household.houses.order_by("-is_priority", "id"))
    return render(request, "registry/household_detail.html", {
        "household": household,
        "place": _place_names([household.division_code])[household.division_code],
        "id_number": shown(household.head_id_number, mask_id_number),
        "phone": shown(household.phone, mask_phone),
        "bank_account": shown(household.bank_account, mask_account),
        "members": [(m, shown(m.id_number, mask_id_number)) for m in household.members.all()],
        "houses": houses,
        "can_edit": can(request.user, "registry.edit"),
        "can_reveal": can(request.user, "registry.reveal"),
        "full": full,
    })


@requires("registry.view")
def house_detail(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    household = house.household
    return render(request, "registry/house_detail.html", {
        "house": house,
        "grade_source": grade_source(house, house.appraisals.first(), house.screenings.first()),
        "household": household,
        "head_id_number": mask_id_number(household.head_id_number) if household else "",
        "place": _place_names([house.division_code])[house.division_code],
        "tags": [label for value, label in PriorityTag.choices
                 if value in house.priority_tags],
        "persons": [(p, mask_phone(p.phone)) for p in house.responsible_persons.all()],
        "attachments": list(house.attachments.all()),
        "attachment_form": AttachmentForm(user=request.user, target=house),
        # R-CJ-8a: the house it replaces and the houses built in its place
        "replaces": house.replaces_house,
        "replaced_by": list(house.replaced_by.order_by("id")),
        "can_edit": can(request.user, "registry.edit"),
        "procedure_offered": procedure_offered(house),
    })


def _render_household_form(request, form, members, household=None):
    return render(request, "registry/household_form.html", {
        "form": form, "members": members, "household": household,
    }, status=200 if not form.is_bound or form.is_valid() else 422)


@requires("registry.edit")
def household_create(request):
    members = member_formset(request.POST or None)
    form = HouseholdForm(request.POST or None, user=request.user, origin=request.origin,
                         members=members)
    if request.method == "POST" and form.submitted():
        messages.success(request, _("已登记农户：%(name)s户") % {"name": form.saved.head_name})
        return redirect("registry:household_detail", form.saved.pk)
    return _render_household_form(request, form, members)


@requires("registry.edit")
def household_edit(request, household_id: int):
    household = get_household_for_user(request.user, household_id)
    members = member_formset(request.POST or None, household)
    form = HouseholdChangeForm(request.POST or None, user=request.user, origin=request.origin,
                               instance=household, members=members)
    if request.method == "POST" and form.submitted():
        messages.success(request, _("农户信息已保存"))
        return redirect("registry:household_detail", household.pk)
    return _render_household_form(request, form, members, household)


def _render_house_form(request, form, house=None, household=None):
    return render(request, "registry/house_form.html", {
        "form": form, "house": house, "household": household,
    }, status=200 if not form.is_bound or form.is_valid() else 422)


@requires("registry.edit")
def house_create(request):
    household = None
    initial = {}
    if household_id := request.GET.get("household") or request.POST.get("household_id"):
        if not str(household_id).isdigit():
            return redirect("registry:house_create")
        household = get_household_for_user(request.user, int(household_id))
        initial = {"household_id": household.pk, "division_code": household.division_code}
    form = HouseForm(request.POST or None, user=request.user, origin=request.origin,
                     initial=initial)
    if request.method == "POST" and form.submitted():
        messages.success(request, _("已登记房屋：%(address)s") % {"address": form.saved.address})
        return redirect("registry:house_detail", form.saved.pk)
    return _render_house_form(request, form, household=household)


@requires("registry.edit")
def house_edit(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    form = HouseChangeForm(request.POST or None, user=request.user, origin=request.origin,
                           instance=house)
    if request.method == "POST" and form.submitted():
        messages.success(request, _("房屋信息已保存"))
        return redirect("registry:house_detail", house.pk)
    return _render_house_form(request, form, house=house, household=house.household)


@requires("registry.edit")
def house_responsible(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    persons = responsible_formset(request.POST or None, house)
    form = ResponsiblePersonsForm(request.POST or None, user=request.user, target=house,
                                  origin=request.origin, persons=persons)
    if request.method == "POST" and form.submitted():
        messages.success(request, _("责任人已保存"))
        return redirect("registry:house_detail", house.pk)
    return render(request, "registry/responsible_form.html", {
        "form": form, "persons": persons, "house": house,
    }, status=200 if not form.is_bound or form.is_valid() else 422)


@requires("registry.edit")
def house_demolish(request, house_id: int):
    """R-CJ-8a, R-MH-11: record that the house was pulled down."""
    house = get_house_for_user(request.user, house_id)
    form = DemolitionForm(request.POST or None, user=request.user, origin=request.origin,
                          instance=house)
    if request.method == "POST" and form.submitted():
        messages.success(request, _("已登记房屋拆除"))
        return redirect("registry:house_detail", house.pk)
    return render(request, "registry/demolition_form.html", {"form": form, "house": house},
                  status=200 if not form.is_bound or form.is_valid() else 422)


@requires("registry.edit")
def house_attach(request, house_id: int):
    house = get_house_for_user(request.user, house_id)
    if request.method != "POST":
        return redirect("registry:house_detail", house.pk)
    form = AttachmentForm(request.POST, request.FILES, user=request.user, target=house,
                          origin=request.origin)
    if form.submitted():
        messages.success(request, _("附件已上传"))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, _("附件未上传：%(error)s") % {"error": error})
    return redirect("registry:house_detail", house.pk)
