"""The plan's other parts around a case: 六、责任分工 (natural resources, water, power), "严禁出现
保障性公有住房和改造后的住房空置现象" (R-MH-10a), the township's 咨询服务窗口 and 工程纠纷调解,
and the archive (R-MH-13 一户一档, 三统一): its paper copies and the city office's review."""

from datetime import timedelta

import pytest

from anju.accounts.models import User
from anju.assistance.codes import Method, Status
from anju.assistance.models import ArchiveReviewItem, DepartmentRecord
from anju.assistance.tests.conftest import TODAY
from anju.conftest import HONGMEI_V1
from anju.policy.models import PolicyProfile

pytestmark = pytest.mark.django_db


def officer(department: str) -> User:
    name = {"natural_resources": "mhk_land", "water": "mhk_water", "power": "mhk_power"}
    return User.objects.get(username=name[department])


def transition(api, user, case, action, **body):
    return api(user).post(f"/api/v1/applications/{case.pk}/transitions",
                          {"action": action, **body})


def queue(api, user, department):
    response = api(user).get(f"/api/v1/departments/{department}/queue")
    assert response.status_code == 200, response.content
    return {item["id"]: item["needs"] for item in response.json()["items"]}


# ---------------------------------------------------------------- 六、责任分工


def test_each_department_records_its_part_from_its_own_queue(api, cast, new_case):
    """"自然资源部门负责…规划审批…灭籍、过户、产权登记；水利部门负责饮水安全；电力部门负责
    用电入户": each department sees the cases waiting for it and records its part on the case,
    which shows on the case's timeline."""
    land, water, power = officer("natural_resources"), officer("water"), officer("power")
    flow = new_case()
    flow.to(Status.APPROVED)
    assert queue(api, land, "natural_resources") == {flow.case.pk: ["planning_approval"]}
    assert queue(api, water, "water") == {}
    refused = transition(api, land, flow.case, "planning_approval", on=TODAY.isoformat())
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "reference"
    assert transition(api, cast.shancheng, flow.case, "planning_approval",
                      reference="梅规许〔2026〕12号").status_code == 403
    done = transition(api, land, flow.case, "planning_approval", reference="梅规许〔2026〕12号")
    assert done.status_code == 200, done.content
    assert queue(api, land, "natural_resources") == {}
    again = transition(api, land, flow.case, "planning_approval", reference="梅规许〔2026〕13号")
    assert again.status_code == 409

    flow.case.refresh_from_db()
    flow.to(Status.ACCEPTED)
    assert queue(api, land, "natural_resources") == {flow.case.pk: ["title_registration"]}
    assert queue(api, water, "water") == {flow.case.pk: ["drinking_water"]}
    assert queue(api, power, "power") == {flow.case.pk: ["power_connection"]}
    assert transition(api, water, flow.case, "drinking_water").status_code == 200
    assert transition(api, power, flow.case, "power_connection").status_code == 200
    assert transition(api, land, flow.case, "title_registration",
                      reference="吉(2026)梅河口市不动产权第0001234号").status_code == 200
    assert queue(api, water, "water") == {} and queue(api, power, "power") == {}
    assert set(DepartmentRecord.objects.filter(application=flow.case)
               .values_list("department", "action")) == {
        ("natural_resources", "planning_approval"), ("natural_resources", "title_registration"),
        ("water", "drinking_water"), ("power", "power_connection")}
    detail = api(cast.shancheng).get(f"/api/v1/applications/{flow.case.pk}").json()
    timeline = [t["action"] for t in detail["transitions"]]
    assert {"planning_approval", "drinking_water", "power_connection",
            "title_registration"} <= set(timeline)


def test_a_repair_in_place_has_no_planning_approval_or_new_title(api, new_case):
    land = officer("natural_resources")
    flow = new_case(grade="C")
    flow.to(Status.APPROVED)
    assert queue(api, land, "natural_resources") == {}
    response = transition(api, land, flow.case, "planning_approval", reference="X")
    assert response.status_code == 409 and response.json()["error"]["code"] == "no_new_house"


def test_water_and_power_departments_exist_with_their_own_capabilities():
    from anju.accounts.access import can

    assert can(officer("water"), "assistance.water")
    assert not can(officer("power"), "assistance.water")


# ---------------------------------------------------------------- R-MH-10a


def test_a_handed_over_house_still_empty_after_the_profiles_days_is_flagged(
        api, cast, new_case):
    """"严禁出现…改造后的住房空置现象" (R-MH-10a): handed over more than 90 days (the
    profile's) ago and nobody living in it → on the township's list and counted; once lived
    in, off it."""
    flow = new_case()
    flow.to(Status.ACCEPTED)
    # the case as handed over 100 days ago
    type(flow.case).objects.filter(pk=flow.case.pk).update(
        handed_over_on=TODAY - timedelta(days=100))
    flow.house.occupancy = "vacant"
    flow.house.save(update_fields=["occupancy"])
    # a rebuilt house is registered empty until the household is recorded moving in
    assert not flow.household.houses.standing().filter(occupancy="occupied").exists()
    listed = api(cast.shancheng).get("/api/v1/applications/empty-after-handover").json()
    assert [i["id"] for i in listed["items"]] == [flow.case.pk]
    assert listed["items"][0]["empty_days"] == 100
    counts = api(cast.shancheng).get("/api/v1/window-cases/counts").json()
    assert counts[0]["code"] == "220581100" and counts[0]["empty_after_handover"] == 1
    PolicyProfile.objects.create(division_prefix="220581", base="meihekou-2021", name="梅河口",
                                 effective_from=TODAY - timedelta(days=1),
                                 overrides={"empty_after_handover_days": 120})
    assert api(cast.shancheng).get(
        "/api/v1/applications/empty-after-handover").json()["total"] == 0
    PolicyProfile.objects.all().delete()
    flow.household.houses.standing().update(occupancy="occupied")
    assert api(cast.shancheng).get(
        "/api/v1/applications/empty-after-handover").json()["total"] == 0


def test_a_recent_handover_is_not_yet_flagged(api, cast, new_case):
    """R-MH-10a: 30 days after the handover is within the profile's 90."""
    flow = new_case(occupancy="vacant")
    flow.to(Status.ACCEPTED)
    type(flow.case).objects.filter(pk=flow.case.pk).update(
        handed_over_on=TODAY - timedelta(days=30))
    assert api(cast.shancheng).get(
        "/api/v1/applications/empty-after-handover").json()["total"] == 0


# ---------------------------------------------------------------- the township's window


def test_consultations_and_disputes_are_recorded_with_their_outcome_and_counted(
        api, cast, new_case, make_household):
    """"乡镇设立咨询服务窗口…做好工程纠纷调解": a consultation against a household, a dispute
    against its case, each closed with its outcome; counted per township."""
    flow = new_case()
    other = make_household(division_code=HONGMEI_V1)
    asked = api(cast.shancheng).post("/api/v1/window-cases", {
        "kind": "consultation", "household_id": flow.household.pk,
        "subject": "询问D级危房重建补助标准"})
    assert asked.status_code == 201, asked.content
    dispute = api(cast.shancheng).post("/api/v1/window-cases", {
        "kind": "dispute", "household_id": flow.household.pk,
        "application_id": flow.case.pk, "subject": "工匠延误工期", "parties": "王大山、李工匠"})
    assert dispute.status_code == 201 and dispute.json()["application_id"] == flow.case.pk
    assert api(cast.hongmei).post("/api/v1/window-cases", {
        "kind": "consultation", "household_id": other.pk, "subject": "咨询"}).status_code == 201
    wrong = api(cast.shancheng).post("/api/v1/window-cases", {
        "kind": "dispute", "household_id": flow.household.pk, "application_id": 999999,
        "subject": "x"})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["code"] == "application_not_of_household"
    settled = api(cast.shancheng).post(
        f"/api/v1/window-cases/{dispute.json()['id']}/outcome",
        {"outcome": "经调解，工匠承诺十日内完工"})
    assert settled.status_code == 200 and settled.json()["resolved_on"] == TODAY.isoformat()
    twice = api(cast.shancheng).post(f"/api/v1/window-cases/{dispute.json()['id']}/outcome",
                                     {"outcome": "再次"})
    assert twice.status_code == 409
    counts = {c["code"]: c for c in api(cast.mhk_housing).get(
        "/api/v1/window-cases/counts").json()}
    assert counts["220581100"]["consultations"] == 1
    assert counts["220581100"]["consultations_open"] == 1
    assert counts["220581100"]["disputes"] == 1 and counts["220581100"]["disputes_open"] == 0
    assert counts["220581101"]["consultations"] == 1
    mine = api(cast.shancheng).get("/api/v1/window-cases?kind=dispute").json()
    assert [i["outcome"] for i in mine["items"]] == ["经调解，工匠承诺十日内完工"]


# ---------------------------------------------------------------- R-MH-13


def test_the_paper_files_two_copies_are_recorded(api, cast, new_case):
    """"一户一档…纸质档案乡镇和市危改办各存一份": the township files its copy, the city
    office its own; each once."""
    flow = new_case()
    flow.to(Status.PAID)
    assert transition(api, cast.shancheng, flow.case, "file_paper",
                      kept_at="township").status_code == 200
    assert transition(api, cast.shancheng, flow.case, "file_paper",
                      kept_at="city").status_code == 403
    assert transition(api, cast.mhk_housing, flow.case, "file_paper",
                      kept_at="city").status_code == 200
    again = transition(api, cast.shancheng, flow.case, "file_paper", kept_at="township")
    assert again.status_code == 409 and again.json()["error"]["rule"] == "R-MH-13"
    flow.case.refresh_from_db()
    assert flow.case.paper_township_on == TODAY and flow.case.paper_city_on == TODAY


def test_the_city_office_reviews_a_reproducible_sample_and_sends_findings_back(
        api, cast, new_case):
    """"市危改办…档案审查": a random sample of a township's archives, the same for the same
    review; a file returned goes to the township's queue until it is put right."""
    from anju.assistance.models import Application
    from anju.assistance.rules import archive_sample

    cases = [new_case().case.pk for _ in range(3)]
    Application.objects.filter(pk__in=cases).update(status=Status.PAID)  # archived cases
    response = api(cast.mhk_housing).post("/api/v1/archive-reviews", {
        "division_code": "220581100", "sample_size": 2})
    assert response.status_code == 201, response.content
    review = response.json()
    sampled = [i["application_id"] for i in review["items"]]
    assert len(sampled) == 2 and set(sampled) <= set(cases)
    assert sampled == archive_sample(cases, 2, review["seed"])  # drawn again, the same
    assert review["seed"] == f"{review['id']}:{TODAY.isoformat()}"
    first, second = review["items"]
    returned = api(cast.mhk_housing).post(f"/api/v1/archive-reviews/items/{first['id']}",
                                          {"passed": False})
    assert returned.status_code == 422 and returned.json()["error"]["field"] == "finding"
    assert api(cast.mhk_housing).post(f"/api/v1/archive-reviews/items/{first['id']}", {
        "passed": False, "finding": "缺少改造中照片"}).status_code == 200
    assert api(cast.mhk_housing).post(f"/api/v1/archive-reviews/items/{second['id']}",
                                      {"passed": True}).status_code == 200
    findings = api(cast.shancheng).get("/api/v1/archive-findings").json()
    assert [f["id"] for f in findings["items"]] == [first["id"]]
    assert api(cast.hongmei).get("/api/v1/archive-findings").json()["total"] == 0
    fixed = api(cast.shancheng).post(f"/api/v1/archive-findings/{first['id']}/resolve",
                                     {"resolution": "已补充改造中照片"})
    assert fixed.status_code == 200
    assert api(cast.shancheng).get("/api/v1/archive-findings").json()["total"] == 0
    assert ArchiveReviewItem.objects.get(pk=first["id"]).resolved_on == TODAY


def test_a_township_without_archived_cases_cannot_be_sampled(api, cast, nothing_written):
    with nothing_written():
        response = api(cast.mhk_housing).post("/api/v1/archive-reviews", {
            "division_code": "220581101", "sample_size": 2})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "archive_sample_empty"


def test_the_queues_and_the_window_have_their_pages(api, cast, browser, new_case):
    """Each department's queue, the township's window and the archive checklist's paper
    copies are pages a clerk opens."""
    flow = new_case()
    flow.to(Status.APPROVED)
    page = browser(cast.mhk_land).get("/assistance/departments/natural_resources/")
    assert page.status_code == 200
    assert flow.case.number in page.content.decode() and "规划审批" in page.content.decode()
    api(cast.shancheng).post("/api/v1/window-cases", {
        "kind": "dispute", "household_id": flow.household.pk, "subject": "邻里采光纠纷"})
    window = browser(cast.shancheng).get("/assistance/window/").content.decode()
    assert "邻里采光纠纷" in window and "未办结" in window and 'id="window-counts"' in window
    archive = browser(cast.shancheng).get(f"/assistance/cases/{flow.case.pk}/archive/")
    assert 'id="paper-copies"' in archive.content.decode()


@pytest.mark.parametrize("method", Method.values)
def test_the_checklist_shows_every_document_the_route_asks_for(cast, browser, new_case, method):
    """R-MH-13 一户一档: the archive checklist lists what the plan names for the case's route
    (the waiver's letter and proof of other housing, a lease, a host house's appraisal ...)."""
    from anju.assistance.codes import DocumentKind
    from anju.assistance.models import Application
    from anju.assistance.rules import required_documents

    flow = new_case()
    Application.objects.filter(pk=flow.case.pk).update(method=method)
    page = browser(cast.shancheng).get(f"/assistance/cases/{flow.case.pk}/archive/")
    body = page.content.decode()
    for kind in required_documents(method=method, has_house=True, grade="D"):
        assert f'data-kind="{kind}"' in body and DocumentKind(kind).label in body, kind
