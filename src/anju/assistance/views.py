"""Housing-security pages: the case list by stage, a department's approval queue, the case as a
timeline with its next steps, one form per act, the archive (一户一档) and its PDFs, the public
list of a notice, the household's certifications and application, the craftsmen register.
Thin: the doors (queries), the verbs (through forms), the workflow and next_steps decide."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from anju.accounts.access import can, check, requires
from anju.accounts.models import Department
from anju.assistance import actions, forms, present, rules, transitions
from anju.assistance.codes import (
    APPROVERS,
    CERTIFIER,
    DEPARTMENT_ACTS,
    Action,
    FundAction,
    FundStatus,
    Method,
    Status,
)
from anju.assistance.models import Application, ArchiveReviewItem, Notice
from anju.assistance.queries import (
    approval_queue,
    cases_for_user,
    certifications_for_user,
    contractors_for_user,
    counts_by_status,
    craftsmen_for_user,
    disbursements_for_user,
    fundable_cases,
    get_case_for_user,
    get_disbursement_for_user,
    payment_overdue_q,
)
from anju.assistance.transitions import FUNDS, WORKFLOW
from anju.audit import actions as audit
from anju.audit.models import Action as AuditAction
from anju.divisions.models import Division, Level
from anju.divisions.scope import within
from anju.evidence import queries as evidence
from anju.evidence.models import Act as EvidenceAct
from anju.kit import reads
from anju.kit.errors import Code, Forbidden
from anju.kit.masks import mask_id_number, mask_phone
from anju.rectification.queries import entry_ref_of_case
from anju.registry.codes import LowIncomeCategory
from anju.registry.queries import get_household_for_user
from anju.web.forms import DivisionPicker
from anju.web.pages import KeysFirst, paginate, query_without_page

# The case list's late filters: the daily sweep's flags (R-MH-11, R-MH-12, R-MH-15).
LATE_FLAGS = {"payment": ("payment_overdue", "拨付逾期"),
              "old_house": ("old_house_overdue", "原房处置逾期"),
              "window": ("window_late", "未按年度时限完成")}


def _render(request, template: str, context: dict, status: int = 200):
    """A page of this app: its tab bar shows the approval queue to the three departments."""
    user = request.user
    context["show_queue"] = user.department in APPROVERS and can(user, "assistance.approve")
    context["show_department_queue"] = user.department in DEPARTMENT_ACTS
    return render(request, f"assistance/{template}", context, status=status)


def _form_status(form) -> int:
    return 200 if not form.is_bound or form.is_valid() else 422


@reads.replica_tolerant(reads.LIST)
@requires("assistance.view")
def case_list(request):
    g = request.GET
    status = g.get("status") if g.get("status") in Status.values else None
    division = g.get("division") or None
    late = g.get("late", "")
    cases = cases_for_user(request.user, division=division, status=status,
                           late=True if late == "any" else None).only(*present.LIST_FIELDS)
    if late == "payment":  # from the dates, whether or not the sweep has run
        cases = cases.filter(payment_overdue_q(timezone.localdate()))
    elif late in LATE_FLAGS:
        cases = cases.filter(**{LATE_FLAGS[late][0]: True})
    # The page's keys first (KeysFirst): the newest-first order is sorted on ids alone, and
    # only the page's 50 cases are read with their household.
    page = paginate(request, KeysFirst(cases, rows=cases_for_user(request.user).only(
        *present.LIST_FIELDS)))
    places = present.place_names(c.division_code for c in page)
    list_url = reverse("assistance:case_list")
    counts = counts_by_status(request.user, division=division)
    return _render(request, "case_list.html", {
        "page": page, "query": query_without_page(request),
        "rows": present.case_rows_html([
            present.case_row(c, places.get(c.division_code, ""), list_url) for c in page]),
        "counts": [(s.value, s.label, counts.get(s.value, 0)) for s in Status],
        "total": sum(counts.values()),
        "filters": {"status": status or "", "division": division or "", "late": late},
        "statuses": Status.choices, "late_flags": [(k, v[1]) for k, v in LATE_FLAGS.items()],
        "division_picker": DivisionPicker(autosubmit=True).render(
            "division", division, attrs={"id": "f-division"}),
    })


@requires("assistance.view")
def funds(request):
    """R-MH-12a: the disbursement requests; finance's queue (requested and reviewed) first."""
    status = request.GET.get("status") or ""
    requests = disbursements_for_user(request.user, status=status or None)
    if not status:
        requests = requests.filter(status__in=(FundStatus.REQUESTED, FundStatus.APPROVED))
    page = paginate(request, requests.annotate(cases=Count("items")))
    places = present.place_names(r.division_code for r in page)
    rows = []
    for made in page:
        money = actions.reconcile(made)
        rows.append({
            "pk": made.pk, "number": made.number,
            "place": places.get(made.division_code, made.division_code),
            "cases": made.cases, "requested": f"{made.requested_amount:,.2f}",
            "requested_on": made.requested_on.isoformat(),
            "reviewed_on": made.reviewed_on.isoformat() if made.reviewed_on else "—",
            "transferred": (f"{made.transferred_on:%Y-%m-%d} {made.transferred_amount:,.2f} 元"
                            if made.transferred_on else "—"),
            "paid": f"{money['paid']:,.2f}", "retention": f"{money['retention']:,.2f}",
            "status": made.status, "status_label": FundStatus(made.status).label,
            "balanced": money["balanced"]})
    return _render(request, "funds.html", {
        "page": page, "rows": rows, "query": query_without_page(request), "status": status,
        "statuses": FundStatus.choices,
        "may_file": can(request.user, FUNDS.capability_of(FundAction.FILE))
        and len(request.user.scope or "") >= 9})


@requires("assistance.view")
def fund_request(request, request_id: int):
    """R-MH-12a: one disbursement request: its cases with their acceptance reports, each step
    dated, and whether the amounts reconcile."""
    made = get_disbursement_for_user(request.user, request_id)
    items = list(made.items.select_related("application", "application__household", "report"))
    steps = [{"label": FundAction(t.action).label, "on": t.on, "comment": t.comment,
              "who": (t.actor.get_full_name() or t.actor.username) if t.actor else "系统"}
             for t in made.transitions.select_related("actor")]
    actions_open = [(a, FundAction(a).label) for a in (FundAction.REVIEW, FundAction.TRANSFER)
                    if FUNDS.move_for(made.status, a) and can(request.user,
                                                                FUNDS.capability_of(a))]
    return _render(request, "fund_request.html", {
        "made": made, "items": items, "steps": steps, "money": actions.reconcile(made),
        "status_label": FundStatus(made.status).label, "place": present.place_names(
            [made.division_code]).get(made.division_code, made.division_code),
        "acts": actions_open})


@requires("assistance.build")
def fund_new(request):
    """R-MH-12a: the township files its accepted, city-checked cases with the city's finance
    (a county officer names the township: ?township=CODE)."""
    township = (request.POST.get("township") or request.GET.get("township")
                or (request.user.scope or "")[:9])
    if len(township) != 9 or not township.isdigit():
        raise Http404("请选择乡镇")
    cases = list(fundable_cases(request.user, township))
    form = forms.FileDisbursementForm(request.POST or None, user=request.user,
                                      origin=request.origin, township=township, cases=cases)
    if form.submitted():
        messages.success(request, f"报账申请 {form.saved.number} 已提交市财政")
        return redirect("assistance:fund_request", request_id=form.saved.pk)
    return _render(request, "simple_form.html", {
        "form": form, "title": "提出补助资金报账申请", "back": ("assistance:funds", None),
        "crumb": "资金报账"}, status=_form_status(form))


FUND_FORMS = {FundAction.REVIEW: ("ReviewDisbursementForm", "财政审核已保存"),
              FundAction.TRANSFER: ("TransferDisbursementForm", "拨付乡镇财政所已保存")}


@requires("assistance.view")
def fund_act(request, request_id: int, action: str):
    made = get_disbursement_for_user(request.user, request_id)
    if action not in FUND_FORMS:
        raise Http404()
    check(request.user, FUNDS.capability_of(action))
    name, done = FUND_FORMS[action]
    form = getattr(forms, name)(request.POST or None, user=request.user, target=made,
                                origin=request.origin)
    if form.submitted():
        messages.success(request, done)
        return redirect("assistance:fund_request", request_id=made.pk)
    return _render(request, "simple_form.html", {
        "form": form, "title": f"{FundAction(action).label}：{made.number}",
        "back": ("assistance:fund_request", made.pk), "crumb": made.number,
    }, status=_form_status(form))


@requires("assistance.approve")
def approval_queue_page(request):
    """R-MH-3: the cases waiting for this department's own decision, oldest first."""
    division = request.GET.get("division") or None
    cases = approval_queue(request.user, division=division).only(*present.LIST_FIELDS)
    page = paginate(request, cases)
    rows = present.queue_rows(list(page), present.place_names(c.division_code for c in page),
                              timezone.localdate())
    department = Department(request.user.department).label if request.user.department else ""
    return _render(request, "approval_queue.html", {
        "page": page, "rows": rows, "query": query_without_page(request),
        "department": department, "division": division or "",
        "division_picker": DivisionPicker(autosubmit=True).render(
            "division", division, attrs={"id": "f-division"}),
    })


def payable_of(case: Application):
    """R-MH-6: what may be paid; the approved subsidy until the acceptance sets it."""
    return case.subsidy_amount if case.payable_amount is None else case.payable_amount


def _case_records(case_id: int) -> Application:
    return (Application.objects.filter(pk=case_id)
            .select_related("household", "house", "craftsman", "contractor", "certification",
                            "created_by")
            .prefetch_related("approvals", "notices", "objections", "inspections",
                              "acceptances", "payments").get())


def _acceptances_with_captures(case) -> list:
    rows = list(case.acceptances.all())
    captures = evidence.captures_of_record(EvidenceAct.ACCEPTANCE, [a.pk for a in rows])
    return [(a, captures.get(a.pk)) for a in rows]


@requires("assistance.view")
def case_detail(request, case_id: int):
    get_case_for_user(request.user, case_id)  # the door: 404 outside the scope
    case = _case_records(case_id)
    facts = actions.facts_of(case)
    archive = actions.archive_of(case)
    photos = _attachments([i for x in case.inspections.all() for i in x.photo_ids or []])
    rows = list(case.inspections.all())
    # ADR 0048: the capture each inspection rests on, and its flags as badges
    captures = evidence.captures_of_record(EvidenceAct.STAGE_INSPECTION, [i.pk for i in rows])
    flags = evidence.flags_of_records(EvidenceAct.STAGE_INSPECTION, [i.pk for i in rows])
    inspections = [(i, [(present.file_url(photos[p]), photos[p].content_type.startswith(
        "image/")) for p in i.photo_ids or [] if p in photos], captures.get(i.pk),
        flags.get(i.pk, [])) for i in rows]
    return _render(request, "case_detail.html", {
        "case": case, "place": present.place_names([case.division_code])[case.division_code],
        "ended": case.status in WORKFLOW.ended,
        "id_number": mask_id_number(case.household.head_id_number),
        "steps": present.steps_for(request.user, case, facts),
        "timeline": present.timeline(case),
        "approvals": present.approvals_by_department(case),
        "inspections": inspections,
        "acceptances": _acceptances_with_captures(case),
        # ADR 0048: the house's flagged captures, waiting for acceptance or accepted
        "doubtful": evidence.doubtful_captures(request.user, [case.house_id]).get(
            case.house_id, []) if case.house_id else [],
        "can_capture": case.house_id is not None and can(request.user, "evidence.capture"),
        "missing": [line.label for line in archive if line.required and not line.present],
        "remaining": payable_of(case) - case.paid_amount,
        "payable": payable_of(case),
        # R-MH-12: from the dates, whether or not the sweep has run
        "payment_overdue": present.late_now(case, "payment_overdue"),
        "has_notice_pdf": case.notified_on is not None or case.approved_on is not None,
        # R-CJ-8a: the ledger entry this case is the engineering measure of
        "ledger_entry": entry_ref_of_case(request.user, house_id=case.house_id,
                                          application_id=case.pk),
    })


def _attachments(ids) -> dict:
    from anju.registry.models import Attachment

    return {a.pk: a for a in Attachment.objects.filter(pk__in=ids)} if ids else {}


@requires("assistance.view")
def archive(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    lines = [(line, [(d, present.file_url(d.attachment) if d.attachment_id else "",
                      present.file_title(d.attachment, case) if d.attachment_id else "")
                     for d in line.documents]) for line in actions.archive_of(case)]
    return _render(request, "archive.html", {
        "case": case, "lines": lines,
        # R-MH-13 三统一: the paper copies and what the city office's review found
        "review_items": ArchiveReviewItem.objects.filter(application=case)
        .select_related("review").order_by("id"),
        "missing": sum(1 for line, _ in lines if line.required and not line.present),
        "can_add": can(request.user, WORKFLOW.capability_of(Action.ADD_DOCUMENT))
        and WORKFLOW.move_for(case.status, Action.ADD_DOCUMENT) is not None,
    })


def _pdf_response(request, case, kind: str, content: bytes) -> HttpResponse:
    audit.record(AuditAction.EXPORT, actor=request.user, obj=case, origin=request.origin,
                 division_code=case.division_code, details={"document": kind})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{case.number}.pdf"'
    return response


@requires("assistance.view")
def notice_pdf(request, case_id: int):
    """R-MH-3: the written notice (书面告知通知单), once the three departments approved."""
    from anju.assistance.documents import notice_pdf as render_notice

    case = get_case_for_user(request.user, case_id)
    if case.approved_on is None:
        raise Http404("尚未通过三部门联合审批，没有书面告知通知单")
    return _pdf_response(request, case, "notice", render_notice(case))


@requires("assistance.view")
def archive_pdf(request, case_id: int):
    from anju.assistance.documents import archive_pdf as render_archive

    case = get_case_for_user(request.user, case_id)
    return _pdf_response(request, case, "archive", render_archive(case))


@requires("assistance.view")
def act(request, case_id: int, action: str):
    """One act on the case: its form, its verb, back to the case page."""
    form_class = forms.case_form(action)
    if form_class is None:
        raise Http404("没有这个办理环节")
    case = get_case_for_user(request.user, case_id)
    check(request.user, WORKFLOW.capability_of(action))  # 403 before the form
    if action == Action.DEPARTMENT_APPROVE:
        actions.check_approver(case, acting_user=request.user)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None,
                      user=request.user, case=case, origin=request.origin,
                      initial={"kind": request.GET["kind"]} if request.GET.get("kind") else None)
    if form.submitted():
        messages.success(request, f"{Action(action).label}已保存")
        return redirect("assistance:case_detail", case_id=case.pk)
    refusal = None
    if not posted:
        refusal = transitions.refusal(case.status, action, actions.facts_of(case))
    title = Action(action).label
    if action == Action.DEPARTMENT_APPROVE and request.user.department:
        title = f"{Department(request.user.department).label}部门审批"
    return _render(request, "act_form.html", {
        "case": case, "form": form, "action": action, "title": title,
        "refusal": refusal.message if refusal else "",
        "standards": present.standards(case.division_code, house=case.house,
                                       persons=case.persons)
        if action == Action.ACCEPT else None,
    }, status=_form_status(form))


@requires("assistance.view")
def publicity(request, notice_id: int):
    """R-MH-4: the public list of one notice, as printed and posted: names and masked ID
    numbers only, the subsidy standard and the dates."""
    cases = cases_for_user(request.user)
    notice = (Notice.objects.filter(pk=notice_id, application__in=cases)
              .select_related("application").first())
    if notice is None:
        raise Http404()
    rows = [(n.application, mask_id_number(n.application.household.head_id_number))
            for n in present.notice_batch(notice, cases)]
    place = present.place_names([notice.division_code])[notice.division_code].replace(" ", "") \
        if len(notice.division_code) == 12 else (Division.objects.filter(
            code=notice.division_code).values_list("name", flat=True).first()
            or notice.division_code)
    places = present.place_names(c.division_code for c, _ in rows)
    return _render(request, "publicity.html", {
        "notice": notice, "place": place, "caps": _caps(notice),
        "rows": [(c, id_number, places.get(c.division_code, "")) for c, id_number in rows],
    })


def _caps(notice) -> list[tuple[str, object]]:
    from anju.policy.rules import profile_for

    profile = profile_for(notice.application.division_code, notice.starts_on)
    return [("C 级危房维修加固", profile.cap_c_repair), ("D 级危房拆除重建", profile.cap_d_rebuild),
            ("无房户新建", profile.cap_new_build), ("保障性公有住房", profile.cap_public_housing)]


# ---------------------------------------------------------------- the household


def _categories_for(user) -> list[tuple[str, str]]:
    """R-MH-1: the categories this user's department may certify."""
    return [(c.value, c.label) for c in LowIncomeCategory
            if rules.certifier_unmet(c.value, user.department) is None]


@requires("assistance.view")
def household(request, household_id: int):
    """The household's certifications (认定), with the certify form for a certifying
    department, and its cases (申请)."""
    found = get_household_for_user(request.user, household_id)
    categories = _categories_for(request.user) if can(request.user, "assistance.certify") \
        else []
    form = None
    if categories:
        posted = request.method == "POST"
        form = forms.CertifyForm(request.POST if posted else None,
                                 request.FILES if posted else None, user=request.user,
                                 household=found, categories=categories,
                                 origin=request.origin)
        if form.submitted():
            messages.success(request, f"已认定为{form.saved.get_category_display()}")
            return redirect("assistance:household", household_id=found.pk)
    elif request.method == "POST":
        check(request.user, "assistance.certify")
        raise Forbidden("本部门不能认定低收入群体类别", code=Code.WRONG_DEPARTMENT, rule="R-MH-1",
                        obj=found)
    certifications = list(certifications_for_user(request.user, household_id=found.pk)
                          .select_related("certified_by"))
    cases = list(cases_for_user(request.user, household_id=found.pk))
    today = timezone.localdate()
    return _render(request, "household.html", {
        "household": found, "form": form, "certifications": [
            (c, c.current_on(today), c.department == request.user.department
             and c.lapsed_on is None and can(request.user, "assistance.certify"))
            for c in certifications],
        "certifiers": [(Department(d).label, "、".join(LowIncomeCategory(c).label
                                                      for c, dd in CERTIFIER.items() if dd == d))
                       for d in dict.fromkeys(CERTIFIER.values())],
        "cases": cases,
        "open_case": next((c for c in cases if c.status in WORKFLOW.open), None),
        "can_apply": can(request.user, "assistance.apply"),
        "place": present.place_names([found.division_code])[found.division_code],
        "id_number": mask_id_number(found.head_id_number),
    }, status=_form_status(form) if form else 200)


@requires("assistance.certify")
def lapse(request, certification_id: int):
    found = certifications_for_user(request.user).filter(pk=certification_id).first()
    if found is None:
        raise Http404()
    form = forms.LapseForm(request.POST or None, user=request.user, target=found,
                           origin=request.origin)
    if form.submitted():
        messages.success(request, "认定已终止")
        return redirect("assistance:household", household_id=found.household_id)
    return _render(request, "simple_form.html", {
        "form": form, "title": f"终止认定：{found.get_category_display()}",
        "back": ("assistance:household", found.household_id),
        "crumb": f"{found.household.head_name}户",
    }, status=_form_status(form))


@requires("assistance.apply")
def apply(request, household_id: int):
    """The application form; the house is chosen first (?house=ID or none), since its grade
    decides the methods offered (R-MH-5)."""
    found = get_household_for_user(request.user, household_id)
    houses = list(found.houses.standing().order_by("-is_only_house", "id"))
    source = request.POST if request.method == "POST" else request.GET
    choice = source.get("house", str(houses[0].pk) if houses else "none")
    house = next((h for h in houses if str(h.pk) == choice), None)
    standards = present.standards(found.division_code, house=house, persons=found.persons)
    posted = request.method == "POST"
    form = forms.ApplicationForm(request.POST if posted else None,
                                 request.FILES if posted else None, user=request.user,
                                 household=found, house=house, methods=standards.methods,
                                 origin=request.origin)
    if form.submitted():
        messages.success(request, f"改造申请已提交：{form.saved.number}")
        return redirect("assistance:case_detail", case_id=form.saved.pk)
    return _render(request, "apply.html", {
        "household": found, "houses": houses, "house": house, "choice": choice,
        "form": form, "standards": standards,
        "place": present.place_names([found.division_code])[found.division_code],
        "methods_without_subsidy": [label for m, label, cap in standards.methods if not cap
                                    and m != Method.WAIVER],
    }, status=_form_status(form))


# ---------------------------------------------------------------- the register (R-MH-8)


def _townships(user) -> list[tuple[str, str]]:
    county = (user.scope or "")[:6]
    return list(Division.objects.filter(within(county, "code"), level=Level.TOWNSHIP)
                .order_by("code").values_list("code", "name"))


@requires("assistance.view")
def register(request):
    today = timezone.localdate()
    q = request.GET.get("q", "").strip() or None
    craftsmen = list(craftsmen_for_user(request.user, q=q)[:500])
    places = dict(_townships(request.user))
    return _render(request, "register.html", {
        "craftsmen": [(c, mask_id_number(c.id_number), mask_phone(c.phone),
                       places.get(c.division_code[:9], c.division_code), c.valid_until >= today)
                      for c in craftsmen],
        "contractors": [(c, places.get(c.division_code[:9], c.division_code),
                         c.valid_until >= today)
                        for c in contractors_for_user(request.user)[:500]],
        "q": q or "", "can_add": can(request.user, "assistance.build"),
    })


def _register_form(request, form_class, title: str, note: str):
    form = form_class(request.POST or None, user=request.user,
                      townships=_townships(request.user), origin=request.origin)
    if form.submitted():
        messages.success(request, note)
        return redirect("assistance:register")
    return _render(request, "simple_form.html", {
        "form": form, "title": title, "back": ("assistance:register",), "crumb": "工匠名录",
    }, status=_form_status(form))


@requires("assistance.build")
def craftsman_new(request):
    return _register_form(request, forms.CraftsmanForm, "登记农村建筑工匠", "工匠已登记")


@requires("assistance.build")
def contractor_new(request):
    return _register_form(request, forms.ContractorForm, "登记施工单位", "施工单位已登记")


# ---------------------------------------------------------------- 六、责任分工, the window


@requires("assistance.view")
def department_queue_page(request, department: str):
    """六、责任分工: the cases waiting for natural resources, water or power."""
    from anju.assistance.queries import department_needs, department_queue

    if department not in DEPARTMENT_ACTS:
        raise Http404
    division = request.GET.get("division") or None
    page = paginate(request, department_queue(request.user, department, division=division))
    places = present.place_names(c.division_code for c in page)
    rows = [{"case": c, "place": places.get(c.division_code, ""),
             "needs": [Action(a).label for a in department_needs(c, department)]}
            for c in page]
    return _render(request, "department_queue.html", {
        "page": page, "rows": rows, "query": query_without_page(request),
        "department": Department(department).label, "tab": "department",
        "division": division or "",
        "division_picker": DivisionPicker(autosubmit=True).render(
            "division", division, attrs={"id": "f-division"}),
    })


@requires("assistance.view")
def window_page(request):
    """The township's window: consultations and disputes with their outcome, the counts per
    township, the houses empty after handover (R-MH-10a) and the archive review's findings
    sent back (R-MH-13)."""
    from anju.assistance.queries import (
        archive_findings_for_user,
        empty_after_handover,
        township_window_counts,
        window_cases_for_user,
    )

    division = request.GET.get("division") or None
    today = timezone.localdate()
    page = paginate(request, window_cases_for_user(request.user, division=division))
    empty = list(empty_after_handover(request.user, division=division, today=today)[:50])
    return _render(request, "window.html", {
        "page": page, "query": query_without_page(request), "tab": "window",
        "counts": township_window_counts(request.user, division=division, today=today),
        "empty": [(c, (today - c.handed_over_on).days) for c in empty],
        "findings": list(archive_findings_for_user(request.user, division=division)[:50]),
        "division": division or "",
        "division_picker": DivisionPicker(autosubmit=True).render(
            "division", division, attrs={"id": "f-division"}),
    })
