"""§6: a work summary is a document the county writes with its figures filled in (situation,
measures, look-back results, problems, next steps), submits on or before its due date, and the
prefecture sees as received or missing per county ("于2023年9月12日…报送排查整治工作总结")."""

import subprocess
from datetime import timedelta

from django.utils import timezone

from anju.supervision.models import WorkSummary

TODAY = timezone.localdate()
SECTIONS = {"situation": "全县排查农房一万余栋。", "measures": "落实管控和工程措施。",
            "lookback": "回头看覆盖全部已销号房屋。", "problems": "个别乡镇进度慢。",
            "next_steps": "10月31日前完成全部整治任务。"}


def write(api, user, due_on=TODAY, period="2026年", division="220581"):
    return api(user).post("/api/v1/summaries", {"division_code": division, "period": period,
                                                "due_on": str(due_on), "sections": SECTIONS})


def test_the_county_writes_a_draft_whose_figures_come_from_the_records(
        api, cast, make_house, on_ledger):
    make_house(grade="unrated")
    on_ledger("d")
    response = write(api, cast.mhk_housing)
    assert response.status_code == 201, response.json()
    summary = response.json()
    assert summary["status"] == "draft" and summary["sections"] == SECTIONS
    figures = summary["figures"]
    assert (figures["houses"], figures["grade_d"], figures["on_ledger"], figures["closed"],
            figures["red_alerts"]) == (2, 1, 1, 0, 1)

    on_ledger("c")
    edited = api(cast.mhk_housing).patch(f"/api/v1/summaries/{summary['id']}", {
        "sections": {**SECTIONS, "problems": "无"}})
    assert edited.status_code == 200
    assert edited.json()["sections"]["problems"] == "无"
    assert edited.json()["figures"]["grade_c"] == 1  # filled in afresh on each save


def test_submitted_on_or_before_its_due_date_the_prefecture_sees_it_received(
        api, cast, tonghua):
    summary = write(api, cast.mhk_housing, due_on=TODAY).json()
    response = api(cast.mhk_housing).post(f"/api/v1/summaries/{summary['id']}/submit", {})
    assert response.status_code == 200
    assert (response.json()["submitted_on"], response.json()["late"]) == (str(TODAY), False)
    seen = {r["division_code"]: r for r in api(tonghua).get(
        "/api/v1/summaries", {"division": "2205"}).json()}
    assert seen["220581"]["receipt"] == "received"
    assert seen["220581"]["submitted_on"] == str(TODAY)
    assert seen["220523"]["receipt"] == "missing"  # 辉南县 sent none


def test_a_summary_submitted_after_its_due_date_is_marked_late(api, cast, tonghua):
    summary = write(api, cast.mhk_housing, due_on=TODAY - timedelta(days=3)).json()
    submitted = api(cast.mhk_housing).post(f"/api/v1/summaries/{summary['id']}/submit", {})
    assert submitted.json()["late"] is True
    seen = {r["division_code"]: r for r in api(tonghua).get(
        "/api/v1/summaries", {"division": "2205"}).json()}
    assert seen["220581"]["receipt"] == "late"


def test_a_draft_is_not_received(api, cast, tonghua):
    write(api, cast.mhk_housing)
    seen = {r["division_code"]: r for r in api(tonghua).get(
        "/api/v1/summaries", {"division": "2205"}).json()}
    assert seen["220581"]["receipt"] == "missing"


def test_a_summary_submitted_twice_is_refused_and_nothing_written(api, cast, nothing_written):
    summary = write(api, cast.mhk_housing).json()
    api(cast.mhk_housing).post(f"/api/v1/summaries/{summary['id']}/submit", {})
    record = WorkSummary.objects.get(pk=summary["id"])
    with nothing_written(record):
        again = api(cast.mhk_housing).post(f"/api/v1/summaries/{summary['id']}/submit", {})
        edit = api(cast.mhk_housing).patch(f"/api/v1/summaries/{summary['id']}",
                                           {"sections": SECTIONS})
    assert again.status_code == 409 and edit.status_code == 409
    assert again.json()["error"]["code"] == "summary_already_submitted"


def test_a_summary_for_a_division_outside_the_scope_is_refused_and_nothing_written(
        api, cast, nothing_written):
    with nothing_written():
        response = write(api, cast.mhk_housing, division="220523")
    assert response.status_code == 404


def test_a_summary_is_written_for_a_county(api, cast, nothing_written):
    with nothing_written():
        response = write(api, cast.mhk_housing, division="220581100")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "division_not_county"


def test_a_second_summary_of_the_same_period_is_refused(api, cast):
    write(api, cast.mhk_housing)
    again = write(api, cast.mhk_housing)
    assert again.status_code == 409 and again.json()["error"]["code"] == "summary_exists"


def test_the_summary_is_rendered_as_a_pdf_with_its_sections_and_figures(api, cast, tmp_path):
    summary = write(api, cast.mhk_housing).json()
    response = api(cast.mhk_housing).get(f"/api/v1/summaries/{summary['id']}/summary.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "工作总结" in text and "回头看覆盖全部已销号房屋" in text and "危房住人" in text


def test_the_summaries_of_a_division_outside_the_scope_are_not_shown(api, cast):
    response = api(cast.changji).get("/api/v1/summaries", {"division": "2205"})
    assert response.status_code == 404
