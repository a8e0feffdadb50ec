"""以人找房 (N4): each listed person is matched to a household (as head or member) and their
only standing house; the house is appraised by the profile's day (the 20th), the list is due
by the 5th; late ones are shown to the township and county; a dangerous house is routed to
the region's programme (R-CJ-9), and the row closes by 销号 through the ledger or the case, or
by an A/B appraisal."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.assistance.models import Application, Certification, Transition
from anju.conftest import HONGMEI_V1, SHANCHENG_V1
from anju.policy.models import PolicyProfile
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import appraisal_body
from anju.registry.models import Member
from anju.roster.models import RosterPerson
from anju.roster.tests.conftest import csv_bytes, job, months_back, person_id, upload


def load(api, user, rows, period):
    client = api(user)
    body = job(client, upload(client, csv_bytes(rows), period=period))
    assert body["status"] == "succeeded", body
    return body["id"]


def people(api, user, **params):
    response = api(user).get("/api/v1/rosters/people", params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_person_is_matched_as_head_or_member_to_the_household_s_only_house(
        api, cast, make_household, make_house):
    head = make_household(head_id_number=person_id(20))
    only = make_house(household=head)
    family = make_household(head_id_number=person_id(21))
    Member.objects.create(household=family, name="刘小红", id_number=person_id(22),
                          relation="spouse")
    family_house = make_house(household=family)
    two = make_household(head_id_number=person_id(23))
    make_house(household=two)
    make_house(household=two)
    load(api, cast.mhk_civil, [
        ["户主甲", person_id(20), SHANCHENG_V1, "农村低保户", "新识别"],
        ["刘小红", person_id(22), SHANCHENG_V1, "农村低保户", "新识别"],
        ["两处房", person_id(23), SHANCHENG_V1, "农村低保户", "新识别"],
        ["无记录", person_id(24), SHANCHENG_V1, "农村低保户", "新识别"],
    ], months_back(1))
    found = {p["name"]: (p["household_id"], p["matched_as"], p["house_id"], p["status"])
             for p in people(api, cast.mhk_civil)["items"]}
    today = timezone.localdate()
    waiting = "awaiting" if today.day <= 20 else "late"
    assert found == {
        "户主甲": (head.pk, "head", only.pk, waiting),
        "刘小红": (family.pk, "member", family_house.pk, waiting),
        "两处房": (two.pk, "head", None, "several_houses"),
        "无记录": (None, None, None, "unmatched"),
    }


def test_the_list_is_due_by_the_5th_and_the_house_appraised_by_the_20th_of_the_month_after(
        api, cast):
    period = months_back(1)
    roster_id = load(api, cast.mhk_civil,
                     [["马兰", person_id(30), SHANCHENG_V1, "农村低保户", "新识别"]], period)
    today = timezone.localdate()
    (listed,) = api(cast.shancheng).get("/api/v1/rosters").json()["items"]
    assert listed["id"] == roster_id
    assert listed["list_due_on"] == str(date(today.year, today.month, 5))
    assert listed["list_late"] == (today.day > 5)
    (person,) = people(api, cast.shancheng)["items"]
    assert person["appraisal_due_on"] == str(date(today.year, today.month, 20))
    assert person["id_number"].startswith("220581") and "*" in person["id_number"]


def test_a_region_s_profile_moves_the_clocks(api, cast):
    PolicyProfile.objects.create(division_prefix="220581", base="meihekou-2021", name="本县",
                                 effective_from=date(2020, 1, 1),
                                 overrides={"roster_list_day": 10, "roster_appraisal_day": 25})
    load(api, cast.mhk_civil, [["马兰", person_id(31), SHANCHENG_V1, "农村低保户", "新识别"]],
         months_back(1))
    today = timezone.localdate()
    (listed,) = api(cast.mhk_civil).get("/api/v1/rosters").json()["items"]
    assert listed["list_due_on"] == str(date(today.year, today.month, 10))
    assert people(api, cast.mhk_civil)["items"][0]["appraisal_due_on"] == str(
        date(today.year, today.month, 25))


def test_a_house_not_appraised_by_the_20th_is_late_and_counted_for_its_township(
        api, browser, cast, make_household, make_house):
    for n, village in ((40, SHANCHENG_V1), (41, SHANCHENG_V1), (42, HONGMEI_V1)):
        make_house(household=make_household(division_code=village,
                                             head_id_number=person_id(n)),
                   division_code=village)
    load(api, cast.mhk_civil, [[f"人{n}", person_id(n), v, "农村低保户", "新识别"]
                               for n, v in ((40, SHANCHENG_V1), (41, SHANCHENG_V1),
                                            (42, HONGMEI_V1))], months_back(2))
    county = people(api, cast.mhk_civil, status="late")
    assert county["total"] == 3
    assert county["late_by_township"] == {SHANCHENG_V1[:9]: 2, HONGMEI_V1[:9]: 1}
    township = people(api, cast.shancheng, status="late")
    assert township["total"] == 2
    assert township["late_by_township"] == {SHANCHENG_V1[:9]: 2}
    html = browser(cast.shancheng).get("/roster/?status=late").content.decode()
    assert "逾期未鉴定" in html and "人40" in html and "人42" not in html


def test_an_a_or_b_appraisal_closes_the_row_and_a_c_house_is_routed_to_its_programme(
        api, cast, make_household, make_house):
    safe = make_house(household=make_household(head_id_number=person_id(50)))
    weak = make_house(household=make_household(head_id_number=person_id(51),
                                               low_income_category="dibao"))
    load(api, cast.mhk_civil, [["安全", person_id(50), SHANCHENG_V1, "农村低保户", "新识别"],
                               ["危房", person_id(51), SHANCHENG_V1, "农村低保户", "新识别"]],
         months_back(2))
    for house, rating in ((safe, "a"), (weak, "c")):
        response = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                              appraisal_body(rating, on=1))
        assert response.status_code == 201, response.json()
    rows = {p["name"]: p for p in people(api, cast.mhk_civil)["items"]}
    assert (rows["安全"]["status"], rows["安全"]["closed_by"], rows["安全"]["grade"]) == (
        "closed", "appraisal", "A")
    assert (rows["危房"]["status"], rows["危房"]["grade"], rows["危房"]["programme"]) == (
        "dangerous", "C", "renovation")
    assert people(api, cast.mhk_civil, status="late")["total"] == 0


def test_a_house_already_on_the_ledger_stays_with_its_programme_until_signed_off(
        api, cast, on_ledger):
    house, entry_id = on_ledger("d")
    LedgerEntry.objects.filter(pk=entry_id).update(programme="seismic")
    house.household.head_id_number = person_id(60)
    house.household.save()
    load(api, cast.mhk_civil, [["台账户", person_id(60), SHANCHENG_V1, "农村低保户", "新识别"]],
         months_back(1))
    (row,) = people(api, cast.mhk_civil)["items"]
    assert (row["status"], row["programme"]) == ("dangerous", "seismic")
    # 销号 through the ledger closes the person's row
    closed_on = timezone.localdate()
    LedgerEntry.objects.filter(pk=entry_id).update(status="closed", closed_on=closed_on)
    (row,) = people(api, cast.mhk_civil)["items"]
    assert (row["status"], row["closed_by"], row["closed_on"]) == (
        "closed", "ledger", str(closed_on))


def test_the_case_accepted_closes_the_row(api, cast, on_ledger):
    house, _ = on_ledger("c")
    household = house.household
    household.head_id_number = person_id(70)
    household.save()
    load(api, cast.mhk_civil, [["改造户", person_id(70), SHANCHENG_V1, "农村低保户", "新识别"]],
         months_back(1))
    assert people(api, cast.mhk_civil)["items"][0]["status"] == "dangerous"
    cert = Certification.objects.create(
        household=household, division_code=household.division_code, category="dibao",
        department="civil_affairs", certified_on=date(2024, 1, 1), certified_by=cast.mhk_civil)
    case = Application.objects.create(
        household=household, house=house, division_code=house.division_code, year=2026,
        status="accepted", category="dibao", certification=cert, grade="C",
        method="repair_reinforce", persons=3, subsidy_amount=Decimal("10000"),
        applied_on=timezone.localdate() - timedelta(days=20), created_by=cast.shancheng)
    accepted_on = timezone.localdate()
    Transition.objects.create(application=case, division_code=case.division_code,
                              from_status="completed", action="accept", to_status="accepted",
                              on=accepted_on, actor=cast.shancheng)
    (row,) = people(api, cast.mhk_civil)["items"]
    assert (row["status"], row["closed_by"], row["closed_on"]) == (
        "closed", "case", str(accepted_on))


def test_a_removed_person_opens_no_appraisal_task(api, cast, make_household, make_house):
    make_house(household=make_household(head_id_number=person_id(80)))
    load(api, cast.mhk_rural, [["出列户", person_id(80), SHANCHENG_V1, "其他脱贫户", "出列"]],
         months_back(2))
    assert people(api, cast.mhk_rural)["items"][0]["status"] == "removed"
    assert people(api, cast.mhk_rural, status="late")["total"] == 0


def test_another_county_sees_none_of_the_list(api, cast):
    roster_id = load(api, cast.mhk_civil,
                     [["马兰", person_id(90), SHANCHENG_V1, "农村低保户", "新识别"]],
                     months_back(1))
    assert api(cast.huinan_housing).get("/api/v1/rosters").json()["total"] == 0
    assert api(cast.huinan_housing).get(f"/api/v1/rosters/{roster_id}/people").status_code == 404
    assert RosterPerson.objects.count() == 1


def test_the_civil_affairs_clerk_uploads_the_list_on_the_page_and_sees_each_bad_row(
        browser, cast):
    clerk = browser(cast.mhk_civil)
    page = clerk.get("/roster/")
    assert page.status_code == 200 and "上传名单" in page.content.decode()
    content = csv_bytes([["马兰", person_id(95), SHANCHENG_V1, "农村低保户", "新识别"],
                         ["马兰", person_id(95), SHANCHENG_V1, "农村低保户", "新识别"]],
                        encoding="gb18030")
    response = clerk.post("/roster/upload", {"period": months_back(1), "dry_run": "on",
                                             "file": SimpleUploadedFile("名单.csv", content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = clerk.get(response["Location"]).content.decode()
    assert "与第2行是同一人" in report and "未写入任何数据" in report
    assert RosterPerson.objects.count() == 0


def test_a_township_officer_sees_the_page_but_no_upload(browser, cast):
    page = browser(cast.shancheng).get("/roster/").content.decode()
    assert "逾期未鉴定（按乡镇）" in page and "上传名单" not in page
    assert browser(cast.shancheng).get("/roster/upload").status_code == 403
