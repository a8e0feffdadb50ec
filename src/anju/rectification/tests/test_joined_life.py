"""R-CJ-8a One house, one life: the ledger and the renovation procedure act on the same house.
"A renovation case of a house with an open ledger entry *is* that entry's engineering measure:
the case's start, acceptance and (for a repair) re-appraisal are recorded once and appear on
both; the entry signs off through R-CJ-8 without re-entry."""

from decimal import Decimal

import pytest
from django.utils import timezone

from anju.appraisal.codes import Component
from anju.assistance import actions as case_actions
from anju.assistance import commands as case_commands
from anju.assistance.tests.conftest import AGO, TODAY, Case, certify, scan
from anju.rectification.models import LedgerEntry
from anju.rectification.tests.conftest import appraisal_body
from anju.registry.models import House

pytestmark = pytest.mark.django_db


class LedgerCase(Case):
    """A case opened on a house that is already on the ledger."""

    def __init__(self, cast, house):
        self.cast, self.house, self.household = cast, house, house.household
        certify(self.household, cast.mhk_civil, "dibao", AGO[60])
        form = scan(self.household, cast.cadre, "申请书").pk
        self.case = case_actions.apply(self.household, case_commands.Apply(
            household_id=self.household.pk, document_id=form, house_id=house.pk,
            method="rebuild" if house.grade == "D" else "repair_reinforce",
            main_area=Decimal("50"), auxiliary_area=Decimal("10"),
            subsidy_amount=Decimal("40000") if house.grade == "D" else Decimal("10000"),
            applied_on=AGO[40], **({} if house.grade == "D" else {
                # R-MH-5: the plan names every part the appraisal found dangerous
                "reinforcement_parts": list(Component.values),
                "reinforcement_plan": "承重构件加固，屋架更换"})), acting_user=cast.cadre)


@pytest.fixture
def case_on_ledger(cast, on_ledger):
    def make(rating: str):
        house, entry_id = on_ledger(rating)
        house.refresh_from_db()
        return LedgerCase(cast, house), entry_id

    return make


def _entry(api, cast, entry_id) -> dict:
    response = api(cast.mhk_housing).get(f"/api/v1/rectifications/{entry_id}")
    assert response.status_code == 200
    return response.json()


def test_starting_the_case_records_the_engineering_measure_on_the_entry(api, cast,
                                                                        case_on_ledger):
    """"Starting the case's construction records the measure on the entry.\""""
    case, entry_id = case_on_ledger("c")
    case.to("under_construction")
    measures = _entry(api, cast, entry_id)["measures"]
    engineering = [m for m in measures if m["kind"] == "repair_reinforce"]
    assert len(engineering) == 1
    assert engineering[0]["source"] == "application"
    assert engineering[0]["application_id"] == case.case.pk
    assert engineering[0]["started_on"] == str(AGO[5])


def test_a_c_repair_cases_acceptance_appears_on_the_ledger_entry_without_re_entry(
        api, cast, case_on_ledger):
    """"The case's acceptance is the entry's acceptance"; "a repaired house needs a new
    appraisal of A or B", recorded once by the appraisal app, and the entry signs off."""
    case, entry_id = case_on_ledger("c")
    case.to("accepted")
    body = _entry(api, cast, entry_id)
    assert body["status"] == "accepted"
    assert body["acceptance"]["source"] == "application"
    assert body["acceptance"]["application_id"] == case.case.pk
    assert body["acceptance"]["passed"] is True
    assert {m["source"] for m in body["measures"] if m["kind"] == "repair_reinforce"} == \
        {"application"}
    # the re-appraisal is still wanted: no proposal, the case and the sign-off say why
    assert body["signoff_proposed_on"] is None
    on_case = api(cast.shancheng).get(f"/api/v1/applications/{case.case.pk}").json()
    assert on_case["ledger_entry"]["waiting_for"] == "维修加固后须重新鉴定为 A 级或 B 级方可销号"
    refused = api(cast.mhk_housing).post(f"/api/v1/rectifications/{entry_id}/close",
                                         {"closed_on": str(TODAY)})
    assert refused.status_code == 409
    assert refused.json()["error"]["field"] == "appraisal"
    # the repaired house is appraised once, in the appraisal app; both sides see it
    reappraised = api(cast.appraiser1).post(f"/api/v1/houses/{case.house.pk}/appraisals",
                                            appraisal_body("a", on=0))
    assert reappraised.status_code == 201, reappraised.json()
    body = _entry(api, cast, entry_id)
    assert body["signoff_proposed_on"] == str(TODAY)
    closed = api(cast.mhk_housing).post(f"/api/v1/rectifications/{entry_id}/close",
                                        {"closed_on": str(TODAY)})
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"


def test_a_sign_off_while_the_cases_acceptance_failed_is_refused_and_nothing_written(
        api, cast, case_on_ledger, nothing_written):
    """R-CJ-8a: a failed acceptance of the case is the entry's failed acceptance."""
    case, entry_id = case_on_ledger("c")
    case.to("completed")
    case.act("accept", cast.shancheng, passed=False, on=TODAY, members=Case.MEMBERS,
             final_cost=Decimal("12000"), note="圈梁未按方案施工",
             evidence_id=case.on_site("acceptance"))
    body = _entry(api, cast, entry_id)
    assert body["acceptance"]["source"] == "application"
    assert body["acceptance"]["passed"] is False
    entry = LedgerEntry.objects.get(pk=entry_id)
    with nothing_written(entry):
        refused = api(cast.mhk_housing).post(f"/api/v1/rectifications/{entry_id}/close",
                                             {"closed_on": str(TODAY)})
    assert refused.status_code == 409
    assert refused.json()["error"]["rule"] == "R-CJ-8a"
    assert refused.json()["error"]["code"] == "signoff_not_allowed"


def test_a_d_house_rebuilt_through_a_case_ends_demolished_with_a_new_house_and_a_closed_entry(
        api, cast, case_on_ledger):
    """"A D house rebuilt ... is marked demolished (it leaves the counts of standing houses),
    and the new house is a new house record of the household, graded after acceptance";
    "Counts never show a rebuilt house as a standing D house.\""""
    case, entry_id = case_on_ledger("d")
    old = case.house
    assert LedgerEntry.objects.get(pk=entry_id).red_alert
    case.to("accepted")
    new = House.objects.get(replaces_house=old)
    assert new.household_id == old.household_id and new.grade == "unrated"
    # the old house is still standing: the entry waits for its demolition
    assert _entry(api, cast, entry_id)["signoff_proposed_on"] is None
    case.act("record_old_house", cast.shancheng, treatment="demolished", on=TODAY,
             photo_ids=[case.doc("原房拆除")])
    old.refresh_from_db()
    assert old.status == "demolished" and old.demolished_on == TODAY
    body = _entry(api, cast, entry_id)
    assert body["red_alert"] is False
    assert {(m["kind"], m["source"]) for m in body["measures"]
            if m["category"] == "engineering"} == {("rebuild", "application"),
                                                   ("demolish", "application")}
    assert body["signoff_proposed_on"] == str(TODAY)
    # the new house is graded by its own appraisal after acceptance
    graded = api(cast.appraiser1).post(f"/api/v1/houses/{new.pk}/appraisals",
                                       appraisal_body("a", on=0))
    assert graded.status_code == 201, graded.json()
    closed = api(cast.mhk_housing).post(f"/api/v1/rectifications/{entry_id}/close",
                                        {"closed_on": str(TODAY)})
    assert closed.status_code == 200, closed.json()
    # both houses, linked, on the house API
    old_body = api(cast.mhk_housing).get(f"/api/v1/houses/{old.pk}").json()
    new_body = api(cast.mhk_housing).get(f"/api/v1/houses/{new.pk}").json()
    assert old_body["status"] == "demolished" and old_body["demolished_on"] == str(TODAY)
    assert new_body["status"] == "standing" and new_body["replaces_house_id"] == old.pk
    assert new_body["grade"] == "A"
    # the counts show no standing D house
    standing = api(cast.mhk_housing).get("/api/v1/houses", {"grade": "D"}).json()
    assert standing["total"] == 0
    every = api(cast.mhk_housing).get("/api/v1/houses", {"grade": "D", "status": "all"}).json()
    assert [h["id"] for h in every["items"]] == [old.pk]
    assert timezone.localdate() == TODAY


def test_the_case_shows_the_entry_it_is_the_measure_of(api, browser, cast, case_on_ledger):
    """R-CJ-8a "one record, seen from both sides": the case shows the entry's number and
    state, the entry links the case."""
    case, entry_id = case_on_ledger("c")
    case.to("under_construction")
    entry = LedgerEntry.objects.get(pk=entry_id)
    body = api(cast.mhk_housing).get(f"/api/v1/applications/{case.case.pk}").json()
    assert body["ledger_entry"] == {"id": entry_id, "number": entry.number, "status": "open",
                                    "signoff_proposed_on": None, "waiting_for": None}
    page = browser(cast.shancheng).get(f"/assistance/cases/{case.case.pk}/").content.decode()
    assert entry.number in page
    ledger_page = browser(cast.shancheng).get(f"/rectification/{entry_id}/").content.decode()
    assert f"/assistance/cases/{case.case.pk}/" in ledger_page


def _second_application(case):
    return case_actions.apply(case.household, case_commands.Apply(
        household_id=case.household.pk, document_id=case.doc("申请书"), method="new_build",
        main_area=Decimal("50"), auxiliary_area=Decimal("10"), subsidy_amount=Decimal("40000"),
        applied_on=TODAY), acting_user=case.cast.cadre)


def test_a_household_whose_rebuilt_house_is_safe_does_not_qualify_again(api, cast,
                                                                        case_on_ledger):
    """R-MH-2: "A household that has a safe (A/B) standing house, or whose earlier case ended
    with a new or repaired house, does not qualify.\""""
    from anju.kit.errors import RuleViolation

    case, _ = case_on_ledger("d")
    case.to("accepted")
    case.act("record_old_house", cast.shancheng, treatment="demolished", on=TODAY,
             photo_ids=[case.doc("原房拆除")])
    new = House.objects.get(replaces_house=case.house)
    assert api(cast.appraiser1).post(f"/api/v1/houses/{new.pk}/appraisals",
                                     appraisal_body("a", on=0)).status_code == 201
    case.to("closed")
    with pytest.raises(RuleViolation) as refused:
        _second_application(case)
    assert refused.value.rule == "R-MH-2"
