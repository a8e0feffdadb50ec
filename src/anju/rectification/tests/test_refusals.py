"""Every refusal of the loop names its rule, and changes nothing: no row, no transition."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.rectification import actions
from anju.rectification.models import LedgerEntry, Transition
from anju.rectification.tests.conftest import at_the_house, days_ago
from anju.rectification.tests.test_closed_loop import entry_path

pytestmark = pytest.mark.django_db


def done(api, user, entry_id, kind, start, end):
    r = api(user).post(entry_path(entry_id, "measures"),
                       {"kind": kind, "started_on": days_ago(start), "completed_on": days_ago(end)})
    assert r.status_code == 201, r.json()


def refused(response, status, code, rule=None, field=None):
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert (error["code"], error["rule"], error["field"]) == (code, rule, field)


def test_sign_off_before_acceptance_is_refused_with_the_unmet_rule(api, cast, on_ledger,
                                                                   nothing_written):
    house, entry_id = on_ledger("d")
    with nothing_written(house, LedgerEntry.objects.get(pk=entry_id)):
        refused(api(cast.mhk_housing).post(entry_path(entry_id, "close"),
                                           {"closed_on": days_ago(1)}),
                409, "signoff_not_allowed", "R-CJ-8", "measures")
    done(api, cast.shancheng, entry_id, "demolish", 10, 8)
    with nothing_written(house, LedgerEntry.objects.get(pk=entry_id)):
        refused(api(cast.mhk_housing).post(entry_path(entry_id, "close"),
                                           {"closed_on": days_ago(1)}),
                409, "signoff_not_allowed", "R-CJ-8", "acceptance")


def test_acceptance_before_any_engineering_measure_is_complete_is_refused(api, cast, on_ledger,
                                                                          nothing_written):
    house, entry_id = on_ledger("c")
    done(api, cast.shancheng, entry_id, "evacuate", 20, 20)
    api(cast.shancheng).post(entry_path(entry_id, "measures"),
                             {"kind": "repair_reinforce", "started_on": days_ago(5)})
    with nothing_written(house, LedgerEntry.objects.get(pk=entry_id)):
        refused(api(cast.shancheng).post(entry_path(entry_id, "acceptance"),
                                         {"accepted_on": days_ago(1), "passed": True,
                                          "inspectors": ["张工"]}),
                409, "acceptance_not_allowed", "R-CJ-8", "measures")


def test_a_control_check_on_a_closed_entry_is_refused(api, cast, on_ledger, nothing_written):
    house, entry_id = on_ledger("d")
    done(api, cast.shancheng, entry_id, "demolish", 10, 8)
    api(cast.shancheng).post(entry_path(entry_id, "acceptance"),
                             {"accepted_on": days_ago(5), "passed": True, "inspectors": ["张工"],
                              "evidence_id": at_the_house(entry_id, cast.shancheng)})
    r = api(cast.mhk_housing).post(entry_path(entry_id, "close"), {"closed_on": days_ago(4)})
    assert r.json()["status"] == "closed"
    with nothing_written(house, LedgerEntry.objects.get(pk=entry_id)):
        refused(api(cast.shancheng).post(entry_path(entry_id, "checks"),
                                         {"level": "township", "checked_on": days_ago(1),
                                          "holds": True}),
                409, "entry_closed", "R-CJ-7", "status")
        refused(api(cast.shancheng).post(entry_path(entry_id, "measures"),
                                         {"kind": "barrier", "completed_on": days_ago(1)}),
                409, "entry_closed", "R-CJ-8", "status")
        refused(api(cast.mhk_housing).post(entry_path(entry_id, "close"),
                                           {"closed_on": days_ago(1)}),
                409, "entry_closed", "R-CJ-8", "status")


def test_a_measure_dated_before_the_appraisal_is_refused(api, cast, on_ledger, nothing_written):
    house, entry_id = on_ledger("c")  # appraised 30 days ago
    with nothing_written(house, LedgerEntry.objects.get(pk=entry_id)):
        refused(api(cast.shancheng).post(entry_path(entry_id, "measures"),
                                         {"kind": "evacuate", "started_on": days_ago(31),
                                          "completed_on": days_ago(31)}),
                422, "measure_before_appraisal", "R-CJ-5", "started_on")
        refused(api(cast.shancheng).post(entry_path(entry_id, "measures"),
                                         {"kind": "demolish", "started_on": days_ago(-1)}),
                422, "date_in_future", None, "started_on")
        refused(api(cast.shancheng).post(entry_path(entry_id, "measures"),
                                         {"kind": "paint", "started_on": days_ago(1)}),
                422, "choice_invalid", "R-CJ-5", "kind")


@pytest.mark.parametrize("outsider", ["hongmei", "huinan_housing"])
def test_a_check_from_a_user_outside_the_scope_is_not_found(api, cast, on_ledger,
                                                            nothing_written, outsider):
    house, entry_id = on_ledger("c")
    with nothing_written(house, LedgerEntry.objects.get(pk=entry_id)):
        refused(api(getattr(cast, outsider)).post(entry_path(entry_id, "checks"), {
            "level": "township", "checked_on": days_ago(1), "holds": True}),
            404, "not_found")
        assert api(getattr(cast, outsider)).get(entry_path(entry_id)).status_code == 404


@pytest.mark.parametrize(("username", "step", "body"), [
    ("appraiser1", "measures", {"kind": "evacuate", "completed_on": days_ago(1)}),
    ("appraiser1", "checks", {"level": "county", "checked_on": days_ago(1), "holds": True}),
    ("cadre", "acceptance", {"accepted_on": days_ago(1), "passed": True, "inspectors": ["x"]}),
    ("shancheng", "close", {"closed_on": days_ago(1)}),
    ("mhk_civil", "close", {"closed_on": days_ago(1)}),
])
def test_a_role_without_the_step_is_forbidden(api, cast, on_ledger, nothing_written, username,
                                              step, body):
    house, entry_id = on_ledger("c")
    with nothing_written(house, LedgerEntry.objects.get(pk=entry_id)):
        refused(api(getattr(cast, username)).post(entry_path(entry_id, step), body),
                403, "forbidden")


def test_a_stale_version_is_a_conflict(api, cast, on_ledger, nothing_written):
    house, entry_id = on_ledger("c")
    with nothing_written(house, LedgerEntry.objects.get(pk=entry_id)):
        refused(api(cast.shancheng).post(entry_path(entry_id, "checks"), {
            "level": "village", "checked_on": days_ago(1), "holds": True, "version": 99}),
            409, "version_conflict", None, "version")


def test_a_broken_measure_raises_an_alert_and_the_house_is_no_longer_controlled(api, cast,
                                                                                on_ledger):
    _, entry_id = on_ledger("d")
    done(api, cast.shancheng, entry_id, "barrier", 20, 20)
    r = api(cast.cadre).post(entry_path(entry_id, "checks"), {
        "level": "villager_report", "checked_on": days_ago(2), "holds": False})
    assert (r.status_code, r.json()["error"]["field"]) == (422, "note")
    r = api(cast.cadre).post(entry_path(entry_id, "checks"), {
        "level": "villager_report", "checked_on": days_ago(2), "holds": False,
        "note": "封挡被拆"})
    assert (r.json()["status"], r.json()["broken_alert"]) == ("open", True)
    listed = api(cast.mhk_housing).get("/api/v1/rectifications", {"alert": "true"}).json()
    assert [e["id"] for e in listed["items"]] == [entry_id]
    done(api, cast.shancheng, entry_id, "barrier", 1, 1)
    entry = LedgerEntry.objects.get(pk=entry_id)
    assert (entry.status, entry.broken_alert) == ("controlled", False)


def test_the_daily_sweep_flags_overdue_checks_once(api, cast, on_ledger):
    _, entry_id = on_ledger("c")
    entry = LedgerEntry.objects.get(pk=entry_id)
    later = entry.next_check_due + timedelta(days=1)
    assert actions.flag_overdue_checks(later) == 1
    assert actions.flag_overdue_checks(later) == 0
    assert Transition.objects.filter(entry_id=entry_id, action="flag_overdue").count() == 1
    assert LedgerEntry.objects.get(pk=entry_id).check_overdue is True
    # the interval is the profile's (30 days by default), counted from the appraisal
    assert entry.next_check_due == timezone.localdate() - timedelta(days=30) + timedelta(days=30)
    r = api(cast.shancheng).post(entry_path(entry_id, "checks"), {
        "level": "township", "checked_on": days_ago(0), "holds": True})
    assert r.json()["next_check_due"] == str(timezone.localdate() + timedelta(days=30))
    assert LedgerEntry.objects.get(pk=entry_id).check_overdue is False


def test_the_sweep_runs_as_a_background_task(api, cast, on_ledger, settings):
    from anju.rectification.tasks import sweep_overdue_checks

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    _, entry_id = on_ledger("c")
    entry = LedgerEntry.objects.get(pk=entry_id)
    result = sweep_overdue_checks.enqueue(str(entry.next_check_due + timedelta(days=2)))
    assert result.return_value == 1
