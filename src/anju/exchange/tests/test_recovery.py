"""A failed all-or-nothing import is recovered: 只导入正确的行 imports the good rows of the same
file and gives the bad ones back as a spreadsheet with a column of what is wrong; failed jobs
look failed; each export says which division it covers."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from anju.conftest import sign_in
from anju.divisions.models import Division
from anju.exchange.models import Job
from anju.exchange.tests.conftest import HOUSEHOLD_HEADER, household_row, xlsx
from anju.registry.models import Household


def failed_import(clerk) -> Job:
    content = xlsx(HOUSEHOLD_HEADER, [household_row(name="王大山", phone="13900000001"),
                                      household_row(name="", phone="13900000002"),
                                      household_row(name="李小河", phone="13900000003")])
    r = clerk.post("/exchange/import/", {"resource": "households", "step": "import",
                                         "mode": "all",
                                         "file": SimpleUploadedFile("三户.xlsx", content)})
    assert r.status_code == 302, r.content.decode()[:500]
    return Job.objects.get()


def test_a_refused_import_offers_its_good_rows_and_imports_them_from_the_same_file(cast):
    clerk = sign_in(Client(), cast.shancheng)
    job = failed_import(clerk)
    assert job.status == "failed" and Household.objects.count() == 0
    detail = clerk.get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert "job-state-failed" in detail and "未写入任何数据" in detail
    assert "只导入正确的行" in detail

    r = clerk.post(f"/exchange/jobs/{job.pk}/run", {"mode": "good_rows"})
    assert r.status_code == 302
    recovered = Job.objects.exclude(pk=job.pk).get()
    page = clerk.get(r["Location"]).content.decode()
    assert "已导入 2 行，1 行有误未导入" in page
    assert sorted(Household.objects.values_list("head_name", flat=True)) == ["李小河", "王大山"]

    assert "下载有误的行" in page
    download = clerk.get(f"/api/v1/jobs/{recovered.pk}/result")
    assert download.status_code == 200
    assert "有误的行" in download["Content-Disposition"] or "filename*" in \
        download["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(download.streaming_content))).get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["division_code", "head_name"] and rows[0][-1] == "错误说明"
    assert len(rows) == 2 and rows[1][3] == "13900000002"
    assert "户主姓名" in rows[1][-1]


def test_the_api_says_a_job_failed_and_can_be_recovered(api, cast):
    clerk = sign_in(Client(), cast.shancheng)
    job = failed_import(clerk)
    body = api(cast.shancheng).get(f"/api/v1/jobs/{job.pk}").json()
    assert (body["status"], body["recoverable"]) == ("failed", True)
    assert "未写入任何数据" in body["message"]


def test_the_job_list_shows_a_failed_job_in_red_with_its_reason(cast):
    clerk = sign_in(Client(), cast.shancheng)
    failed_import(clerk)
    html = clerk.get("/exchange/jobs/").content.decode()
    assert 'class="job-failed"' in html and "job-state-failed" in html
    assert "未写入任何数据" in html


def test_an_export_names_the_division_it_covers(api, cast):
    clerk = api(cast.shancheng)
    r = clerk.post("/api/v1/exports/houses/jobs")
    assert r.status_code in (200, 201, 202), r.content
    job = Job.objects.get()
    name = Division.objects.get(code="220581100").name
    assert name in job.result_file.name and "220581100" in job.result_file.name
    assert clerk.get(f"/api/v1/jobs/{job.pk}").json()["division"] == {
        "code": "220581100", "name": name}
    html = sign_in(Client(), cast.shancheng).get("/exchange/jobs/").content.decode()
    assert f"（{name}）" in html
