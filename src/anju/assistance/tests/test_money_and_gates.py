"""The audited final account (R-MH-6), the gates of publicity and the city check (R-MH-4,
R-MH-10), late payment (R-MH-12), the year's windows (R-MH-15) and the money's path through the
city's finance (R-MH-12a), in the plan's words."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from anju.assistance import rules
from anju.assistance.codes import Method, Status
from anju.assistance.models import Application, DisbursementRequest, Payment
from anju.assistance.sweep import flag_late_cases
from anju.assistance.tests.conftest import AGO, TODAY
from anju.conftest import sign_in
from anju.policy.models import PolicyProfile

pytestmark = pytest.mark.django_db


def refused(response, status: int, code: str, field: str | None, rule: str):
    body = response.json()["error"]
    assert (response.status_code, body["code"], body["field"], body["rule"]) == (
        status, code, field, rule), body


def transitions(flow) -> str:
    return f"/api/v1/applications/{flow.case.pk}/transitions"


def read(api, user, flow) -> dict:
    response = api(user).get(f"/api/v1/applications/{flow.case.pk}")
    assert response.status_code == 200
    return response.json()


def region(**overrides):
    """A region's own profile for 梅河口 (the default numbers with `overrides`)."""
    return PolicyProfile.objects.create(division_prefix="220581", base="meihekou-2021",
                                        effective_from=date(2020, 1, 1), overrides=overrides)


def accept_body(flow, **fields) -> dict:
    return {"action": "accept", "passed": True, "members": flow.MEMBERS, "main_area": "50",
            "auxiliary_area": "10", "report_ids": [flow.doc("验收报告")],
            "evidence_id": flow.on_site("acceptance"), **fields}


# ---------------------------------------------------------------- R-MH-6 the final account


def test_a_c_repair_audited_below_the_approved_subsidy_is_paid_the_audited_amount(
        api, cast, new_case, nothing_written):
    """R-MH-6: "C级…按造价咨询机构审计后的工程决算拨付": the approved 10,000 is a ceiling; an
    audit of 8,000 lowers what is paid and never blocks the case."""
    flow = new_case(grade="C")
    flow.to(Status.COMPLETED)
    response = api(cast.shancheng).post(transitions(flow),
                                        accept_body(flow, final_account="8000"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "accepted"
    assert (Decimal(body["subsidy_amount"]), Decimal(body["payable_amount"])) == (
        Decimal("10000"), Decimal("8000"))
    accepted = [t for t in body["transitions"] if t["action"] == "accept"][-1]
    assert (Decimal(accepted["details"]["payable_amount"]),
            Decimal(accepted["details"]["final_account"])) == (8000, 8000)
    assert "应付 8,000.00 元" in accepted["comment"]
    flow.case.refresh_from_db()
    flow.act("city_check", cast.mhk_housing, passed=True, on=TODAY)
    pay = {"action": "pay", "account": "yikatong", "voucher": "PZ-8", "paid_on": str(TODAY)}
    with nothing_written(flow.case):
        above = api(cast.mhk_finance).post(transitions(flow), {**pay, "amount": "10000"})
    refused(above, 422, "payment_above_approved", "amount", "R-MH-6")
    paid = api(cast.mhk_finance).post(transitions(flow), {**pay, "amount": "8000"})
    assert paid.status_code == 200, paid.json()
    assert (paid.json()["status"], Decimal(paid.json()["paid_amount"])) == ("paid", 8000)


def test_a_repair_is_not_accepted_without_its_audited_final_account(api, cast, new_case,
                                                                    nothing_written):
    flow = new_case(grade="C")
    flow.to(Status.COMPLETED)
    body = accept_body(flow)
    with nothing_written(flow.case):
        response = api(cast.shancheng).post(transitions(flow), body)
    refused(response, 422, "final_account_required", "final_account", "R-MH-6")


def test_an_audit_above_the_approved_subsidy_pays_the_approved_subsidy():
    """R-MH-6: payable = min(approved, audited); a purchase is paid its appraised price up to
    the approved subsidy; a rebuild the approved subsidy."""
    cap = Decimal("10000")
    assert rules.payable_amount(Method.REPAIR_REINFORCE, cap,
                                final_account=Decimal("12000")) == cap
    assert rules.payable_amount(Method.RENOVATE_IDLE, Decimal("40000"),
                                final_account=Decimal("31000")) == Decimal("31000")
    assert rules.payable_amount(Method.BUY_IDLE, Decimal("40000"),
                                appraised_price=Decimal("36500")) == Decimal("36500")
    assert rules.payable_amount(Method.BUY_IDLE, Decimal("40000"),
                                appraised_price=Decimal("52000")) == Decimal("40000")
    assert rules.payable_amount(Method.REBUILD, Decimal("40000"),
                                final_account=Decimal("30000")) == Decimal("40000")


# ---------------------------------------------------------------- R-MH-4 three-level publicity


def test_approval_waits_for_the_notices_of_all_three_levels(api, cast, new_case,
                                                            nothing_written):
    """R-MH-4 "在市、乡、村三级公示": one level's notice is not enough for the joint
    approval (409, out of order)."""
    flow = new_case()
    flow.to(Status.VILLAGE_REVIEWED)
    flow.act("township_review", cast.shancheng, passed=True, on=AGO[30])
    flow.act("publish_notice", cast.cadre, level="village", starts_on=AGO[20], ends_on=AGO[10])
    body = {"action": "department_approve", "decision": "approve"}
    with nothing_written(flow.case):
        response = api(cast.mhk_civil).post(transitions(flow), body)
    refused(response, 409, "publicity_incomplete", "notices", "R-MH-4")
    assert "乡镇级、县（市）级" in response.json()["error"]["message"]
    for level in ("township", "county"):
        flow.act("publish_notice", cast.shancheng, level=level, starts_on=AGO[20],
                 ends_on=AGO[10])
    assert api(cast.mhk_civil).post(transitions(flow), body).status_code == 200


def test_a_region_whose_profile_names_fewer_levels_approves_after_those(api, cast, new_case):
    """R-MH-4: "a region's profile may name fewer" levels of publicity."""
    region(publicity_levels=["village"])
    flow = new_case()
    flow.to(Status.VILLAGE_REVIEWED)
    flow.act("township_review", cast.shancheng, passed=True, on=AGO[30])
    flow.act("publish_notice", cast.cadre, level="village", starts_on=AGO[20], ends_on=AGO[10])
    response = api(cast.mhk_civil).post(transitions(flow), {"action": "department_approve",
                                                            "decision": "approve"})
    assert response.status_code == 200, response.json()


def test_a_notice_records_what_it_published(api, cast, new_case):
    """R-MH-4: subsidy recipients, review results and subsidy standards are published."""
    flow = new_case()
    flow.to(Status.VILLAGE_REVIEWED)
    response = api(cast.cadre).post(transitions(flow), {
        "action": "publish_notice", "level": "county", "starts_on": str(AGO[20]),
        "ends_on": str(AGO[10]), "contents": ["recipients", "review_result",
                                              "subsidy_standard", "policy"]})
    assert response.status_code == 200, response.json()
    notice = response.json()["notices"][-1]
    assert notice["level"] == "county"
    assert set(notice["contents"]) == {"policy", "recipients", "review_result",
                                       "subsidy_standard"}
    bad = api(cast.cadre).post(transitions(flow), {
        "action": "publish_notice", "level": "village", "starts_on": str(AGO[20]),
        "ends_on": str(AGO[10]), "contents": ["photos"]})
    # a value outside the code list is refused by the command itself
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "contents.0")


def test_objections_to_the_list_published_after_approval_are_recorded_and_resolved(
        api, cast, new_case):
    """R-MH-4: "Objections to the list published after approval are recorded and resolved
    too."""
    flow = new_case()
    flow.to(Status.NOTIFIED)
    raised = api(cast.cadre).post(transitions(flow), {
        "action": "record_objection", "text": "该户子女在城区有房", "on": str(TODAY)})
    assert raised.status_code == 200, raised.json()
    objection = raised.json()["objections"][-1]
    assert objection["resolved_on"] is None
    resolved = api(cast.shancheng).post(transitions(flow), {
        "action": "resolve_objection", "objection_id": objection["id"],
        "resolution": "经入户核实，子女另立户，不影响该户保障资格", "on": str(TODAY)})
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["objections"][-1]["resolved_on"] == str(TODAY)
    assert resolved.json()["status"] == "notified"


# ---------------------------------------------------------------- R-MH-10 the city check


def test_handover_and_payment_wait_for_the_city_offices_check(api, cast, new_case,
                                                              nothing_written):
    """R-MH-10 "报市危改办审验…经审验合格后": handover and payment before the city office's
    check are out of order (409)."""
    flow = new_case()
    flow.to(Status.ACCEPTED)
    pay = {"action": "pay", "amount": "40000", "account": "yikatong", "voucher": "PZ-1",
           "paid_on": str(TODAY)}
    with nothing_written(flow.case):
        handover = api(cast.shancheng).post(transitions(flow), {"action": "handover",
                                                                "on": str(TODAY)})
        paid = api(cast.mhk_finance).post(transitions(flow), pay)
    refused(handover, 409, "city_check_required", "status", "R-MH-10")
    refused(paid, 409, "city_check_required", "status", "R-MH-10")
    flow.act("city_check", cast.mhk_housing, passed=False, on=TODAY, comment="验收报告缺签字")
    refused(api(cast.mhk_finance).post(transitions(flow), pay), 409, "city_check_required",
            "status", "R-MH-10")
    flow.act("city_check", cast.mhk_housing, passed=True, on=TODAY)
    assert api(cast.shancheng).post(transitions(flow), {"action": "handover",
                                                        "on": str(TODAY)}).status_code == 200
    assert api(cast.mhk_finance).post(transitions(flow), pay).status_code == 200


# ---------------------------------------------------------------- R-MH-12 late payment


def test_a_late_payment_is_taken_and_remembered_with_its_days_late(api, cast, new_case):
    """R-MH-12: "a payment after the deadline is still taken … recorded as late with its days
    late; the case keeps that fact", and overdue follows from the dates on every read."""
    flow = new_case()
    flow.to(Status.ACCEPTED)
    flow.act("city_check", cast.mhk_housing, passed=True, on=TODAY)
    # accepted 80 days ago: the 30-day deadline passed 50 days ago; no sweep has run
    Application.objects.filter(pk=flow.case.pk).update(payment_due_on=AGO[60] + timedelta(10))
    due = AGO[60] + timedelta(10)
    body = read(api, cast.mhk_finance, flow)
    assert body["payment_overdue"] is True and body["payments"] == []
    listed = api(cast.mhk_finance).get("/api/v1/applications", {"late": True}).json()
    assert [c["id"] for c in listed["items"]] == [flow.case.pk]
    flow.case.refresh_from_db()
    response = api(cast.mhk_finance).post(transitions(flow), {
        "action": "pay", "amount": "40000", "account": "yikatong", "voucher": "PZ-LATE",
        "paid_on": str(TODAY)})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["payment_overdue"] is False
    (payment,) = body["payments"]
    assert (payment["due_on"], payment["days_late"]) == (str(due), 50)
    (paid,) = [t for t in body["transitions"] if t["action"] == "pay"]
    assert paid["details"]["days_late"] == 50


def test_a_payment_on_time_has_no_days_late(cast, new_case):
    flow = new_case()
    flow.to(Status.PAID)
    payment = Payment.objects.get(application=flow.case)
    assert (payment.due_on, payment.days_late) == (flow.case.payment_due_on, 0)


def test_overdue_is_read_from_the_dates_not_from_the_sweeps_flag(api, cast, new_case):
    """R-MH-12: "overdue follows from the dates whenever it is read, not only after a daily
    sweep": the sweep only notifies."""
    flow = new_case()
    flow.to(Status.ACCEPTED)
    Application.objects.filter(pk=flow.case.pk).update(payment_due_on=AGO[5],
                                                       payment_overdue=False)
    assert read(api, cast.mhk_housing, flow)["payment_overdue"] is True
    page = sign_in(Client(), cast.shancheng).get(f"/assistance/cases/{flow.case.pk}/")
    assert '<span class="late">已逾期</span>' in page.content.decode()
    flag_late_cases()
    flow.case.refresh_from_db()
    assert flow.case.payment_overdue  # the sweep's flag, kept for the work lists' index
    Application.objects.filter(pk=flow.case.pk).update(payment_due_on=TODAY + timedelta(3))
    assert read(api, cast.mhk_housing, flow)["payment_overdue"] is False


# ---------------------------------------------------------------- R-MH-15 the year's windows


def test_a_case_late_against_the_years_windows_is_flagged_by_the_sweep_and_the_api(
        api, cast, new_case):
    """R-MH-15: "each year has an implementation window and an acceptance window; cases late
    against it are flagged" — after 30 September a case still building is late."""
    flow = new_case()
    flow.to(Status.NOTIFIED)
    year = flow.case.year
    Application.objects.filter(pk=flow.case.pk).update(window_late=False)
    flag_late_cases(date(year, 10, 1))
    flow.case.refresh_from_db()
    assert flow.case.window_late
    flag_late_cases(date(year, 9, 30))
    flow.case.refresh_from_db()
    assert not flow.case.window_late
    # read through the API on today's date: past the year's acceptance window (30 Oct)
    late = TODAY > date(year, 10, 30)
    assert read(api, cast.mhk_housing, flow)["window_late"] is late


def test_a_region_without_windows_has_no_case_late_against_them(api, cast, new_case):
    """R-MH-15: windows are the profile's; a region that sets none has no late flags."""
    region(implementation_window=None, acceptance_window=[])
    flow = new_case()
    flow.to(Status.NOTIFIED)
    flag_late_cases(date(flow.case.year, 12, 31))
    flow.case.refresh_from_db()
    assert not flow.case.window_late
    assert read(api, cast.mhk_housing, flow)["window_late"] is False


# ---------------------------------------------------------------- R-MH-12a the money's path


def test_the_township_files_finance_transfers_and_each_household_is_paid_from_its_batch(
        api, cast, new_case, nothing_written):
    """R-MH-12a 市级报账制: the township applies to the city's finance with its acceptance
    reports; finance transfers to the township's finance office, which pays the household;
    requested, transferred, paid and retained amounts reconcile."""
    repair, rebuild, unchecked = new_case(grade="C"), new_case(), new_case()
    for flow in (repair, rebuild, unchecked):
        flow.to(Status.COMPLETED)
    repair.act("accept", cast.shancheng, **{k: v for k, v in accept_body(
        repair, final_account=Decimal("8000")).items() if k != "action"}, on=TODAY)
    for flow in (rebuild, unchecked):
        flow.to(Status.ACCEPTED)
    for flow in (repair, rebuild):
        flow.act("city_check", cast.mhk_housing, passed=True, on=TODAY)

    url = "/api/v1/disbursements"
    with nothing_written(repair.case, rebuild.case, unchecked.case):
        wrong = api(cast.shancheng).post(url, {"division_code": "220581100", "application_ids": [
            repair.case.pk, unchecked.case.pk]})
    refused(wrong, 422, "disbursement_case_invalid", "application_ids", "R-MH-12a")
    assert "市危改办" in wrong.json()["error"]["message"]
    assert not DisbursementRequest.objects.exists()

    filed = api(cast.shancheng).post(url, {"division_code": "220581100", "application_ids": [
        repair.case.pk, rebuild.case.pk], "on": str(TODAY)})
    assert filed.status_code == 201, filed.json()
    batch = filed.json()
    assert (batch["status"], Decimal(batch["requested_amount"])) == ("requested", 48000)
    assert {i["application_id"]: Decimal(i["amount"]) for i in batch["items"]} == {
        repair.case.pk: 8000, rebuild.case.pk: 40000}
    assert all(i["report_attachment_id"] for i in batch["items"])
    again = api(cast.shancheng).post(url, {"division_code": "220581100",
                                           "application_ids": [repair.case.pk]})
    refused(again, 422, "disbursement_case_invalid", "application_ids", "R-MH-12a")

    # finance's queue holds the request; paying before the transfer is out of order
    queue = api(cast.mhk_finance).get(url, {"status": "requested"}).json()
    assert [r["id"] for r in queue["items"]] == [batch["id"]]
    pay = {"action": "pay", "account": "yikatong", "voucher": "XZ-1", "paid_on": str(TODAY)}
    refused(api(cast.mhk_finance).post(transitions(repair), {**pay, "amount": "8000"}), 409,
            "funds_not_transferred", "status", "R-MH-12a")
    one = f"{url}/{batch['id']}"
    refused(api(cast.mhk_finance).post(f"{one}/transfer", {"amount": "48000", "voucher": "Z"}),
            409, "transition_not_allowed", "status", "R-MH-12a")
    assert api(cast.shancheng).post(f"{one}/review", {"passed": True}).status_code == 403
    reviewed = api(cast.mhk_finance).post(f"{one}/review", {"passed": True, "on": str(TODAY)})
    assert reviewed.json()["status"] == "approved"
    refused(api(cast.mhk_finance).post(f"{one}/transfer", {"amount": "40000", "voucher": "Z"}),
            422, "disbursement_amount_mismatch", "amount", "R-MH-12a")
    moved = api(cast.mhk_finance).post(f"{one}/transfer", {"amount": "48000",
                                                           "voucher": "CZ-2026-88",
                                                           "on": str(TODAY)})
    assert (moved.json()["status"], moved.json()["transferred_on"]) == ("transferred",
                                                                        str(TODAY))

    for flow, amount in ((repair, "8000"), (rebuild, "40000")):
        response = api(cast.mhk_finance).post(transitions(flow), {**pay, "amount": amount})
        assert response.status_code == 200, response.json()
        assert response.json()["payments"][-1]["batch_id"] == batch["id"]
    done = api(cast.mhk_finance).get(one).json()
    assert done["status"] == "settled" and done["settled_on"] == str(TODAY)
    assert (Decimal(done["requested_amount"]), Decimal(done["transferred_amount"]),
            Decimal(done["paid"]), Decimal(done["retention"])) == (48000, 48000, 48000, 0)
    assert done["balanced"] is True
    assert [s["action"] for s in done["steps"]] == ["file", "review", "transfer", "settle"]
    assert all(s["on"] == str(TODAY) for s in done["steps"])


def test_finance_returns_a_request_and_its_cases_may_be_filed_again(api, cast, new_case):
    flow = new_case()
    flow.to(Status.ACCEPTED)
    flow.act("city_check", cast.mhk_housing, passed=True, on=TODAY)
    url = "/api/v1/disbursements"
    body = {"division_code": "220581100", "application_ids": [flow.case.pk]}
    first = api(cast.shancheng).post(url, body).json()
    no_reason = api(cast.mhk_finance).post(f"{url}/{first['id']}/review", {"passed": False})
    assert (no_reason.status_code, no_reason.json()["error"]["field"]) == (422, "comment")
    returned = api(cast.mhk_finance).post(f"{url}/{first['id']}/review", {
        "passed": False, "comment": "验收报告未盖章"}).json()
    assert returned["status"] == "returned"
    assert api(cast.shancheng).post(url, body).status_code == 201


def test_finance_sees_its_queue_and_reviews_and_transfers_through_the_pages(cast, new_case):
    """R-MH-12a: the township files its accepted, city-checked cases on the page; finance
    sees its queue of requests and reviews and transfers them there."""
    flow = new_case()
    flow.to(Status.ACCEPTED)
    township = sign_in(Client(), cast.shancheng)
    assert flow.case.number not in township.get("/assistance/funds/new/").content.decode()
    flow.act("city_check", cast.mhk_housing, passed=True, on=TODAY)
    offered = township.get("/assistance/funds/new/").content.decode()
    assert flow.case.number in offered and "待拨付 40,000.00 元" in offered
    filed = township.post("/assistance/funds/new/", {"application_ids": [flow.case.pk],
                                                      "on": str(TODAY)})
    assert filed.status_code == 302, filed.content.decode()[:3000]
    made = DisbursementRequest.objects.get()
    assert list(made.items.values_list("application_id", flat=True)) == [flow.case.pk]
    assert flow.case.number not in township.get("/assistance/funds/new/").content.decode()
    finance = sign_in(Client(), cast.mhk_finance)
    body = finance.get("/assistance/funds/").content.decode()
    assert made.number in body and "40,000.00" in body and "已申请" in body
    detail = finance.get(f"/assistance/funds/{made.pk}/").content.decode()
    assert flow.case.number in detail and "财政审核" in detail
    # the township files; it does not review
    assert township.get(f"/assistance/funds/{made.pk}/review/").status_code == 403
    response = finance.post(f"/assistance/funds/{made.pk}/review/", {
        "on": str(TODAY), "passed": "yes", "version": made.version})
    assert response.status_code == 302, response.content.decode()[:2000]
    form = finance.get(f"/assistance/funds/{made.pk}/transfer/").content.decode()
    assert 'value="40000.00"' in form
    made.refresh_from_db()
    wrong = finance.post(f"/assistance/funds/{made.pk}/transfer/", {
        "on": str(TODAY), "amount": "30000", "voucher": "CZ-1", "version": made.version})
    assert wrong.status_code == 422 and "与申请金额" in wrong.content.decode()
    finance.post(f"/assistance/funds/{made.pk}/transfer/", {
        "on": str(TODAY), "amount": "40000", "voucher": "CZ-1", "version": made.version})
    made.refresh_from_db()
    assert (made.status, made.transferred_on) == ("transferred", TODAY)
    assert "拨付乡镇财政所" in finance.get(f"/assistance/funds/{made.pk}/").content.decode()
