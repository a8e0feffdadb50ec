"""A job's file and error report follow their owner's current rights, not the rights the owner
had when the job ran: an account moved to another county, or to a role that may not read
what the job read (full ID numbers included), no longer downloads it, on the pages or in the
API; the refusal is audited."""

import pytest
from django.test import Client

from anju.accounts.actions import change_user
from anju.accounts.commands import UpdateUser
from anju.audit.models import AuditEvent
from anju.conftest import HONGMEI, HUINAN_V1, SHANCHENG_V1, sign_in
from anju.exchange.models import Job, JobError

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_export(api, cast, make_household, make_house):
    """A county officer who may see full numbers exports the county's houses in the
    background; (job id, the head's full ID number)."""
    household = make_household(division_code=SHANCHENG_V1)
    make_house(household=household)
    client = api(cast.mhk_civil)
    job_id = client.post("/api/v1/exports/houses/jobs?format=csv").json()["job_id"]
    download = client.get(f"/api/v1/jobs/{job_id}/result")
    assert download.status_code == 200
    assert household.head_id_number in b"".join(download.streaming_content).decode("utf-8-sig")
    return job_id, household.head_id_number


def refused(response, job_id: int, user) -> None:
    assert response.status_code == 403, response.content
    if response["Content-Type"].startswith("application/json"):
        assert response.json()["error"]["code"] == "job_rights_changed"
    event = AuditEvent.objects.filter(action="access_denied").latest("id")
    assert (event.actor, event.result, event.object_type, event.object_id) == (
        user, "refused", "exchange.job", str(job_id))


def test_an_officer_moved_to_a_village_of_another_county_cannot_download_the_old_export(
        api, cast, full_export):
    job_id, head_id = full_export
    officer = cast.mhk_civil
    change_user(officer, UpdateUser(role="village_cadre", scope=HUINAN_V1, department=""),
                acting_user=cast.admin)
    officer.refresh_from_db()

    client = api(officer)  # logged in again: a new token
    refused(client.get(f"/api/v1/jobs/{job_id}/result"), job_id, officer)
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert (job["status"], job["result_url"]) == ("succeeded", None)
    listed = client.get("/api/v1/jobs").json()["items"]
    assert [(j["id"], j["result_url"]) for j in listed] == [(job_id, None)]

    page = sign_in(Client(), officer)
    body = page.get("/exchange/jobs/").content.decode()
    assert f"/api/v1/jobs/{job_id}/result" not in body and "权限已变更，不能下载" in body
    detail = page.get(f"/exchange/jobs/{job_id}/").content.decode()
    assert "/result" not in detail and "您的角色或管辖范围已变更" in detail
    response = page.get(f"/api/v1/jobs/{job_id}/result")  # the link a page once showed
    refused(response, job_id, officer)
    assert head_id.encode() not in response.content
    assert AuditEvent.objects.filter(action="export", details__job=job_id).count() == 1


def test_a_file_with_full_numbers_is_refused_once_the_role_may_no_longer_see_them(
        api, cast, full_export):
    job_id, _ = full_export
    officer = cast.mhk_civil
    # Same county, a department that may read the houses but not their full numbers.
    change_user(officer, UpdateUser(department="health"), acting_user=cast.admin)
    officer.refresh_from_db()
    refused(api(officer).get(f"/api/v1/jobs/{job_id}/result"), job_id, officer)


def test_a_masked_file_stays_downloadable_to_a_role_that_still_reads_it(api, cast, make_house):
    make_house(division_code=SHANCHENG_V1)
    clerk = cast.shancheng
    job_id = api(clerk).post("/api/v1/exports/houses/jobs").json()["job_id"]
    change_user(clerk, UpdateUser(department=""), acting_user=cast.admin)
    clerk.refresh_from_db()
    assert api(clerk).get(f"/api/v1/jobs/{job_id}/result").status_code == 200


def test_a_township_officer_moved_to_the_next_township_loses_the_old_townships_file(
        api, cast, make_house):
    make_house(division_code=SHANCHENG_V1)
    clerk = cast.shancheng
    job_id = api(clerk).post("/api/v1/exports/houses/jobs").json()["job_id"]
    assert api(clerk).get(f"/api/v1/jobs/{job_id}/result").status_code == 200
    change_user(clerk, UpdateUser(scope=HONGMEI), acting_user=cast.admin)
    clerk.refresh_from_db()
    refused(api(clerk).get(f"/api/v1/jobs/{job_id}/result"), job_id, clerk)


def test_a_file_exported_for_a_division_above_ones_scope_is_the_scopes_own(api, cast,
                                                                           make_house):
    make_house(division_code=SHANCHENG_V1)
    client = api(cast.shancheng)
    job_id = client.post("/api/v1/exports/houses/jobs?division=220581").json()["job_id"]
    assert Job.objects.get(pk=job_id).division_code == cast.shancheng.scope
    assert client.get(f"/api/v1/jobs/{job_id}/result").status_code == 200


def test_an_import_error_report_is_refused_once_the_account_left_the_import_role(api, cast):
    cadre = cast.cadre
    job = Job.objects.create(owner=cadre, kind="import_households", status="failed",
                             division_code=cadre.scope, error_count=1,
                             params={"resource": "households"})
    JobError.objects.create(job=job, row=2, field="head_name", code="required",
                            message="户主姓名必填")
    client = api(cadre)
    assert client.get(f"/api/v1/jobs/{job.pk}/errors.csv").status_code == 200
    change_user(cadre, UpdateUser(role="appraiser", department="housing"),
                acting_user=cast.admin)
    cadre.refresh_from_db()
    client = api(cadre)
    for report in ("errors.csv", "errors.xlsx"):
        refused(client.get(f"/api/v1/jobs/{job.pk}/{report}"), job.pk, cadre)
    body = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert (body["errors"], body["error_report_url"], body["error_count"]) == ([], None, 1)
    detail = sign_in(Client(), cadre).get(f"/exchange/jobs/{job.pk}/").content.decode()
    assert "户主姓名必填" not in detail and "errors.xlsx" not in detail
