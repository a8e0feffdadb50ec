"""The downloadable templates fill in and import as they are; the clerk's pages: import with a
check first, the job list with progress bars refreshed while a job runs, the reports."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from python_calamine import CalamineWorkbook

from anju.conftest import SHANCHENG_V1, sign_in, valid_id_number
from anju.exchange.models import Job
from anju.exchange.tests.conftest import HOUSEHOLD_HEADER, household_row, upload, xlsx
from anju.registry.models import House, Household

pytestmark = pytest.mark.django_db


def sheets_of(data: bytes) -> dict[str, list[list]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {name: workbook.get_sheet_by_name(name).to_python() for name in workbook.sheet_names}


def template(client, resource: str) -> dict[str, list[list]]:
    r = client.get(f"/api/v1/imports/{resource}/template.xlsx")
    assert r.status_code == 200
    return sheets_of(b"".join(r.streaming_content))


def test_the_household_template_filled_in_imports(api, cast):
    client = api(cast.shancheng)
    sheets = template(client, "households")
    assert list(sheets) == ["农户", "代码表", "填写说明"]
    header = sheets["农户"][0]
    assert header[:3] == ["*所在村区划代码（division_code）", "*户主姓名（head_name）",
                          "*户主身份证号（head_id_number）"]
    assert ["家庭成员：关系", "members", "spouse", "配偶"] in sheets["代码表"]
    head, child = valid_id_number("19700101"), valid_id_number("20000101")
    filled = {"division_code": SHANCHENG_V1, "head_name": "吴建国", "head_id_number": head,
              "phone": "13712345678", "persons": 2, "members": f"吴小军,{child},子女",
              "bank_account": "", "bank_name": ""}
    names = [h.split("（")[1].rstrip("）") for h in header]
    r = upload(client, "households", xlsx(header, [[filled[n] for n in names]]))
    job = client.get(f"/api/v1/jobs/{r.json()['job_id']}").json()
    assert job["status"] == "succeeded", job
    household = Household.objects.get()
    assert [(m.name, m.relation) for m in household.members.all()] == [("吴小军", "child")]


def test_the_house_template_filled_in_with_labels_from_its_code_sheet_imports(
        api, cast, make_household):
    household = make_household()
    client = api(cast.shancheng)
    sheets = template(client, "houses")
    labels = {(row[1], row[3]): row[2] for row in sheets["代码表"][1:]}
    assert labels[("structure", "土木")] == "earth_wood"
    header = sheets["房屋"][0]
    values = {"division_code": SHANCHENG_V1, "head_id_number": household.head_id_number,
              "address": "三组 8 号", "structure": "土木", "floors": 1, "floor_area": 72,
              "use": "自住", "occupancy": "有人居住", "is_only_house": "是",
              "color_steel": "否"}
    names = [h.split("（")[1].rstrip("）") for h in header]
    r = upload(client, "houses", xlsx(header, [[values.get(n, "") for n in names]]))
    job = client.get(f"/api/v1/jobs/{r.json()['job_id']}").json()
    assert job["status"] == "succeeded", job
    house = House.objects.get()
    assert (house.household, house.structure, house.is_only_house, house.color_steel) == (
        household, "earth_wood", True, False)


def page(user) -> Client:
    return sign_in(Client(), user)


def test_the_clerk_checks_a_file_first_then_imports_the_good_rows(cast):
    clerk = page(cast.shancheng)
    form = clerk.get("/exchange/import/").content.decode()
    assert "只检查，不写入" in form and "/api/v1/imports/households/template.xlsx" in form
    content = xlsx(HOUSEHOLD_HEADER, [household_row(phone="13900000001"),
                                      household_row(name="", phone="13900000002")])
    r = clerk.post("/exchange/import/", {"resource": "households", "step": "check",
                                         "file": SimpleUploadedFile("农户.xlsx", content)})
    assert r.status_code == 302
    report = clerk.get(r["Location"]).content.decode()
    assert "户主姓名不能为空" in report and "只检查，不写入" in report
    # the clerk reads the column's title and a plain message; codes stay in the tooltip
    assert '<td data-label="列" title="head_name">户主姓名</td>' in report
    assert ">head_name<" not in report and ">R-CJ-3<" not in report
    assert "正式导入这个文件" in report
    assert Household.objects.count() == 0
    checked = Job.objects.get()
    r = clerk.post(f"/exchange/jobs/{checked.pk}/run", {"mode": "good_rows"})
    assert r.status_code == 302
    assert "已导入 1 行，1 行有误未导入" in clerk.get(r["Location"]).content.decode()
    assert Household.objects.count() == 1


def test_the_import_page_refuses_a_file_that_is_not_a_spreadsheet(cast):
    r = page(cast.shancheng).post("/exchange/import/", {
        "resource": "households", "file": SimpleUploadedFile("a.xlsx", b"\x89PNG\r\n\x1a\n")})
    assert r.status_code == 422
    assert "只接受 Excel（xlsx、xls）或 CSV 文件" in r.content.decode()
    assert Job.objects.count() == 0


def test_the_job_list_refreshes_its_progress_bars_only_while_a_job_runs(cast):
    clerk = page(cast.shancheng)
    job = Job.objects.create(owner=cast.shancheng, kind="export_houses", status="running",
                             progress=300, total=1200)
    body = clerk.get("/exchange/jobs/").content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert '<progress value="25" max="100"' in body
    Job.objects.filter(pk=job.pk).update(status="succeeded", progress=1200)
    rows = clerk.get("/exchange/jobs/rows").content.decode()
    assert 'hx-trigger' not in rows and "已完成" in rows
    assert job.pk not in [j.pk for j in Job.objects.filter(owner=cast.hongmei)]
    assert f'data-job="{job.pk}"' not in page(cast.hongmei).get("/exchange/jobs/").content.decode()


def test_an_export_started_from_the_job_list_can_be_downloaded_there(cast, make_house):
    make_house()
    officer = page(cast.mhk_housing)
    r = officer.post("/exchange/export/", {"kind": "houses", "division": "", "format": "csv"})
    assert r.status_code == 302
    body = officer.get("/exchange/jobs/").content.decode()
    job = Job.objects.get()
    assert f"/api/v1/jobs/{job.pk}/result" in body and "导出房屋清单" in body
    download = officer.get(f"/api/v1/jobs/{job.pk}/result")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).decode("utf-8-sig").count("\n") == 2


def test_the_household_list_and_the_menu_lead_to_the_exchange_pages(cast):
    body = page(cast.shancheng).get("/registry/households/").content.decode()
    assert 'href="/exchange/import/"' in body and 'href="/exchange/jobs/"' in body
    viewer = page(cast.appraiser1).get("/registry/households/").content.decode()
    assert 'href="/exchange/import/"' not in viewer


def test_checking_the_import_form_starts_no_job_until_it_is_saved(cast, nothing_written):
    from anju.exchange.forms import ImportForm
    from anju.kit.origin import Origin

    content = xlsx(HOUSEHOLD_HEADER, [household_row(phone="13900000001")])
    form = ImportForm({"resource": "households", "step": "check"},
                      {"file": SimpleUploadedFile("农户.xlsx", content)},
                      user=cast.shancheng, origin=Origin("page", "10.0.0.7"))
    with nothing_written():
        assert form.is_valid()
    assert form.save()
    job = Job.objects.get()
    assert (job.pk, job.kind, job.params["dry_run"]) == (form.saved.pk, "import_households", True)
    assert job.params["origin"]["address"] == "10.0.0.7"  # for the audit row of its run


def test_the_import_page_asks_for_a_file(cast):
    r = page(cast.shancheng).post("/exchange/import/", {"resource": "houses", "step": "check"})
    assert r.status_code == 422
    assert "请选择要导入的文件" in r.content.decode()
    assert Job.objects.count() == 0
