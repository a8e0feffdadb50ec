"""The pages of supervision: the county draws and follows its plan, opens a look-back, the
township records a revisit, the county writes and submits its summary."""

import io
from datetime import timedelta
from urllib.parse import unquote

from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from anju.appraisal.models import Inspection
from anju.assistance.tests.conftest import certify
from anju.conftest import sign_in
from anju.rectification.models import LedgerEntry
from anju.supervision.models import Campaign, PlanRow, WorkSummary

TODAY = timezone.localdate()


def test_the_county_draws_its_plan_and_a_row_links_to_the_application_form(
        cast, make_household, make_house):
    household = make_household()
    house = make_house(household=household, grade="D")
    certify(household, cast.mhk_civil, "dibao", TODAY - timedelta(days=10))
    page = sign_in(Client(), cast.mhk_housing)
    response = page.post("/supervision/plan/draw", {"programme": "renovation",
                                                    "division": "220581", "year": TODAY.year})
    assert response.status_code == 302
    shown = page.get(f"/supervision/plan/?year={TODAY.year}").content.decode()
    assert house.address in shown and "已列入计划" in shown
    assert f"/assistance/households/{household.pk}/apply/?house={house.pk}" in shown
    row = PlanRow.objects.get()
    page.post(f"/supervision/plan/rows/{row.pk}/remove", {"reason": "已迁出"})
    row.refresh_from_db()
    assert row.removal_reason == "已迁出"
    plan = page.get(f"/supervision/plan.xlsx?year={TODAY.year}")
    assert plan.status_code == 200
    assert unquote(plan["Content-Disposition"].split("''")[1]) == (
        f"年度建设计划-梅河口市-220581-{TODAY.year}.xlsx")
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(plan.streaming_content)))
    note = dict(map(tuple, book.get_sheet_by_name("说明").to_python()[1:]))
    assert (note["区划"], note["年度"]) == ("梅河口市", f"{TODAY.year} 年")


def test_a_township_records_a_revisit_from_the_campaign_page(cast, on_ledger):
    house, entry = on_ledger("c")
    LedgerEntry.objects.filter(pk=entry).update(status="closed")
    county = sign_in(Client(), cast.mhk_housing)
    response = county.post("/supervision/lookbacks/", {
        "division": "220581", "title": "回头看", "deadline": TODAY + timedelta(days=20)})
    assert response.status_code == 302, response.content.decode()
    campaign = Campaign.objects.get()
    township = sign_in(Client(), cast.shancheng)
    page = township.get(f"/supervision/lookbacks/{campaign.pk}/").content.decode()
    assert house.address in page and "0 / 1" in page
    response = township.post(f"/supervision/lookbacks/{campaign.pk}/houses/{house.pk}/revisit",
                             {"inspected_on": TODAY, "findings": "整治后房屋完好"})
    assert response.status_code == 302, response.content.decode()
    assert Inspection.objects.filter(house=house, level="lookback").exists()
    assert "1 / 1" in township.get(f"/supervision/lookbacks/{campaign.pk}/").content.decode()


def test_the_county_writes_saves_and_submits_its_summary(cast):
    page = sign_in(Client(), cast.mhk_housing)
    response = page.post("/supervision/summaries/", {
        "division_code": "220581", "period": "2026年", "due_on": TODAY,
        "situation": "全面排查", "lookback": "已完成回头看"})
    assert response.status_code == 302, response.content.decode()
    summary = WorkSummary.objects.get()
    assert summary.sections["lookback"] == "已完成回头看"
    page.post(f"/supervision/summaries/{summary.pk}/", {
        "version": summary.version, "period": "2026年", "due_on": TODAY,
        "situation": "全面排查", "lookback": "已完成回头看", "problems": "进度不均"})
    summary.refresh_from_db()
    assert summary.sections["problems"] == "进度不均"
    page.post(f"/supervision/summaries/{summary.pk}/submit", {"version": summary.version})
    summary.refresh_from_db()
    assert (summary.status, summary.submitted_on, summary.late) == ("submitted", TODAY, False)
    listing = page.get("/supervision/summaries/").content.decode()
    assert "已按时报送" in listing


def test_the_county_dashboard_counts_the_look_backs_coverage_and_findings(cast, on_ledger):
    house, entry = on_ledger("c")
    LedgerEntry.objects.filter(pk=entry).update(status="controlled")
    county = sign_in(Client(), cast.mhk_housing)
    county.post("/supervision/lookbacks/", {"division": "220581", "title": "回头看",
                                            "deadline": TODAY + timedelta(days=20)})
    campaign = Campaign.objects.get()
    sign_in(Client(), cast.shancheng).post(
        f"/supervision/lookbacks/{campaign.pk}/houses/{house.pk}/revisit",
        {"inspected_on": TODAY, "findings": "墙体新裂缝", "major_hazard": "on"})
    page = county.get("/reports/220581/").content.decode()
    section = page[page.index('id="lookback"'):]
    assert "已回访 <strong>1</strong> / 列入 1 栋" in section
    assert "发现隐患 <strong>1</strong>" in section
