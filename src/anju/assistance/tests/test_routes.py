"""Who qualifies, by which route, with how much space (R-MH-2, R-MH-5, R-MH-7), in the plan's
words: "only house" and "no house" read from the register; every route open to a household
whose only house is C or D as to one with none; each bound refused or asking for a reason by
its strength."""

from datetime import timedelta
from decimal import Decimal

import pytest

from anju.appraisal.models import Appraisal
from anju.assistance import rules
from anju.assistance.codes import Status
from anju.assistance.models import Application, RentYear
from anju.assistance.tests.conftest import AGO, TODAY, Case, certify
from anju.conftest import valid_id_number
from anju.policy.profiles import MEIHEKOU_2021, NATIONAL_2022
from anju.registry import actions as registry
from anju.registry.commands import DemolishHouse
from anju.registry.models import House

pytestmark = pytest.mark.django_db

URL = "/api/v1/applications"


def refused(response, status: int, code: str, field: str | None, rule: str):
    body = response.json()["error"]
    assert (response.status_code, body["code"], body["field"], body["rule"]) == (
        status, code, field, rule), body


@pytest.fixture
def household(cast, make_household):
    """A certified household; `aged` is the head's age, `category` its certification."""
    def make(*, persons=3, aged=45, category="dibao", **fields):
        born = TODAY.replace(year=TODAY.year - aged) - timedelta(days=1)
        made = make_household(persons=persons, head_id_number=valid_id_number(
            born.strftime("%Y%m%d")), **fields)
        department = cast.mhk_civil if category in ("dibao", "tekun") else cast.mhk_rural
        certify(made, department, category, AGO[60])
        return made
    return make


def apply(api, cast, household, **body):
    return api(cast.cadre).post(URL, {"household_id": household.pk, **body})


def earlier_case(household, cast, *, method, status, accepted=True, approved=True):
    """A case of an earlier year, as it ended."""
    return Application.objects.create(
        household=household, division_code=household.division_code, year=TODAY.year - 2,
        status=status, category="dibao", certification=household.certifications.first(),
        method=method, persons=household.persons, subsidy_amount=Decimal("0"),
        applied_on=TODAY - timedelta(days=800),
        approved_on=TODAY - timedelta(days=780) if approved else None,
        accepted_on=TODAY - timedelta(days=700) if accepted else None,
        created_by=cast.cadre)


# ---------------------------------------------------------------- R-MH-2 from the register


def test_a_household_with_a_registered_safe_house_does_not_qualify_even_without_naming_it(
        api, cast, household, make_house, nothing_written):
    """"A household that has a safe (A/B) standing house … does not qualify": leaving out
    `house_id` does not make it houseless."""
    family = household()
    make_house(household=family, grade="B")
    with nothing_written(family):
        response = apply(api, cast, family, method="new_build", main_area="45",
                         subsidy_amount="40000")
    refused(response, 422, "not_eligible", "house_id", "R-MH-2")


def test_a_dangerous_house_beside_a_safe_one_is_not_the_only_house(
        api, cast, household, make_house, nothing_written):
    """"only house" means the household has exactly one standing house recorded — not the
    clerk's flag."""
    family = household()
    d = make_house(household=family, grade="D", is_only_house=True)
    make_house(household=family, grade="A", is_only_house=True)
    with nothing_written(family):
        response = apply(api, cast, family, house_id=d.pk, method="rebuild", main_area="50",
                         subsidy_amount="40000")
    refused(response, 422, "not_eligible", "house_id", "R-MH-2")
    # two dangerous houses: neither is the only one
    other = household()
    c = make_house(household=other, grade="C")
    make_house(household=other, grade="D")
    with nothing_written(other):
        response = apply(api, cast, other, house_id=c.pk, method="repair_reinforce",
                         main_area="50", subsidy_amount="10000",
                         reinforcement_parts=["roof"], reinforcement_plan="更换屋架")
    refused(response, 422, "not_eligible", "house_id", "R-MH-2")


def test_no_house_means_none_standing_a_demolished_original_recorded_as_such(
        api, cast, household, make_house, nothing_written):
    """"有宅基地、原住房自然灭失": the lost house is recorded demolished with its evidence; then
    the household is houseless, and the demolished house cannot be applied for."""
    family = household()
    lost = make_house(household=family, grade="D")
    with nothing_written(family):
        response = apply(api, cast, family, method="new_build", main_area="45",
                         subsidy_amount="40000")
    refused(response, 422, "not_eligible", "house_id", "R-MH-2")
    registry.demolish_house(lost, DemolishHouse(version=lost.version, demolished_on=AGO[30],
                                                note="2026 年雨季倒塌，村委会证明"),
                            acting_user=cast.shancheng)
    with nothing_written(family):
        response = apply(api, cast, family, house_id=lost.pk, method="rebuild",
                         main_area="45", subsidy_amount="40000")
    refused(response, 422, "not_eligible", "house_id", "R-MH-2")
    response = apply(api, cast, family, method="new_build", main_area="45",
                     subsidy_amount="40000")
    assert response.status_code == 201, response.json()
    assert response.json()["house_id"] is None
    # a household with no house on record at all is taken at its word, as before
    nothing = household()
    assert apply(api, cast, nothing, method="new_build", main_area="45",
                 subsidy_amount="40000").status_code == 201


def test_an_earlier_case_that_gave_a_safe_house_refuses_a_new_one(
        api, cast, household, nothing_written):
    """"…or whose earlier case ended with a new or repaired house, does not qualify"."""
    family = household()
    earlier_case(family, cast, method="new_build", status=Status.CLOSED)
    with nothing_written(family):
        response = apply(api, cast, family, method="new_build", main_area="45",
                         subsidy_amount="40000")
    refused(response, 422, "earlier_case_secured", "household_id", "R-MH-2")
    # an earlier case that was turned down gave nothing
    turned_down = household()
    earlier_case(turned_down, cast, method="new_build", status=Status.REJECTED,
                 accepted=False, approved=False)
    assert apply(api, cast, turned_down, method="new_build", main_area="45",
                 subsidy_amount="40000").status_code == 201


def test_other_lifted_households_only_without_earlier_housing_support(
        api, cast, household, nothing_written):
    """`other_lifted` 未享受过农村住房保障政策支持: any earlier case past approval refuses."""
    family = household(category="other_lifted")
    earlier_case(family, cast, method="public_rental", status=Status.CLOSED, accepted=False)
    with nothing_written(family):
        response = apply(api, cast, family, method="public_rental", lease_years=5,
                         annual_rent="2400", subsidy_amount="0")
    refused(response, 422, "supported_before", "household_id", "R-MH-2")
    # the same history does not bar a 低保 household (its earlier case gave no house)
    dibao = household()
    earlier_case(dibao, cast, method="public_rental", status=Status.CLOSED, accepted=False)
    assert apply(api, cast, dibao, method="public_rental", lease_years=5, annual_rent="2400",
                 subsidy_amount="0").status_code == 201
    fresh = household(category="other_lifted")
    assert apply(api, cast, fresh, method="public_rental", lease_years=5, annual_rent="2400",
                 subsidy_amount="0").status_code == 201


@pytest.mark.parametrize("grade, method, qualifies", [
    ("A", "repair_reinforce", False), ("B", "rebuild", False),
    ("C", "repair_reinforce", True), ("D", "rebuild", True)])
def test_colour_steel_houses_qualify_by_their_grade(api, cast, household, make_house,
                                                   nothing_written, grade, method, qualifies):
    """"（□级）彩钢房": a C-level colour-steel house is repaired, a D-level one rebuilt; an A/B
    colour-steel house does not qualify."""
    family = household()
    steel = make_house(household=family, grade=grade, color_steel=True)
    body = dict(house_id=steel.pk, method=method, main_area="50",
                subsidy_amount="10000" if method == "repair_reinforce" else "40000",
                reinforcement_parts=["roof"], reinforcement_plan="更换屋面檩条及彩钢屋面下的木屋架")
    if qualifies:
        assert apply(api, cast, family, **body).status_code == 201
    else:
        with nothing_written(family):
            refused(apply(api, cast, family, **body), 422, "not_eligible", "house_id", "R-MH-2")


# ---------------------------------------------------------------- R-MH-5 every route


ROUTES = ("relatives", "nursing_home", "collective_build", "buy_idle", "renovate_idle",
          "public_rental", "turnover", "waiver")
OWN = ("repair_reinforce", "rebuild", "new_build")
# an elderly person alone, so that every route's own condition holds
BODY = {
    "relatives": {"subsidy_amount": "0"}, "nursing_home": {"subsidy_amount": "0"},
    "collective_build": {"main_area": "13", "subsidy_amount": "40000"},
    "buy_idle": {"main_area": "12", "subsidy_amount": "35000"},
    "renovate_idle": {"main_area": "15", "subsidy_amount": "30000"},
    "turnover": {"main_area": "13", "subsidy_amount": "20000"},
    "public_rental": {"lease_years": 5, "annual_rent": "2400", "subsidy_amount": "0"},
    "waiver": {"subsidy_amount": "0"},
    "repair_reinforce": {"main_area": "40", "subsidy_amount": "10000",
                         "reinforcement_parts": ["bearing_wall"],
                         "reinforcement_plan": "承重墙加设构造柱和圈梁"},
    "rebuild": {"main_area": "40", "subsidy_amount": "40000"},
    "new_build": {"main_area": "40", "subsidy_amount": "40000"},
}
# household kind -> the house's grade (None: no house), and what each method gets
KINDS = {"houseless": None, "C only house": "C", "D only house": "D", "B house": "B"}


def _expected(kind: str, method: str) -> tuple[int, str | None, str | None]:
    grade = KINDS[kind]
    if grade == "B":
        return 422, "not_eligible", "R-MH-2"
    if method in ROUTES:
        return 201, None, None
    allowed = {None: "new_build", "C": "repair_reinforce", "D": "rebuild"}[grade]
    return (201, None, None) if method == allowed else (422, "method_not_allowed", "R-MH-5")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ROUTES + OWN)
def test_every_route_for_the_houseless_and_the_dangerous_house_alike(
        api, cast, household, make_house, nothing_written, kind, method):
    """"无独立生活能力…的危房户", "置换安置、提供保障性公有住房、养老院安置": the plan's other
    routes are open to a household whose only house is C or D as to one without a house; a C
    house is repaired, never rebuilt; a D house rebuilt; a safe house qualifies for none."""
    family = household(persons=1, aged=72, category="tekun")
    house = make_house(household=family, grade=KINDS[kind]) if KINDS[kind] else None
    body = dict(BODY[method], method=method, house_id=house.pk if house else None)
    if method == "relatives":
        body["host_house_id"] = make_house(household=household(), grade="A").pk
    status, code, rule = _expected(kind, method)
    if status == 201:
        response = apply(api, cast, family, **body)
        assert response.status_code == 201, response.json()
        case = Application.objects.get(pk=response.json()["id"])
        # the old dangerous house stays with the case under R-MH-11
        assert case.house_id == (house.pk if house else None)
    else:
        with nothing_written(family):
            response = apply(api, cast, family, **body)
        refused(response, 422, code, "house_id" if rule == "R-MH-2" else "method", rule)


def _flow(cast, household, house, case) -> Case:
    """A case applied for by another route, driven on by the procedure's steps."""
    flow = Case.__new__(Case)
    flow.cast, flow.household, flow.house, flow.case = cast, household, house, case
    return flow


def test_relatives_the_host_house_is_appraised_and_a_dangerous_one_renovated_first(
        api, cast, household, make_house, nothing_written):
    """"要对接养人住房进行安全性鉴定。接养人房屋为危房的…动员接养人限期自行对房屋进行安全改造":
    the host house is on the register with its grade; a C/D host house is renovated by the
    host within the profile's limit before the placement counts as safe."""
    family = household()
    own = make_house(household=family, grade="D")
    host_family = household()
    unrated = make_house(household=host_family)
    with nothing_written(family):
        refused(apply(api, cast, family, house_id=own.pk, method="relatives",
                      subsidy_amount="0"), 422, "field_required", "host_house_id", "R-MH-5")
        refused(apply(api, cast, family, house_id=own.pk, method="relatives",
                      subsidy_amount="0", host_house_id=unrated.pk),
                422, "host_house_not_appraised", "host_house_id", "R-MH-5")
        refused(apply(api, cast, family, house_id=own.pk, method="relatives",
                      subsidy_amount="0", host_house_id=own.pk),
                422, "not_found", "host_house_id", "R-MH-5")
    host = make_house(household=host_family, grade="C")
    response = apply(api, cast, family, house_id=own.pk, method="relatives",
                     subsidy_amount="0", host_house_id=host.pk, applied_on=str(AGO[40]))
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["host_house_id"] == host.pk
    assert answer["host_renovation_due_on"] == str(rules.months_after(
        AGO[40], MEIHEKOU_2021.relatives_host_renovation_months))
    flow = _flow(cast, family, own, Application.objects.get(pk=answer["id"]))
    flow.to(Status.NOTIFIED)
    # R-MH-11: the D house left behind is demolished within a month of the placement
    assert flow.case.old_house_due_on == rules.old_house_due(AGO[5], MEIHEKOU_2021)
    url = f"{URL}/{flow.case.pk}/transitions"
    accept = {"action": "accept", "passed": True, "final_cost": "0", "on": str(TODAY),
              "members": [{"role": "technical", "name": "赵技术"},
                          {"role": "household", "name": "王大山"}],
              "report_ids": [flow.doc("安置验收")]}
    with nothing_written(flow.case):
        refused(api(cast.shancheng).post(url, accept), 422, "host_house_unsafe",
                "host_house_id", "R-MH-5")
    response = api(cast.shancheng).post(url, {"action": "record_host_renovation",
                                              "on": str(TODAY), "comment": "接养人加固承重墙",
                                              "report_ids": [flow.doc("改造后鉴定")]})
    assert response.status_code == 200, response.json()
    assert response.json()["host_renovated_on"] == str(TODAY)
    response = api(cast.shancheng).post(url, accept)
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "accepted"
    # a safe host house needs no renovation: the act does not concern that case
    other = household()
    safe_host = make_house(household=household(), grade="B")
    placed = Application.objects.get(pk=apply(
        api, cast, other, method="relatives", subsidy_amount="0", host_house_id=safe_host.pk,
        applied_on=str(AGO[40])).json()["id"])
    flow = _flow(cast, other, None, placed)
    flow.to(Status.APPROVED)
    report = flow.doc()
    with nothing_written(flow.case):
        refused(api(cast.shancheng).post(f"{URL}/{placed.pk}/transitions", {
            "action": "record_host_renovation", "report_ids": [report]}),
            409, "host_renovation_not_needed", "method", "R-MH-5")


@pytest.mark.parametrize("persons, aged, allowed", [
    (1, 72, True), (1, 60, True), (1, 59, False), (2, 75, False)])
def test_nursing_home_only_for_an_elderly_person_alone(api, cast, household, make_house,
                                                      nothing_written, persons, aged,
                                                      allowed):
    """"符合养老院安置条件的孤寡…": a household of one elderly person without dependants."""
    family = household(persons=persons, aged=aged, category="tekun")
    house = make_house(household=family, grade="D")
    body = dict(house_id=house.pk, method="nursing_home", subsidy_amount="0")
    if allowed:
        assert apply(api, cast, family, **body).status_code == 201
    else:
        with nothing_written(family):
            refused(apply(api, cast, family, **body), 422, "not_alone_elderly", "method",
                    "R-MH-5")


def test_public_rental_lease_of_five_years_and_rent_recorded_each_year(
        api, cast, household, nothing_written):
    """"租赁期限不少于 5 年，租赁补助由各乡镇（街）自行承担，可按年度分期支付"."""
    family = household()
    with nothing_written(family):
        refused(apply(api, cast, family, method="public_rental", lease_years=3,
                      annual_rent="2400", subsidy_amount="0"),
                422, "lease_too_short", "lease_years", "R-MH-5")
        refused(apply(api, cast, family, method="public_rental", lease_years=5,
                      subsidy_amount="0"), 422, "field_required", "annual_rent", "R-MH-5")
    response = apply(api, cast, family, method="public_rental", lease_years=5,
                     annual_rent="2400", subsidy_amount="0", applied_on=str(AGO[40]))
    assert response.status_code == 201, response.json()
    assert (response.json()["lease_years"], response.json()["annual_rent"]) == (5, "2400.00")
    flow = _flow(cast, family, None, Application.objects.get(pk=response.json()["id"]))
    flow.to(Status.NOTIFIED)
    url = f"{URL}/{flow.case.pk}/transitions"
    rent = {"action": "record_rent", "year_no": 1, "amount": "2400", "paid_on": str(TODAY),
            "voucher": "XZ-2026-01", "voucher_id": flow.doc("租金凭证")}
    response = api(cast.shancheng).post(url, rent)
    assert response.status_code == 200, response.json()
    assert [(y["year_no"], y["amount"]) for y in response.json()["rent_years"]] == [
        (1, "2400.00")]
    with nothing_written(flow.case):
        refused(api(cast.shancheng).post(url, rent), 409, "rent_year_recorded", "year_no",
                "R-MH-5")
        refused(api(cast.shancheng).post(url, {**rent, "year_no": 6}), 422,
                "rent_year_beyond_lease", "year_no", "R-MH-5")
    assert RentYear.objects.filter(application=flow.case).count() == 1


def test_rent_is_recorded_only_for_a_rental(api, cast, new_case, nothing_written):
    flow = new_case()
    flow.to(Status.NOTIFIED)
    with nothing_written(flow.case):
        refused(api(cast.shancheng).post(f"{URL}/{flow.case.pk}/transitions", {
            "action": "record_rent", "year_no": 1, "amount": "100", "voucher": "V"}),
            409, "not_rental", "method", "R-MH-5")


def test_a_waiver_needs_the_agreement_and_images_beside_letter_and_proof(
        api, cast, new_case, nothing_written):
    """"由农户出具放弃改造承诺书和…证明材料…各乡镇（街）政府与农户签订保障其利益的协议并建立档案，
    保留相应的影像资料"."""
    flow = new_case()
    flow.to(Status.NOTIFIED)
    url = f"{URL}/{flow.case.pk}/transitions"
    body = {"action": "waive", "reason": "投靠子女", "letter_id": flow.doc("承诺书"),
            "proof_id": flow.doc("住房证明")}
    with nothing_written(flow.case):
        response = api(cast.shancheng).post(url, body)
    refused(response, 422, "waiver_agreement_required", "agreement_id", "R-MH-5")
    fields = {e["field"] for e in response.json()["error"]["details"]}
    assert {"agreement_id", "image_ids"} <= fields
    response = api(cast.shancheng).post(url, {**body, "agreement_id": flow.doc("协议"),
                                              "image_ids": [flow.doc("影像")]})
    assert response.status_code == 200, response.json()
    kinds = set(flow.case.documents.values_list("kind", flat=True))
    assert {"waiver_letter", "waiver_proof", "waiver_agreement", "waiver_images"} <= kinds


def test_a_c_repair_names_the_dangerous_parts_it_reinforces(
        api, cast, household, make_house, nothing_written):
    """"依据住房安全等级鉴定的危险部位…进行修缮加固…禁止单独进行粉刷、装饰，更换门窗等与提升住房
    安全性无关的改造行为"."""
    family = household()
    house = make_house(household=family, grade="C")
    Appraisal.objects.create(house=house, division_code=house.division_code, method="rural",
                             appraised_on=AGO[30], appraiser="张工", grade="C",
                             components={"bearing_wall": "c", "roof": "c", "foundation": "b"},
                             recorded_by=cast.shancheng)
    body = dict(house_id=house.pk, method="repair_reinforce", main_area="60",
                subsidy_amount="10000")
    with nothing_written(family):
        refused(apply(api, cast, family, **body), 422, "field_required",
                "reinforcement_parts", "R-MH-5")
        refused(apply(api, cast, family, **body, reinforcement_parts=["painting",
                                                                      "doors_windows"],
                      reinforcement_plan="外墙粉刷，更换塑钢门窗"),
                422, "repair_cosmetic_only", "reinforcement_parts", "R-MH-5")
        response = apply(api, cast, family, **body, reinforcement_parts=["bearing_wall"],
                         reinforcement_plan="承重墙加设构造柱")
        refused(response, 422, "reinforcement_parts_missing", "reinforcement_parts",
                "R-MH-5")
        assert "屋面（椽、瓦）" in response.json()["error"]["message"]
    response = apply(api, cast, family, **body,
                     reinforcement_parts=["bearing_wall", "roof", "painting"],
                     reinforcement_plan="承重墙加设构造柱，更换糟朽椽子，修缮后粉刷")
    assert response.status_code == 201, response.json()
    assert response.json()["reinforcement_parts"] == ["bearing_wall", "painting", "roof"]


# ---------------------------------------------------------------- R-MH-7 by strength


def test_the_60_m2_recommendation_asks_for_a_reason(api, cast, household, make_house,
                                                    nothing_written):
    """"原则上 3 人（含）以下农户主房建筑面积宜控制在 60 平方米以内" is a recommendation: above it
    the application says why; "不低于 13 平方米" stays a limit."""
    family = household(persons=3)
    house = make_house(household=family, grade="D")
    body = dict(house_id=house.pk, method="rebuild", main_area="70", subsidy_amount="40000")
    with nothing_written(family):
        refused(apply(api, cast, family, **body), 422, "area_reason_required", "area_reason",
                "R-MH-7")
        refused(apply(api, cast, family, **{**body, "main_area": "38",
                                            "area_reason": "无"}),
                422, "area_below_standard", "main_area", "R-MH-7")
    response = apply(api, cast, family, **body, area_reason="三代同住，需两间卧室")
    assert response.status_code == 201, response.json()
    assert response.json()["area_reason"] == "三代同住，需两间卧室"


@pytest.mark.parametrize("profile, main_area, refused_above", [
    (MEIHEKOU_2021, "30", True), (MEIHEKOU_2021, "26", False), (MEIHEKOU_2021, "20", False),
    (NATIONAL_2022, "30", False), (NATIONAL_2022, "31", True)])
@pytest.mark.parametrize("method", ["collective_build", "buy_idle", "turnover"])
def test_public_and_turnover_housing_at_most_the_lower_bound(profile, main_area,
                                                             refused_above, method):
    """"由各乡镇（街）提供保障性公有住房、周转房的，房屋面积按下限标准控制": at most the lower
    bound for the household, not exactly it — two persons: 2 × 13 = 26 m² under Meihekou's
    rule, 30 m² under the national minimums."""
    problems = rules.area_problems(profile, method, persons=2, main_area=Decimal(main_area),
                                   auxiliary_area=Decimal("0"))
    assert [p.code for p in problems] == (["area_above_standard"] if refused_above else [])


def test_thirty_square_metres_of_public_housing_for_two_persons_is_refused_in_meihekou(
        api, cast, household, nothing_written):
    family = household(persons=2)
    with nothing_written(family):
        refused(apply(api, cast, family, method="collective_build", main_area="30",
                      subsidy_amount="40000"), 422, "area_above_standard", "main_area",
                "R-MH-7")
    assert apply(api, cast, family, method="collective_build", main_area="24",
                 subsidy_amount="40000").status_code == 201


@pytest.mark.parametrize("main_area, code", [
    ("45", None), ("39", None), ("54", None), ("36", "area_below_standard"),
    ("60", "area_above_standard")])
def test_a_renovated_existing_building_is_judged_by_its_space_per_person(
        api, cast, household, nothing_written, main_area, code):
    """"对现有旧校舍、旧厂（场）房等闲置房屋修缮改造": the building's area is given, so it is
    judged by what it gives each person — 13 m² at least, 18 m² at most: a 45 m² building for
    three persons (15 m² each) is accepted."""
    family = household(persons=3)
    body = dict(method="renovate_idle", main_area=main_area, subsidy_amount="30000")
    if code is None:
        assert apply(api, cast, family, **body).status_code == 201
    else:
        with nothing_written(family):
            refused(apply(api, cast, family, **body), 422, code, "main_area", "R-MH-7")


def test_the_old_house_of_a_placement_is_marked_demolished_in_the_register(
        cast, household, make_house):
    """R-MH-11 with R-CJ-8a: the D house a placed household leaves is demolished within the
    month and the register shows it demolished, out of the standing houses."""
    family = household()
    own = make_house(household=family, grade="D")
    host = make_house(household=household(), grade="A")
    from anju.assistance import actions, commands

    case = actions.apply(family, commands.Apply(
        household_id=family.pk, house_id=own.pk, method="relatives", subsidy_amount=0,
        host_house_id=host.pk, applied_on=AGO[40]), acting_user=cast.cadre)
    flow = _flow(cast, family, own, case)
    flow.to(Status.NOTIFIED)
    flow.act("record_old_house", cast.shancheng, treatment="demolished", on=TODAY,
             photo_ids=[flow.doc("原房拆除")])
    own.refresh_from_db()
    assert (own.status, own.demolished_on) == ("demolished", TODAY)
    assert not House.objects.standing().filter(household=family).exists()


def test_the_application_page_asks_a_c_repair_for_its_reinforcement_plan(
        cast, household, make_house, settings, tmp_path):
    """The page offers the dangerous parts as boxes and refuses cosmetic work alone, beside the
    field, keeping what the clerk typed."""
    from anju.assistance.tests.test_pages import page, upload

    settings.MEDIA_ROOT = tmp_path / "media"
    family = household()
    house = make_house(household=family, grade="C")
    client = page(cast.cadre)
    url = f"/assistance/households/{family.pk}/apply/"
    body = client.get(url).content.decode()
    assert 'type="checkbox" name="reinforcement_parts" value="bearing_wall"' in body
    form = {"house": house.pk, "method": "repair_reinforce", "persons": "3",
            "main_area": "60", "subsidy_amount": "9000", "applied_on": str(TODAY),
            "reinforcement_parts": ["painting", "doors_windows"],
            "reinforcement_plan": "外墙粉刷，更换门窗", "document_id": upload("申请书.png")}
    r = client.post(url, form)
    text = r.content.decode()
    assert r.status_code == 422
    assert "只粉刷、装饰或更换门窗不属于维修加固" in text and "外墙粉刷，更换门窗" in text
    assert not Application.objects.filter(household=family).exists()
    r = client.post(url, {**form, "reinforcement_parts": ["bearing_wall", "painting"],
                          "reinforcement_plan": "承重墙加设构造柱，外墙粉刷",
                          "document_id": upload("申请书.png")})
    assert r.status_code == 302
    case = Application.objects.get(household=family)
    assert case.reinforcement_parts == ["bearing_wall", "painting"]
