"""R-MH-9: "做好现场记录" — a flagged capture shows where the work is: on the ledger's row and
entry page, and on the housing-security case beside its step, with the flag's detail and,
once accepted, who accepted it and why."""

from anju.evidence import actions
from anju.evidence.commands import AcceptCapture
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import days_ago


def test_a_flagged_capture_shows_on_the_ledger_row_and_entry_page_until_accepted(
        browser, cast, on_ledger, capture):
    """R-MH-9"""
    house, entry_id = on_ledger("c", lat="42.530000", lng="125.670000")
    made = capture(house, act="rectification_acceptance", accuracy_m=250.0)
    page = browser(cast.shancheng)

    listed = page.get("/rectification/").content.decode()
    assert f'data-capture="{made.pk}"' in listed
    assert "整治验收取证·有疑点待审核" in listed
    shown = page.get(f"/rectification/{entry_id}/").content.decode()
    assert "定位精度约 250 米，超过 50 米" in shown

    actions.accept_capture(made, AcceptCapture(reason="雨天信号差，镇村干部同行见证"),
                           acting_user=cast.shancheng)
    shown = page.get(f"/rectification/{entry_id}/").content.decode()
    assert "整治验收取证·疑点已认可" in shown
    who = cast.shancheng.get_full_name() or cast.shancheng.username
    assert f"{who} " in shown and "认可：雨天信号差，镇村干部同行见证" in shown


def test_the_ledger_acceptance_shows_the_accepted_capture_it_rests_on(api, browser, cast,
                                                                      on_ledger, capture):
    """R-CJ-8"""
    house, entry_id = on_ledger("c", lat="42.530000", lng="125.670000")
    clerk = api(cast.shancheng)
    clerk.post(f"/api/v1/rectifications/{entry_id}/measures",
               {"kind": "repair_reinforce", "started_on": days_ago(6),
                "completed_on": days_ago(5)})
    made = capture(house, act="rectification_acceptance", accuracy_m=120.0)
    actions.accept_capture(made, AcceptCapture(reason="山区信号弱"), acting_user=cast.shancheng)
    r = clerk.post(f"/api/v1/rectifications/{entry_id}/acceptance", {
        "accepted_on": days_ago(4), "passed": True, "inspectors": ["张工"],
        "evidence_id": made.pk})
    assert r.status_code == 201, r.json()
    shown = browser(cast.shancheng).get(f"/rectification/{entry_id}/").content.decode()
    rows = shown.split('id="entry-acceptances"')[1].split("</tbody>")[0]
    assert "疑点已认可" in rows and "山区信号弱" in rows
    assert LedgerEntry.objects.get(pk=entry_id).status == "accepted"


def test_the_case_page_shows_a_flagged_capture_beside_its_steps(browser, cast, make_household,
                                                                make_house, capture):
    """R-MH-10"""
    from anju.assistance.tests.conftest import Case

    case = Case(cast, make_household, make_house, lat="42.530000", lng="125.670000")
    case.to("completed")
    made = capture(case.house, act="acceptance", accuracy_m=90.0)
    shown = browser(cast.shancheng).get(f"/assistance/cases/{case.case.pk}/").content.decode()
    evidence = shown.split('id="case-evidence"')[1].split("</ul>")[0]
    assert "竣工验收取证·有疑点待审核" in evidence
    assert "定位精度约 90 米" in evidence
    assert f"/evidence/{made.pk}/" in evidence
