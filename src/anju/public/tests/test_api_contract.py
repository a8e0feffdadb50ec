"""api.md "Warning signs and public reports" and "A household's own status", as other systems
call them: GET /api/v1/rectifications/{id}/sign.pdf, the public page at /s/{token},
POST /api/v1/public/signs/{token}/reports and POST /api/v1/public/status. The villager's calls
go through the `villager` client, so no answer may hold anything personal."""

import subprocess

import zxingcpp
from django.utils import timezone
from PIL import Image

from anju.audit.models import Action as AuditAction
from anju.audit.models import AuditEvent
from anju.conftest import SHANCHENG_V1
from anju.public import rules
from anju.public.actions import revoke_sign
from anju.public.models import PublicRequest, SignToken, VillagerReport
from anju.rectification.models import LedgerEntry

JSON = "application/json"


def report(client, token, **body):
    return client.post(f"/api/v1/public/signs/{token}/reports", {"kind": "occupied", **body},
                       content_type=JSON)


def status(phone, name, six, village=SHANCHENG_V1):
    return phone.post("/api/v1/public/status", {"village_code": village, "head_name": name,
                                                "id_last6": six}, content_type=JSON)


# ---------------------------------------------------------------- GET .../sign.pdf


def test_the_sign_pdf_of_an_entry_carries_the_qr_code_of_its_live_token(
        on_ledger, api, cast, tmp_path):
    _, entry_id = on_ledger("c")
    response = api(cast.shancheng).get(f"/api/v1/rectifications/{entry_id}/sign.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "sign.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "危险房屋 禁止居住使用" in text
    assert LedgerEntry.objects.get(pk=entry_id).number in text
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    [page] = sorted(tmp_path.glob("page-*.png"))
    [code] = zxingcpp.read_barcodes(Image.open(page))
    sign = SignToken.objects.get(entry_id=entry_id)
    assert code.text == f"http://testserver/s/{sign.token}"  # api.md: the QR opens /s/{token}
    # printed again: the same token (the posted sign keeps working), counted and audited
    assert api(cast.shancheng).get(f"/api/v1/rectifications/{entry_id}/sign.pdf") \
        .status_code == 200
    sign.refresh_from_db()
    assert sign.printed_count == 2 and SignToken.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT,
                                     details__export="warning-sign").count() == 2


def test_the_sign_pdf_is_404_outside_the_scope_and_needs_a_login(on_ledger, api, cast):
    _, entry_id = on_ledger("c", division_code="220581101001")  # 红梅镇
    refused = api(cast.shancheng).get(f"/api/v1/rectifications/{entry_id}/sign.pdf")
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "not_found"
    assert api().get(f"/api/v1/rectifications/{entry_id}/sign.pdf").status_code == 401
    assert SignToken.objects.count() == 0


# ---------------------------------------------------------------- /s/{token}


def test_the_short_address_opens_the_signs_public_page_without_a_login(signed, villager):
    entry_id, token = signed()
    response = villager().get(f"/s/{token}")
    assert response.status_code == 200
    assert "危险房屋 禁止居住使用" in response.content.decode()
    assert LedgerEntry.objects.get(pk=entry_id).number in response.content.decode()
    assert villager().get(f"/s/{token}x").status_code == 404
    assert PublicRequest.objects.filter(kind="sign_page").count() == 2


# ---------------------------------------------------------------- POST .../reports


def test_a_report_is_accepted_with_202_and_its_id_and_lands_in_the_townships_queue(
        signed, villager, api, cast):
    entry_id, token = signed()
    response = report(villager(), token, kind="in_use", text="白天有人开店", phone="13700001234")
    assert response.status_code == 202
    lead = VillagerReport.objects.get()
    assert response.json() == {"id": lead.pk, "due_on": str(lead.due_on)}
    assert (lead.entry_id, lead.kind, lead.text) == (entry_id, "occupied", "白天有人开店")
    assert PublicRequest.objects.filter(kind="report", result="ok").count() == 1
    queue = api(cast.shancheng).get("/api/v1/villager-reports").json()
    assert [i["id"] for i in queue["items"]] == [lead.pk]


def test_each_contract_kind_files_a_lead(signed, villager):
    _, token = signed()
    for i, kind in enumerate(["occupied", "in_use", "damaged"]):
        assert report(villager(f"192.0.2.{i}"), token, kind=kind).status_code == 202
    assert list(VillagerReport.objects.order_by("id").values_list("kind", flat=True)) == [
        "occupied", "occupied", "sign_damaged"]


def test_an_unknown_or_revoked_token_answers_404_and_files_nothing(signed, villager, cast):
    entry_id, token = signed()
    revoke_sign(LedgerEntry.objects.get(pk=entry_id), acting_user=cast.shancheng)
    phone = villager()
    answers = [report(phone, t) for t in (token, "x" * 43, "1")]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert {a.json()["error"]["code"] for a in answers} == {"not_found"}
    assert VillagerReport.objects.count() == 0
    assert PublicRequest.objects.filter(result="not_found").count() == 3


def test_bad_input_is_422_in_the_error_shape_and_files_nothing(signed, villager):
    _, token = signed()
    phone = villager()
    wrong_kind = report(phone, token, kind="fire")
    assert wrong_kind.status_code == 422
    assert wrong_kind.json()["error"]["field"] == "kind"
    assert wrong_kind.json()["error"]["rule"] == "R-CJ-7"
    too_long = report(phone, token, text="字" * (rules.TEXT_MAX + 1))
    assert too_long.status_code == 422
    assert too_long.json()["error"]["code"] == "text_too_long"
    bad_phone = report(phone, token, phone="call me")
    assert (bad_phone.status_code, bad_phone.json()["error"]["field"]) == (422, "phone")
    missing = phone.post(f"/api/v1/public/signs/{token}/reports", {}, content_type=JSON)
    assert (missing.status_code, missing.json()["error"]["field"]) == (422, "kind")
    assert VillagerReport.objects.count() == 0
    assert PublicRequest.objects.filter(kind="report", result="invalid").count() == 3


def test_reports_from_one_address_stop_with_429_at_the_pages_limit(signed, villager):
    _, token = signed()
    phone = villager("192.0.2.55")
    limit = rules.REPORTS_PER_CLIENT.count
    codes = [report(phone, token).status_code for _ in range(limit)]
    refused = report(phone, token)
    assert codes == [202] * limit
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert "1 小时后再试" in refused.json()["error"]["message"]
    assert VillagerReport.objects.count() == limit
    # the page counts the API's reports too: one limit, whichever door
    page = villager("192.0.2.55").post(f"/public/h/{token}/", {"kind": "occupied"})
    assert page.status_code == 429


def test_a_report_needs_no_login_and_no_csrf_token(signed):
    from django.test import Client

    _, token = signed()
    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.80")
    assert report(strict, token).status_code == 202


# ---------------------------------------------------------------- POST /public/status


def test_a_household_sees_its_stage_subsidy_and_payment(new_case, villager):
    case = new_case()
    case.household.head_name = "孙桂芳"
    case.household.save()
    case.to("paid")
    response = status(villager(), "孙桂芳", case.household.head_id_number[-6:])
    assert response.status_code == 200
    assert response.json() == {"stage": "paid", "stage_name": "已拨付",
                               "subsidy_amount": "40000.00", "paid_amount": "40000.00",
                               "paid_on": str(timezone.localdate())}


def test_a_case_not_yet_approved_shows_no_subsidy(new_case, villager):
    case = new_case()
    body = status(villager(), case.household.head_name,
                  case.household.head_id_number[-6:]).json()
    assert (body["stage"], body["subsidy_amount"], body["paid_on"]) == ("applied", None, None)


def test_anything_that_does_not_match_is_404_in_the_same_shape_as_a_match(new_case, villager):
    case = new_case()
    name, six = case.household.head_name, case.household.head_id_number[-6:]
    wrong = "000000" if six != "000000" else "111111"
    hit = status(villager("192.0.2.1"), name, six)
    misses = [status(villager(f"192.0.2.{i + 2}"), *args) for i, args in enumerate([
        (name + "甲", six), (name, wrong), (name, six, "220581100002"), ("无此人", "123456")])]
    assert hit.status_code == 200
    assert [m.status_code for m in misses] == [404] * 4
    assert {m.content for m in misses} == {misses[0].content}
    assert set(misses[0].json()) == set(hit.json())
    assert set(misses[0].json().values()) == {None}
    assert PublicRequest.objects.filter(kind="status", result="miss").count() == 4


def test_repeated_misses_lock_the_address_out_with_429(new_case, villager):
    case = new_case()
    phone = villager("192.0.2.77")
    limit = rules.MISSES_PER_CLIENT.count
    codes = [status(phone, f"某{i}", "000000").status_code for i in range(limit)]
    locked = status(phone, case.household.head_name, case.household.head_id_number[-6:])
    assert codes == [404] * limit
    assert locked.status_code == 429
    assert "查询信息不符的次数过多" in locked.json()["error"]["message"]


def test_misses_against_one_household_lock_it_whatever_the_address(new_case, villager):
    case = new_case()
    name = case.household.head_name
    limit = rules.MISSES_PER_HOUSEHOLD.count
    codes = [status(villager(f"198.51.100.{i}"), name, "000000").status_code
             for i in range(limit)]
    locked = status(villager("198.51.100.200"), name, case.household.head_id_number[-6:])
    assert codes == [404] * limit
    assert locked.status_code == 429


def test_a_malformed_look_up_is_refused_in_the_error_shape(villager):
    response = villager().post("/api/v1/public/status", {"head_name": "某"}, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["error"]["field"] in ("village_code", "id_last6")
