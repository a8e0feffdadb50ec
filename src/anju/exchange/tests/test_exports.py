"""Exports: the rows are the caller's scoped records, masked per role as in the web lists,
streamed, split by child division when large, and run as background jobs on request."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from anju.audit.models import AuditEvent
from anju.conftest import HONGMEI_V1, HUINAN_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.exchange import exporters
from anju.exchange.models import Job

pytestmark = pytest.mark.django_db


def sheets_of(data: bytes) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


@pytest.fixture
def county(make_household, make_house):
    """Two houses in 山城镇 (one per village), one in 红梅镇, one in another county."""
    made = {}
    for key, code in (("s1", SHANCHENG_V1), ("s2", SHANCHENG_V2), ("h1", HONGMEI_V1),
                      ("other", HUINAN_V1)):
        household = make_household(division_code=code, head_name=f"户主{key}",
                                    phone="13812345678")
        made[key] = make_house(division_code=code, household=household,
                               floor_area=Decimal("88.5"))
    return made


def test_the_house_export_holds_the_scoped_houses_masked_for_a_township(api, cast, county):
    data = body(api(cast.shancheng).get("/api/v1/exports/houses.xlsx"))
    rows = sheets_of(data)["房屋清单"]
    header, records = rows[0], rows[1:]
    assert header[:8] == ["房屋编号", "乡镇", "村", "区划代码", "地址", "户主", "户主身份证号",
                          "联系电话"]
    assert [int(r[0]) for r in records] == [county["s1"].pk, county["s2"].pk]
    head_id = county["s1"].household.head_id_number
    first = dict(zip(header, records[0], strict=True))
    assert first["户主身份证号"] == head_id[:6] + "********" + head_id[-4:]
    assert first["联系电话"] == "138****5678"
    assert (first["乡镇"], first["结构类型"], first["建筑面积"], first["用途"]) == (
        "山城镇", "砖石（非预制板）", 88.5, "自住")
    event = AuditEvent.objects.get(action="export")
    assert (event.details["export"], event.details["rows"], event.details["full_view"]) == (
        "houses", 2, False)


def test_a_county_department_that_may_see_numbers_in_full_exports_them_in_full(api, cast,
                                                                               county):
    rows = sheets_of(body(api(cast.mhk_housing).get("/api/v1/exports/houses.xlsx")))["房屋清单"]
    assert len(rows) == 1 + 3  # the county's three houses, not the other county's
    ids = {r[6] for r in rows[1:]}
    assert county["s1"].household.head_id_number in ids
    assert AuditEvent.objects.get(action="export").details["full_view"] is True


def test_the_house_export_lists_standing_houses(api, cast, county):
    """R-CJ-8a: a demolished house leaves the exported lists of houses."""
    from datetime import date

    gone = county["s2"]
    r = api(cast.shancheng).post(f"/api/v1/houses/{gone.pk}/demolition", {
        "version": gone.version, "demolished_on": str(date.today()), "note": "现场拆除"})
    assert r.status_code == 200, r.content
    rows = sheets_of(body(api(cast.shancheng).get("/api/v1/exports/houses.xlsx")))["房屋清单"]
    assert [int(r[0]) for r in rows[1:]] == [county["s1"].pk]


def test_the_csv_export_has_the_same_rows(api, cast, county):
    data = body(api(cast.shancheng).get("/api/v1/exports/houses.csv", {"division": SHANCHENG_V2}))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == str(county["s2"].pk)
    assert rows[1][7] == "138****5678"


def test_every_export_names_its_division_and_date(api, cast, county):
    """Which division a file covers, by name, and when: a workbook on its 说明 sheet (the
    columns stay as they are), a CSV in its file name."""
    from datetime import date
    from urllib.parse import unquote

    today = f"{date.today():%Y-%m-%d}"
    r = api(cast.shancheng).get("/api/v1/exports/houses.xlsx", {"division": SHANCHENG_V2})
    note = dict(map(tuple, sheets_of(body(r))["说明"][1:]))
    assert (note["导出内容"], note["区划"], note["区划代码"], note["导出日期"]) == (
        "房屋清单", "梅河口市山城镇演示二村", SHANCHENG_V2, today)
    r = api(cast.mhk_housing).get("/api/v1/exports/houses.csv")
    assert unquote(r["Content-Disposition"].split("''")[1]) == (
        f"houses-梅河口市-220581-{today.replace('-', '')}.csv")


def test_a_division_out_of_scope_is_not_found(api, cast, county):
    r = api(cast.shancheng).get("/api/v1/exports/houses.xlsx", {"division": "220581101"})
    assert r.status_code == 404
    r = api(cast.shancheng).post("/api/v1/exports/houses/jobs?division=220523")
    assert r.status_code == 404 and Job.objects.count() == 0


def test_a_large_export_has_one_sheet_per_child_division(api, cast, county, settings):
    settings.EXPORT_SPLIT_ROWS = 2
    sheets = sheets_of(body(api(cast.mhk_housing).get("/api/v1/exports/houses.xlsx")))
    assert list(sheets) == ["山城镇", "红梅镇", "说明"]
    assert [len(rows) - 1 for rows in sheets.values()][:2] == [2, 1]
    # a township's export splits into its villages
    settings.EXPORT_SPLIT_ROWS = 1
    sheets = sheets_of(body(api(cast.shancheng).get("/api/v1/exports/houses.xlsx")))
    assert [len(rows) - 1 for rows in sheets.values()][:2] == [1, 1]


def test_an_export_job_writes_a_file_that_only_its_owner_downloads(api, cast, county):
    client = api(cast.shancheng)
    r = client.post("/api/v1/exports/houses/jobs")
    assert r.status_code == 202
    job = client.get(f"/api/v1/jobs/{r.json()['job_id']}").json()
    assert (job["status"], job["kind"], job["progress"], job["total"]) == (
        "succeeded", "export_houses", 2, 2)
    assert job["result_url"] == f"/api/v1/jobs/{job['id']}/result"
    assert AuditEvent.objects.filter(action="export").count() == 0  # nothing left yet
    download = client.get(job["result_url"])
    assert download.status_code == 200
    rows = sheets_of(b"".join(download.streaming_content))["房屋清单"]
    assert [int(r[0]) for r in rows[1:]] == [county["s1"].pk, county["s2"].pk]
    assert AuditEvent.objects.get(action="export").details["job"] == job["id"]
    assert api(cast.hongmei).get(job["result_url"]).status_code == 404
    assert api(cast.mhk_housing).get(job["result_url"]).status_code == 404


def test_exported_files_are_deleted_some_days_after_the_job(api, cast, county, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    client = api(cast.shancheng)
    job_id = client.post("/api/v1/exports/houses/jobs").json()["job_id"]
    files = settings.MEDIA_ROOT / "exports"
    assert len(list(files.rglob("*.xlsx"))) == 1
    call_command("jobs_prune", days=7)
    assert len(list(files.rglob("*.xlsx"))) == 1  # finished today: kept
    Job.objects.update(finished_at=timezone.now() - timedelta(days=8))
    call_command("jobs_prune", days=7)
    assert list(files.rglob("*.xlsx")) == []
    assert client.get(f"/api/v1/jobs/{job_id}").json()["result_url"] is None


def test_the_ledger_and_the_findings_can_be_exported_in_the_background(api, cast, county):
    client = api(cast.mhk_housing)
    for kind, sheet, title in (("rectification-ledger", "整治台账", "台账编号"),
                               ("findings", "数据质量问题", "问题编号")):
        r = client.post(f"/api/v1/exports/{kind}/jobs?format=xlsx")
        job = client.get(f"/api/v1/jobs/{r.json()['job_id']}").json()
        assert job["status"] == "succeeded", job
        rows = sheets_of(b"".join(client.get(job["result_url"]).streaming_content))[sheet]
        assert rows[0][0] == title


def test_an_unknown_export_or_format_is_refused(api, cast):
    client = api(cast.mhk_housing)
    assert client.post("/api/v1/exports/passwords/jobs").status_code == 404
    r = client.post("/api/v1/exports/houses/jobs?format=pdf")
    assert r.status_code == 422 and r.json()["error"]["code"] == "format_invalid"


def test_the_house_export_takes_a_fixed_number_of_queries(cast, make_house, tmp_path):
    def queries(n_more):
        for _ in range(n_more):
            make_house()
        with CaptureQueriesContext(connection) as captured:
            total, data = exporters.stream(exporters.HOUSES, cast.mhk_housing, None,
                                           reveal=False)
            b"".join(data)
        return len(captured)

    assert queries(2) == queries(5)


def test_the_case_lists_are_offered_when_the_assistance_app_is_installed():
    from django.apps import apps

    if not apps.is_installed("anju.assistance"):
        pytest.skip("anju.assistance is not installed: no case lists to export")
    offered = exporters.exporters()
    assert {"applications", "payments"} <= set(offered)


@pytest.mark.parametrize("name", ["applications", "payments"])
def test_the_case_lists_export_their_header_and_the_scoped_rows(api, cast, name):
    from django.apps import apps

    if not apps.is_installed("anju.assistance"):
        pytest.skip("anju.assistance is not installed: no case lists to export")
    sheets = sheets_of(body(api(cast.mhk_civil).get(f"/api/v1/exports/{name}.xlsx")))
    exporter = exporters.exporters()[name]
    assert list(sheets.values())[0][0] == [c.title for c in exporter.columns]
