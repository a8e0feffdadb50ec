"""No act takes a date before 1949 (anju/dates.py): a slip such as 0218 for 2018 is refused,
naming the field, and writes nothing. A plan's date (a deadline, the end of a notice, of a
validity or of a warranty) may lie ahead; no act's may."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps

from anju.assistance import actions as assistance
from anju.assistance import commands
from anju.assistance.codes import Status
from anju.assistance.models import Application, Certification, Payment
from anju.assistance.tests.conftest import AGO, TODAY, Case, act, certify
from anju.kit.errors import ValidationErrors
from anju.registry.models import ResponsiblePerson

pytestmark = pytest.mark.django_db

BAD = date(218, 5, 1)
AHEAD = TODAY + timedelta(days=400)
APPS = ("registry", "appraisal", "rectification", "assistance", "quality", "field", "audit")


def snapshot(*records) -> tuple:
    """Every row count of the domain apps and the audit log, and the records' own values."""
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()
              if m._meta.app_label in APPS}
    return counts, [type(r).objects.filter(pk=r.pk).values().get() for r in records]


def refused(errors, field: str) -> None:
    assert ("date_too_early", field) in {(e.code, e.field) for e in errors}
    message = next(e.message for e in errors if e.field == field)
    assert "不能早于1949年" in message and "0218-05-01" in message


# ---------------------------------------------------------------- over the API


def components(rating: str) -> dict:
    from anju.appraisal.codes import Component

    return {c: rating for c in Component.values}


def appraisal_body(rating="a", on=TODAY, **fields) -> dict:
    return {"appraised_on": str(on), "appraiser": "张工", "organization": "梅河口市住建局",
            "site": "safe", "components": components(rating), "prevention": "full", **fields}


def dangerous_house(api, cast, make_house, make_household, rating="d"):
    household = make_household()
    house = make_house(household=household)
    for role, name in (("owner", "王大山"), ("user", "王大山"), ("supervisor", "李镇长")):
        ResponsiblePerson.objects.create(house=house, role=role, name=name, phone="13900001111")
    r = api(cast.appraiser1).post(f"/api/v1/houses/{house.pk}/appraisals",
                                  appraisal_body(rating, on=AGO[30]))
    assert r.status_code == 201, r.json()
    from anju.rectification.models import LedgerEntry

    return house, LedgerEntry.objects.get(house=house)


def entry_at(api, cast, house_and_entry, step: str):
    """The entry brought to where `step` may be taken."""
    house, entry = house_and_entry
    clerk = api(cast.shancheng)
    path = f"/api/v1/rectifications/{entry.pk}"
    if step in ("acceptance", "close"):
        r = clerk.post(f"{path}/measures", {"kind": "demolish", "started_on": str(AGO[20]),
                                            "completed_on": str(AGO[10])})
        assert r.status_code == 201, r.json()
    if step == "close":
        from anju.rectification.tests.conftest import at_the_house

        r = clerk.post(f"{path}/acceptance", {"accepted_on": str(AGO[5]), "passed": True,
                                              "inspectors": ["张工"],
                                              "evidence_id": at_the_house(entry.pk,
                                                                          cast.shancheng)})
        assert r.status_code == 201, r.json()
    entry.refresh_from_db()
    return entry


# (id, user, path of the house or entry, the body with the date, the field)
API_ACTS = [
    ("screening", "shancheng", "house", "/screenings",
     lambda d: {"checked_on": d, "level": "village", "items": []}, "checked_on"),
    ("inspection", "shancheng", "house", "/inspections",
     lambda d: {"level": "township", "inspected_on": d, "findings": "墙体开裂"}, "inspected_on"),
    ("appraisal", "appraiser1", "house", "/appraisals",
     lambda d: appraisal_body(on=d), "appraised_on"),
    ("verification", "mhk_housing", "house", "/verifications",
     lambda d: {"verified_on": d, "differences": [
         {"field": "floors", "observed": 2, "reason": "加盖一层"}]}, "verified_on"),
    ("measure-started", "shancheng", "entry", "/measures",
     lambda d: {"kind": "evacuate", "started_on": d, "completed_on": str(AGO[5])},
     "started_on"),
    ("measure-completed", "shancheng", "entry", "/measures",
     lambda d: {"kind": "evacuate", "started_on": str(AGO[5]), "completed_on": d},
     "completed_on"),
    ("control-check", "shancheng", "entry", "/checks",
     lambda d: {"level": "village", "checked_on": d, "holds": True}, "checked_on"),
    ("engineering-plan", "shancheng", "entry", "/plan",
     lambda d: {"plan": "明年开春拆除重建", "due_on": d}, "due_on"),
    ("acceptance", "shancheng", "entry", "/acceptance",
     lambda d: {"accepted_on": d, "passed": True, "inspectors": ["张工"]}, "accepted_on"),
    ("close", "mhk_housing", "entry", "/close", lambda d: {"closed_on": d}, "closed_on"),
]


@pytest.mark.parametrize(("user", "target", "step", "body", "field"),
                         [a[1:] for a in API_ACTS], ids=[a[0] for a in API_ACTS])
def test_an_act_dated_before_1949_is_refused_over_the_api_and_nothing_is_written(
        api, cast, make_house, make_household, user, target, step, body, field):
    house, entry = dangerous_house(api, cast, make_house, make_household)
    if target == "entry":
        entry = entry_at(api, cast, (house, entry), step.strip("/"))
        path, record = f"/api/v1/rectifications/{entry.pk}{step}", entry
    else:
        path, record = f"/api/v1/houses/{house.pk}{step}", house
    before = snapshot(record, house)
    r = api(getattr(cast, user)).post(path, body(BAD.isoformat()))
    assert r.status_code == 422, r.json()
    error = r.json()["error"]
    errors = [error, *error.get("details", [])]
    assert ("date_too_early", field) in {(e["code"], e["field"]) for e in errors}
    assert snapshot(record, house) == before


def test_an_inspection_from_a_phone_dated_0218_is_rejected_and_applies_nothing(
        api, cast, make_house, make_household, settings, tmp_path):
    from anju.field.models import Submission
    from anju.field.tests.conftest import capture

    settings.MEDIA_ROOT = tmp_path
    house = make_house(household=make_household())
    before = snapshot(house)
    r = api(cast.cadre).post("/api/v1/field/submissions", capture("inspection", {
        "house_id": house.pk, "level": "village", "inspected_on": BAD.isoformat(),
        "findings": "无"}))
    assert r.status_code == 422, r.json()
    assert (r.json()["status"], r.json()["error"]["code"], r.json()["error"]["field"]) == (
        "rejected", "date_too_early", "inspected_on")
    counts, rows = snapshot(house)
    assert counts == before[0] | {"field.Submission": before[0]["field.Submission"] + 1}
    assert rows == before[1]
    assert Submission.objects.get().status == "rejected"


@pytest.mark.parametrize(("captured_at", "code"), [
    ("0218-05-01T09:30:00+08:00", "date_too_early"),
    ("0001-01-01T00:00:00+08:00", "date_too_early"),
    ("9999-12-31T23:59:59-08:00", "date_in_future"),
])
def test_a_capture_taken_by_a_broken_clock_is_refused_and_not_stored(
        api, cast, make_house, make_household, settings, tmp_path, captured_at, code):
    from anju.field.tests.conftest import capture

    settings.MEDIA_ROOT = tmp_path
    house = make_house(household=make_household())
    before = snapshot(house)
    r = api(cast.cadre).post("/api/v1/field/submissions", capture("screening", {
        "house_id": house.pk, "checked_on": str(TODAY), "level": "village", "items": []},
        captured_at=captured_at))
    assert r.status_code == 422, r.json()
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == (code, "captured_at")
    assert snapshot(house) == before


# ---------------------------------------------------------------- housing security verbs


class Reached(Exception):
    """The act under test was refused as it should be; the walk stops there."""


class BadDateCase(Case):
    """A case driven as the policy runs it, except that one act is given a date in 0218."""

    def __init__(self, action: str, field: str, *args, **kwargs):
        self.target = (action, field)
        super().__init__(*args, **kwargs)

    def act(self, action, user, **data):
        if action != self.target[0]:
            return super().act(action, user, **data)
        field = self.target[1]
        data[field] = BAD
        before = snapshot(self.case, self.household)
        with pytest.raises(ValidationErrors) as caught:
            super().act(action, user, **data)
        refused(caught.value.errors, field)
        assert snapshot(self.case, self.household) == before
        raise Reached


def _objection(flow, c):
    flow.to(Status.TOWNSHIP_REVIEWED)
    flow.act("record_objection", c.cadre, text="邻居反映其另有住房")


def _resolution(flow, c):
    flow.to(Status.TOWNSHIP_REVIEWED)
    objection = act(flow.case, "record_objection", c.cadre, text="邻居反映其另有住房", on=AGO[10])
    flow.act("resolve_objection", c.shancheng, objection_id=objection.pk, resolution="经核实无误")


def _waiver(flow, c):
    flow.to(Status.TOWNSHIP_REVIEWED)
    flow.act("waive", c.shancheng, reason="投靠子女", letter_id=flow.doc("申请书"),
             proof_id=flow.doc("子女房产证明"))


def _rejection(flow, c):
    flow.act("reject", c.shancheng, reason="另有安全住房")


def _city_check(flow, c):
    flow.to(Status.ACCEPTED)
    flow.act("city_check", c.mhk_housing, passed=True)


def _handover(flow, c):
    _city_check(flow, c)  # R-MH-10: handover waits for the city office's check
    flow.act("handover", c.shancheng)


def _retention(flow, c):
    _city_check(flow, c)
    Application.objects.filter(pk=flow.case.pk).update(township_built=True)
    flow.case.refresh_from_db()
    act(flow.case, "pay", c.mhk_finance, amount=flow.case.subsidy_amount - Decimal("2000"),
        retention=Decimal("2000"), warranty_until=AGO[5], paid_on=TODAY, account="yikatong",
        voucher="PZ-1")
    flow.case.refresh_from_db()
    flow.act("release_retention", c.mhk_finance)


# (action, field, the walk to it: a status of Case.STEPS, or a function)
CASE_ACTS = [
    ("village_review", "on", Status.VILLAGE_REVIEWED),
    ("township_review", "on", Status.TOWNSHIP_REVIEWED),
    ("publish_notice", "starts_on", Status.TOWNSHIP_REVIEWED),
    ("publish_notice", "ends_on", Status.TOWNSHIP_REVIEWED),
    ("record_objection", "on", _objection),
    ("resolve_objection", "on", _resolution),
    ("department_approve", "on", Status.APPROVED),
    ("notify", "on", Status.NOTIFIED),
    ("waive", "on", _waiver),
    ("reject", "on", _rejection),
    ("register_design", "on", Status.UNDER_CONSTRUCTION),
    ("register_builder", "on", Status.UNDER_CONSTRUCTION),
    ("register_agreement", "on", Status.UNDER_CONSTRUCTION),
    ("start_construction", "on", Status.UNDER_CONSTRUCTION),
    ("stage_inspection", "on", Status.COMPLETED),
    ("complete", "on", Status.COMPLETED),
    ("accept", "on", Status.ACCEPTED),
    ("city_check", "on", _city_check),
    ("handover", "on", _handover),
    ("pay", "paid_on", Status.PAID),
    ("pay", "warranty_until", Status.PAID),
    ("release_retention", "on", _retention),
    ("record_old_house", "on", Status.CLOSED),
    ("close", "on", Status.CLOSED),
]


@pytest.mark.parametrize(("action", "field", "walk"), CASE_ACTS,
                         ids=[f"{a}-{f}" for a, f, _ in CASE_ACTS])
def test_a_case_act_dated_before_1949_is_refused_and_nothing_is_written(
        cast, make_household, make_house, action, field, walk):
    flow = BadDateCase(action, field, cast, make_household, make_house)
    with pytest.raises(Reached):
        flow.to(walk) if isinstance(walk, str) else walk(flow, cast)


@pytest.mark.parametrize("field", ["certified_on", "valid_until"])
def test_a_certification_dated_before_1949_is_refused(cast, make_household, field):
    household = make_household()
    dates = {"certified_on": AGO[10], "valid_until": None} | {field: BAD}
    before = snapshot(household)
    with pytest.raises(ValidationErrors) as caught:
        certify(household, cast.mhk_civil, "dibao", dates.pop("certified_on"), **dates)
    refused(caught.value.errors, field)
    assert snapshot(household) == before


def test_a_lapse_dated_before_1949_is_refused(cast, make_household):
    made = certify(make_household(), cast.mhk_civil, "dibao", AGO[10])
    before = snapshot(made)
    with pytest.raises(ValidationErrors) as caught:
        assistance.lapse(made, commands.Lapse(lapsed_on=BAD, reason="收入超过标准"),
                         acting_user=cast.mhk_civil)
    refused(caught.value.errors, "lapsed_on")
    assert snapshot(made) == before


def test_an_application_dated_before_1949_is_refused(cast, make_household, make_house):
    household = make_household()
    house = make_house(household=household, grade="D")
    certify(household, cast.mhk_civil, "dibao", AGO[60])
    before = snapshot(household)
    with pytest.raises(ValidationErrors) as caught:
        assistance.apply(household, commands.Apply(
            household_id=household.pk, house_id=house.pk, method="rebuild",
            main_area=Decimal("50"), subsidy_amount=Decimal("40000"), applied_on=BAD),
            acting_user=cast.cadre)
    refused(caught.value.errors, "applied_on")
    assert snapshot(household) == before


def test_a_craftsman_trained_before_1949_is_refused(cast):
    before = snapshot()
    with pytest.raises(ValidationErrors) as caught:
        assistance.register_craftsman(commands.RegisterCraftsman(
            name="李工匠", id_number="220581198001010011", division_code="220581100",
            certificate_no="GJ-001", trained_on=BAD, valid_until=TODAY + timedelta(365)),
            acting_user=cast.shancheng)
    refused(caught.value.errors, "trained_on")
    assert snapshot() == before


# ---------------------------------------------------------------- plans may lie ahead


def test_the_dates_of_plans_may_lie_ahead(api, cast, make_house, make_household):
    house, entry = dangerous_house(api, cast, make_house, make_household)
    r = api(cast.shancheng).post(f"/api/v1/rectifications/{entry.pk}/plan",
                                 {"plan": "明年开春拆除重建", "due_on": str(AHEAD)})
    assert r.status_code == 200, r.json()
    assert r.json()["engineering_due_on"] == str(AHEAD)

    household = make_household()
    made = certify(household, cast.mhk_civil, "dibao", AGO[10], valid_until=AHEAD)
    assert Certification.objects.get(pk=made.pk).valid_until == AHEAD

    flow = Case(cast, make_household, make_house)
    flow.to(Status.VILLAGE_REVIEWED)
    flow.act("publish_notice", cast.cadre, level="village", starts_on=TODAY,
             ends_on=TODAY + timedelta(days=10))
    assert flow.case.notices.get().ends_on == TODAY + timedelta(days=10)

    flow = Case(cast, make_household, make_house)
    flow.to(Status.ACCEPTED)
    flow.act("city_check", cast.mhk_housing, passed=True)
    Application.objects.filter(pk=flow.case.pk).update(township_built=True)
    flow.case.refresh_from_db()
    flow.act("pay", cast.mhk_finance, amount=flow.case.subsidy_amount - Decimal("2000"),
             retention=Decimal("2000"), warranty_until=AHEAD, paid_on=TODAY,
             account="yikatong", voucher="PZ-2")
    assert Payment.objects.get(application=flow.case).warranty_until == AHEAD


@pytest.mark.parametrize(("act", "field"), [
    ("village_review", "on"), ("publish_notice", "starts_on"), ("pay", "paid_on")])
def test_an_acts_date_after_today_is_still_refused(cast, make_household, make_house,
                                                   act, field):
    flow = Case(cast, make_household, make_house)
    data = {"village_review": dict(passed=True, attendance=35, minutes_id=flow.doc()),
            "publish_notice": dict(level="village", ends_on=TODAY + timedelta(days=20)),
            "pay": dict(amount=Decimal("40000"), account="yikatong", voucher="PZ-3")}[act]
    flow.to({"village_review": Status.APPLIED, "publish_notice": Status.VILLAGE_REVIEWED,
             "pay": Status.ACCEPTED}[act])
    if act == "pay":
        flow.act("city_check", cast.mhk_housing, passed=True)
    with pytest.raises(ValidationErrors) as caught:
        flow.act(act, cast.mhk_finance if act == "pay" else cast.cadre,
                 **data, **{field: TODAY + timedelta(days=1)})
    assert ("date_in_future", field) in {(e.code, e.field) for e in caught.value.errors}
