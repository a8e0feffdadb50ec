"""Two events the log keeps besides refusals by role: asking for a record beyond one's scope
by its id (answered 404 exactly as a missing id, recorded as access_denied with the record's
type and id), and every photo or scan served from a house's or a household's file
(`download`). Neither row holds personal data."""

import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.audit.models import AuditEvent
from anju.conftest import HUINAN_V1, SHANCHENG_V1, sign_in

pytestmark = pytest.mark.django_db

MISSING = 987_654_321
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PERSONAL = ("王外县", "13700001111", "6217009999888877")


@pytest.fixture
def foreign_household(make_household):
    """A household of 辉南县, the neighbouring county."""
    return make_household(division_code=HUINAN_V1, head_name=PERSONAL[0], phone=PERSONAL[1],
                          bank_account=PERSONAL[2])


@pytest.fixture
def foreign_house(make_house, foreign_household):
    return make_house(division_code=HUINAN_V1, household=foreign_household,
                      address="辉南县 外县村 8 号")


def page_text(response, path: str) -> str:
    # The CSRF token is masked afresh in every answer; the language switch returns to the
    # path asked for.
    text = response.content.decode().replace(path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def no_personal_data(event: AuditEvent, *more: str) -> None:
    written = json.dumps([event.username, event.object_type, event.object_id,
                          event.division_code, event.details], ensure_ascii=False)
    for value in PERSONAL + more:
        assert value not in written


def _ledger_entry(house):
    from anju.rectification.models import LedgerEntry

    return LedgerEntry.objects.create(house=house, household=house.household,
                                      division_code=house.division_code, grade="D",
                                      opened_on=date(2026, 1, 5))


def _finding(house):
    from anju.quality.models import Finding

    return Finding.objects.create(house=house, division_code=house.division_code,
                                  kind="missing_field", rule="R-CJ-3", field="floors",
                                  message="层数未填", source="save", found_on=date(2026, 1, 5),
                                  due_on=date(2026, 2, 5))


def _job(house):
    from anju.accounts.models import User
    from anju.exchange.models import Job

    return Job.objects.create(owner=User.objects.get(username="huinan_housing"),
                              kind="export_houses", division_code="220523",
                              params={"resource": "houses"})


# (what, object type, the record beyond a Shancheng clerk, API path, page path)
DOORS = [
    ("household", "registry.household", lambda house: house.household,
     "/api/v1/households/{}", "/registry/households/{}/"),
    ("house", "registry.house", lambda house: house,
     "/api/v1/houses/{}", "/registry/houses/{}/"),
    ("ledger entry", "rectification.ledgerentry", _ledger_entry,
     "/api/v1/rectifications/{}", "/rectification/{}/"),
    ("finding", "quality.finding", _finding,
     "/api/v1/quality/findings/{}", "/quality/findings/{}/"),
    ("another user's job", "exchange.job", _job,
     "/api/v1/jobs/{}", "/exchange/jobs/{}/"),
]


@pytest.mark.parametrize("what, object_type, make, api_path, page_path", DOORS,
                         ids=[d[0] for d in DOORS])
def test_a_record_beyond_ones_scope_is_answered_as_missing_and_audited(
        api, cast, foreign_house, what, object_type, make, api_path, page_path):
    record = make(foreign_house)
    client = api(cast.shancheng)
    missing = client.get(api_path.format(MISSING))
    assert AuditEvent.objects.filter(action="access_denied").count() == 0  # nothing to tell
    foreign = client.get(api_path.format(record.pk))
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert foreign.status_code == 404

    event = AuditEvent.objects.get(action="access_denied")
    assert (event.actor, event.result, event.object_type, event.object_id,
            event.details) == (
        cast.shancheng, "refused", object_type, str(record.pk),
        {"code": "not_found", "path": api_path.format(record.pk), "method": "GET"})
    no_personal_data(event, foreign_house.address, foreign_house.household.head_id_number)

    page = sign_in(Client(), cast.shancheng)
    missing_page = page.get(page_path.format(MISSING))
    foreign_page = page.get(page_path.format(record.pk))
    assert foreign_page.status_code == missing_page.status_code == 404
    assert page_text(foreign_page, page_path.format(record.pk)) == page_text(
        missing_page, page_path.format(MISSING))
    assert AuditEvent.objects.filter(action="access_denied", object_type=object_type,
                                     details__path=page_path.format(record.pk)).count() == 1


def test_another_townships_case_is_answered_as_missing_and_audited(api, cast, make_household,
                                                                   make_house):
    from django.apps import apps

    if not apps.is_installed("anju.assistance"):
        pytest.skip("anju.assistance is not installed")
    from anju.assistance.tests.conftest import Case

    case = Case(cast, make_household, make_house).case  # in 山城镇
    client = api(cast.hongmei)
    missing = client.get(f"/api/v1/applications/{MISSING}")
    foreign = client.get(f"/api/v1/applications/{case.pk}")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    page = sign_in(Client(), cast.hongmei)
    foreign_path, missing_path = f"/assistance/cases/{case.pk}/", f"/assistance/cases/{MISSING}/"
    foreign_page = page.get(foreign_path)
    assert foreign_page.status_code == 404
    assert page_text(foreign_page, foreign_path) == page_text(page.get(missing_path),
                                                              missing_path)
    rows = AuditEvent.objects.filter(action="access_denied").order_by("id")
    assert [(e.actor, e.object_type, e.object_id, e.division_code, e.details["path"])
            for e in rows] == [
        (cast.hongmei, "assistance.application", str(case.pk), SHANCHENG_V1,
         f"/api/v1/applications/{case.pk}"),
        (cast.hongmei, "assistance.application", str(case.pk), SHANCHENG_V1,
         f"/assistance/cases/{case.pk}/")]


def test_a_reading_within_scope_costs_one_query_and_writes_nothing(cast, make_house):
    from anju.registry.queries import get_house_for_user

    house, clerk = make_house(division_code=SHANCHENG_V1), cast.shancheng
    with CaptureQueriesContext(connection) as queries:
        assert get_house_for_user(clerk, house.pk) == house
    assert len(queries) == 1  # the scoped read only: no audit row, no second look


def test_another_countys_file_under_ones_own_house_is_answered_as_missing_and_audited(
        api, cast, make_house, foreign_house, media):
    house = make_house(division_code=SHANCHENG_V1)
    other = api(cast.huinan_housing).upload(
        f"/api/v1/houses/{foreign_house.pk}/attachments",
        {"file": SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf"),
         "kind": "document", "title": "王外县身份证"}).json()
    client = api(cast.shancheng)
    path = f"/api/v1/houses/{house.pk}/attachments/{{}}/file"
    missing, foreign = client.get(path.format(MISSING)), client.get(path.format(other["id"]))
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.object_type, event.object_id, event.division_code) == (
        "registry.attachment", str(other["id"]), HUINAN_V1)
    no_personal_data(event, "王外县身份证")


# --- downloads ----------------------------------------------------------------------------------


def test_every_download_of_a_house_photo_or_a_household_scan_is_audited(
        api, cast, make_house, make_household, media):
    household = make_household(head_name=PERSONAL[0], phone=PERSONAL[1])
    house = make_house(household=household)
    clerk = api(cast.shancheng)
    photo = clerk.upload(f"/api/v1/houses/{house.pk}/attachments", {
        "file": SimpleUploadedFile("front.png", PNG, content_type="image/png"),
        "kind": "photo", "title": "王外县家正立面"}).json()
    scan = clerk.upload(f"/api/v1/households/{household.pk}/attachments", {
        "file": SimpleUploadedFile("id.pdf", PDF, content_type="application/pdf"),
        "kind": "document", "title": "户主身份证"}).json()
    assert not AuditEvent.objects.filter(action="download").exists()

    viewer = api(cast.appraiser1)
    for url in (photo["url"], scan["url"], photo["url"]):
        response = viewer.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    page = sign_in(Client(), cast.shancheng)  # the link on the household's page
    assert page.get(scan["url"]).status_code == 200

    rows = list(AuditEvent.objects.filter(action="download").order_by("id"))
    assert [(e.actor, e.result, e.object_type, e.object_id, e.division_code, e.details["path"])
            for e in rows] == [
        (cast.appraiser1, "ok", "registry.attachment", str(photo["id"]), SHANCHENG_V1,
         photo["url"]),
        (cast.appraiser1, "ok", "registry.attachment", str(scan["id"]), SHANCHENG_V1,
         scan["url"]),
        (cast.appraiser1, "ok", "registry.attachment", str(photo["id"]), SHANCHENG_V1,
         photo["url"]),
        (cast.shancheng, "ok", "registry.attachment", str(scan["id"]), SHANCHENG_V1,
         scan["url"])]
    assert rows[0].details == {"kind": "photo", "size": len(PNG), "path": photo["url"],
                               "method": "GET"}
    for event in rows:
        no_personal_data(event, "王外县家正立面", "户主身份证", household.head_id_number)


def test_a_refused_download_is_not_recorded_as_one(api, cast, foreign_house, media):
    other = api(cast.huinan_housing).upload(
        f"/api/v1/houses/{foreign_house.pk}/attachments",
        {"file": SimpleUploadedFile("front.png", PNG, content_type="image/png"),
         "kind": "photo"}).json()
    assert api(cast.shancheng).get(other["url"]).status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()
    assert AuditEvent.objects.get(action="access_denied").object_type == "registry.house"
