"""Quality pages: the quality page of a division, a finding with its 举一反三, the township work
lists, 点对点核实比对 and 面对面抽查. Thin views over the doors (queries) and the verbs."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from anju.accounts.access import can, requires
from anju.appraisal.queries import houses_awaiting_appraisal, houses_awaiting_screening
from anju.divisions.queries import names_for, place_names
from anju.kit.errors import AnjuError, Forbidden
from anju.quality import actions, fields, similar
from anju.quality.commands import RunSweep
from anju.quality.forms import SpotCheckForm, VerificationForm
from anju.quality.models import FindingKind, FindingStatus
from anju.quality.queries import (
    RULE_ORDER,
    findings_for_user,
    get_finding_for_user,
    get_spot_check_for_user,
    houses_with_findings,
    notices_for_user,
    spot_check_houses,
    spot_checks_for_user,
    summary_for_user,
)
from anju.quality.rules import RULE_LABELS
from anju.rectification.queries import houses_with_overdue_measures, open_entry_ids
from anju.registry.queries import get_house_for_user
from anju.web.forms import DivisionPicker
from anju.web.pages import paginate, query_without_page

STATUSES = [("open", gettext_lazy("待整改")), ("closed", gettext_lazy("已整改")),
            ("all", gettext_lazy("全部"))]
SIMILAR_SHOWN = 100


def _place_names(codes) -> dict[str, str]:
    """'山城镇 演示一村' for each village code, from one query."""
    codes = set(codes)
    names = names_for(codes | {c[:9] for c in codes})
    return {c: f"{names.get(c[:9], '')} {names.get(c, c)}".strip() for c in codes}


def _choice(value, allowed):
    return value if value in allowed else None


def _picker(value):
    return DivisionPicker(autosubmit=True).render("division", value, attrs={"id": "f-division"})


def _finding_rows(findings, today):
    places = _place_names(f.division_code for f in findings)
    return [{"finding": f, "place": places.get(f.division_code, ""),
             "label": fields.field_label(f.field),
             "rule_label": RULE_LABELS.get(f.rule, f.rule),
             "overdue": f.status == FindingStatus.OPEN and f.due_on < today} for f in findings]


@requires("quality.view")
def quality_page(request):
    """The quality page of a division: counts by rule and township, the findings with filters,
    notices to the township, and for the county the spot check and the sweep."""
    g, user, today = request.GET, request.user, timezone.localdate()
    division = g.get("division") or None
    status = _choice(g.get("status"), {"open", "closed", "all"}) or "open"
    filters = {
        "kind": _choice(g.get("kind"), FindingKind.values),
        "rule": _choice(g.get("rule"), RULE_ORDER),
        "overdue": True if g.get("overdue") == "1" else None,
        "house_id": int(g["house"]) if g.get("house", "").isdigit() else None,
    }
    findings = findings_for_user(user, division=division, today=today,
                                 status=None if status == "all" else status, **filters)
    page_obj = paginate(request, findings.select_related("house"))
    summary = summary_for_user(user, division=division, today=today)
    notices = list(notices_for_user(user, division=division)[:20])
    places = names_for(n.township_code for n in notices)
    rules = [r["rule"] for r in summary["by_rule"]]
    spot_checks = list(spot_checks_for_user(user)[:5])
    sweep = division or user.scope
    spot_places = place_names({s.division_code for s in spot_checks} | {sweep})
    return render(request, "quality/quality_page.html", {
        "summary": summary,
        "matrix_rules": [(r["rule"], r["label"]) for r in summary["by_rule"]],
        "matrix": [{"township": t, "cells": [t["by_rule"].get(r, 0) for r in rules]}
                   for t in summary["by_township"]],
        "page": page_obj, "rows": _finding_rows(list(page_obj), today),
        "filters": {"division": division or "", "status": status, "kind": filters["kind"] or "",
                    "rule": filters["rule"] or "", "overdue": "1" if filters["overdue"] else "",
                    "house": filters["house_id"] or ""},
        "statuses": STATUSES, "kinds": FindingKind.choices,
        "rules": [(code, RULE_LABELS[code]) for code in RULE_ORDER],
        "query": query_without_page(request), "division_picker": _picker(division),
        "notices": [(n, places.get(n.township_code, n.township_code)) for n in notices],
        "can_verify": can(user, "quality.verify"),
        "spot_checks": [(s, spot_places[s.division_code]) for s in spot_checks],
        "spot_check_form": SpotCheckForm(user=user) if can(user, "quality.verify") else None,
        "sweep_division": sweep,
        "sweep_place": spot_places[sweep],
    })


@requires("quality.view")
def finding_detail(request, finding_id: int):
    finding = get_finding_for_user(request.user, finding_id)
    today = timezone.localdate()
    notices = list(finding.notices.order_by("township_code"))
    names = names_for(n.township_code for n in notices)
    return render(request, "quality/finding_detail.html", {
        "finding": finding, "row": _finding_rows([finding], today)[0],
        "house": finding.house, "events": list(finding.events.select_related("actor")),
        "notices": [(n, names.get(n.township_code, n.township_code)) for n in notices],
        "verification": finding.verification,
        "can_verify": can(request.user, "quality.verify"),
    })


@requires("quality.view")
def finding_similar(request, finding_id: int):
    """举一反三: the houses of other townships with the same problem (loaded after the page)."""
    finding = get_finding_for_user(request.user, finding_id)
    matches = similar.similar_cases(finding, acting_user=request.user)
    grouped = similar.by_township(matches)
    names = names_for(grouped)
    shown = matches[:SIMILAR_SHOWN]
    places = _place_names(m.division_code for m in shown)
    context = {
        "finding": finding, "total": len(matches),
        "townships": [(code, names.get(code, code), len(grouped[code]))
                      for code in sorted(grouped)],
        "matches": [(m, places.get(m.division_code, "")) for m in shown],
        "more": len(matches) - len(shown),
        "can_verify": can(request.user, "quality.verify"),
        "verification": finding.rule == "verification_mismatch",
    }
    template = "quality/_similar.html" if request.htmx else "quality/similar_page.html"
    return render(request, template, context)


@requires("quality.verify")
@require_POST
def finding_notify(request, finding_id: int):
    finding = get_finding_for_user(request.user, finding_id)
    result = similar.notify_similar(finding, acting_user=request.user, origin=request.origin)
    if result["created"] or result["opened"]:
        messages.success(request, _("已通知 %(notices)s 个乡镇，新建问题 %(opened)s 个") % {
            "notices": result["created"], "opened": result["opened"]})
    else:
        messages.info(request, _("其他乡镇均已通知，没有新的同类问题"))
    return redirect("quality:finding_detail", finding.pk)


@requires("quality.verify")
@require_POST
def sweep_run(request):
    division = request.POST.get("division") or request.user.scope
    try:
        result = actions.sweep(RunSweep(division=division), acting_user=request.user,
                               origin=request.origin)
    except Forbidden:
        raise
    except AnjuError as e:
        messages.error(request, e.message)
        return redirect("quality:page")
    except ValidationError as e:
        messages.error(request, e.errors(include_url=False)[0]["msg"])
        return redirect("quality:page")
    messages.success(request, _("核查房屋 %(checked)s 栋：新发现问题 %(opened)s 个，已整改销号 "
                                "%(closed)s 个") % result)
    return redirect(f"{reverse('quality:page')}?division={division}")


@requires("quality.verify")
@require_POST
def spot_check_create(request):
    form = SpotCheckForm(request.POST, user=request.user, origin=request.origin)
    if form.submitted():
        messages.success(request, _("已抽取 %(n)s 栋房屋") % {"n": form.saved.houses.count()})
        return redirect("quality:spot_check_detail", form.saved.pk)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, _("未抽取：%(error)s") % {"error": error})
    return redirect("quality:page")


@requires("quality.view")
def spot_check_detail(request, spot_check_id: int):
    spot_check = get_spot_check_for_user(request.user, spot_check_id)
    houses = list(spot_check_houses(request.user, spot_check))
    names = names_for({h.township_code for h in houses} | {spot_check.division_code})
    places = _place_names(h.house.division_code for h in houses)
    townships: dict[str, dict] = {}
    for h in houses:
        t = townships.setdefault(h.township_code, {"name": names.get(h.township_code, ""),
                                                   "drawn": 0, "done": 0, "rows": []})
        t["drawn"] += 1
        t["done"] += h.done
        t["rows"].append((h, places.get(h.house.division_code, "")))
    return render(request, "quality/spot_check_detail.html", {
        "spot_check": spot_check, "area": names.get(spot_check.division_code, ""),
        "townships": [townships[c] | {"code": c} for c in sorted(townships)],
        "done": sum(t["done"] for t in townships.values()), "drawn": len(houses),
        "can_inspect": can(request.user, "appraisal.inspect"),
    })


WORKLIST_TABS = [("screening", gettext_lazy("待排查")), ("appraisal", gettext_lazy("待鉴定")),
                 ("findings", gettext_lazy("有待整改问题的房屋")),
                 ("overdue", gettext_lazy("整改逾期")),
                 ("control_overdue", gettext_lazy("管控措施逾期")),
                 ("engineering_overdue", gettext_lazy("工程计划逾期"))]


@requires("quality.view")
def worklist(request):
    """The township work lists: houses awaiting screening, awaiting appraisal, with open
    findings, with overdue findings; priority houses first (R-CJ-1)."""
    user, today = request.user, timezone.localdate()
    division = request.GET.get("division") or None
    tab = _choice(request.GET.get("tab"), dict(WORKLIST_TABS)) or "screening"
    lists = {
        "screening": houses_awaiting_screening(user, division=division),
        "appraisal": houses_awaiting_appraisal(user, division=division),
        "findings": houses_with_findings(user, division=division, today=today),
        "overdue": houses_with_findings(user, division=division, overdue=True, today=today),
        # R-CJ-2 ordered controls not carried out in time, R-CJ-5 engineering plans past due
        "control_overdue": houses_with_overdue_measures(user, division=division, control=True,
                                                        today=today),
        "engineering_overdue": houses_with_overdue_measures(user, division=division,
                                                            engineering=True, today=today),
    }
    counts = {name: queryset.count() for name, queryset in lists.items()}
    page_obj = paginate(request, lists[tab].select_related("household"))
    houses = list(page_obj)
    places = _place_names(h.division_code for h in houses)
    problems: dict[int, list] = {}
    if tab in ("findings", "overdue"):
        for f in findings_for_user(user, today=today).filter(
                house_id__in=[h.pk for h in houses]):
            problems.setdefault(f.house_id, []).append(f)
    entries = {}
    if tab in ("control_overdue", "engineering_overdue"):
        entries = open_entry_ids([h.pk for h in houses])
    rows = [{"house": h, "place": places.get(h.division_code, ""), "entry": entries.get(h.pk),
             "findings": _finding_rows(problems.get(h.pk, []), today)} for h in houses]
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("tab", None)
    return render(request, "quality/worklist.html", {
        "tab": tab, "tabs": [(name, label, counts[name]) for name, label in WORKLIST_TABS],
        "page": page_obj, "rows": rows, "division": division or "",
        "query": query_without_page(request), "base_query": params.urlencode(),
        "division_picker": _picker(division),
    })


@requires("quality.view")
def house_panel(request, house_id: int):
    """The quality panel of the registry's house page: open findings, the last verification."""
    house = get_house_for_user(request.user, house_id)
    today = timezone.localdate()
    findings = list(findings_for_user(request.user, house_id=house.pk, today=today))
    return render(request, "quality/_house_panel.html", {
        "house": house, "rows": _finding_rows(findings, today),
        "last_verification": house.verifications.select_related("verifier").first(),
        "can_verify": can(request.user, "quality.verify"),
    })


@requires("quality.verify")
def verify_house(request, house_id: int):
    """点对点核实比对 of one house: each difference needs a reason and becomes a finding."""
    house = get_house_for_user(request.user, house_id)
    form = VerificationForm(request.POST or None, user=request.user, target=house,
                            origin=request.origin)
    if request.method == "POST" and form.submitted():
        verification = form.saved
        found = verification.findings.count()
        if found:
            messages.success(request, _("核实记录已保存：%(n)s 处与记录不一致，已交乡镇整改") % {
                "n": found})
        else:
            messages.success(request, _("核实记录已保存：核实的各项与记录一致"))
        return redirect(f"{reverse('quality:page')}?house={house.pk}#findings")
    place = _place_names([house.division_code])[house.division_code]
    return render(request, "quality/verify_form.html", {
        "form": form, "house": house, "place": place,
        "rows": form.rows(),
        "recent": list(house.verifications.select_related("verifier")[:5]),
    }, status=200 if not form.is_bound or form.is_valid() else 422)
