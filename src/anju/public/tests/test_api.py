"""GET /api/v1/villager-reports (api.md "Warning signs and public reports"): the township's
queue of 村民监督线索 for integrators, scoped by division, paged, without the reporter's phone
or text."""

from django.utils import timezone

from anju.public.models import VillagerReport
from anju.rectification.models import LedgerEntry

URL = "/api/v1/villager-reports"


def test_the_township_lists_its_leads_with_deadline_and_status(signed, villager, api, cast):
    entry_id, token = signed()
    villager().post(f"/public/h/{token}/", {"kind": "occupied", "phone": "13700001234",
                                            "text": "晚上有灯"})
    lead = VillagerReport.objects.get()
    body = api(cast.shancheng).get(URL).json()
    assert body["total"] == 1 and (body["page"], body["page_size"]) == (1, 50)
    [item] = body["items"]
    entry = LedgerEntry.objects.get(pk=entry_id)
    assert item == {
        "id": lead.pk, "number": lead.number, "entry_id": entry_id, "house_id": entry.house_id,
        "division_code": entry.division_code, "kind": "occupied",
        "received_on": str(timezone.localdate()), "due_on": str(lead.due_on),
        "status": "open", "overdue": False, "closed_on": None, "control_check_id": None,
        "inspection_id": None}
    assert "13700001234" not in str(body) and "晚上有灯" not in str(body)


def test_a_damaged_sign_is_listed_in_the_words_a_report_is_filed_in(signed, villager, api,
                                                                    cast):
    _, token = signed()
    assert villager().post(f"/api/v1/public/signs/{token}/reports", {"kind": "damaged"},
                           content_type="application/json").status_code == 202
    [item] = api(cast.shancheng).get(URL).json()["items"]
    assert item["kind"] == "damaged"


def test_filters_overdue_status_and_division_inside_the_scope(one_late, api, cast):
    late = one_late
    clerk = api(cast.shancheng)
    overdue = clerk.get(URL, {"overdue": "true"}).json()
    assert [(i["id"], i["overdue"]) for i in overdue["items"]] == [(late.pk, True)]
    assert clerk.get(URL, {"status": "closed"}).json()["total"] == 0
    assert clerk.get(URL, {"division": late.division_code}).json()["total"] >= 1
    refused = clerk.get(URL, {"status": "done"})
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "status"
    # another township's clerk: none of them; a division outside the scope: 404
    hongmei = api(cast.hongmei)
    assert hongmei.get(URL).json()["total"] == 0
    assert hongmei.get(URL, {"division": late.division_code}).status_code == 404
