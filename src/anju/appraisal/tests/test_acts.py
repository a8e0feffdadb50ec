"""Each act of investigation and appraisal says once what it changed ("records changed"), and its
command is the one the API, the page and the field app read."""

import re

import pytest

from anju.appraisal import commands
from anju.appraisal.models import Appraisal
from anju.appraisal.tests.test_api import appraise, screen
from anju.kit import events
from anju.kit.commands import Command
from anju.web.forms import CommandForm


@pytest.fixture
def told(monkeypatch):
    """The changes of houses and appraisals told to the listeners, in order (a listener's own
    news of the divisions whose counts it changed is left out)."""
    heard = []
    monkeypatch.setitem(events._listeners, "probe",
                        lambda change: heard.append(change) if change.houses else None)
    return heard


def test_a_screening_tells_once_that_its_house_changed(api, cast, make_house, told):
    house = make_house()
    told.clear()  # registering the house said so
    r = screen(api, cast.shancheng, house,
               items=[{"kind": "roof_collapse", "level": "serious", "count": 1}])
    assert r.status_code == 201, r.json()
    assert [(c.houses, c.appraisals) for c in told] == [(frozenset({house.pk}), ())]


def test_an_appraisal_tells_once_with_the_appraisal_for_the_ledger(api, cast, make_house, told):
    house = make_house()
    told.clear()  # registering the house said so
    r = appraise(api, cast.appraiser1, house)
    assert r.status_code == 201, r.json()
    assert [(c.houses, c.appraisals) for c in told] == [
        (frozenset({house.pk}), (Appraisal.objects.get(),))]


def test_an_inspection_tells_once(api, cast, make_house, told):
    house = make_house()
    told.clear()  # registering the house said so
    r = api(cast.shancheng).post(f"/api/v1/houses/{house.pk}/inspections", {
        "level": "township", "inspected_on": "2026-11-02", "findings": "正常"})
    assert r.status_code == 201, r.json()
    assert [c.houses for c in told] == [frozenset({house.pk})]


def test_a_refused_act_tells_nothing(api, cast, make_house, told):
    house = make_house()
    told.clear()  # registering the house said so
    r = screen(api, cast.shancheng, house, items=[{"kind": "nope", "level": "general"}])
    assert r.status_code == 422
    assert told == []


def test_every_command_refuses_a_field_it_does_not_know():
    for name in ("RecordScreening", "ScreeningItem", "RecordAppraisal", "UrbanReport",
                 "RecordInspection"):
        command = getattr(commands, name)
        assert issubclass(command, Command)
        assert command.model_config["extra"] == "forbid", name


@pytest.mark.parametrize(("path", "floors"), [
    ("screenings/new/", 2), ("appraisals/new/", 2), ("appraisals/new/", 3),
    ("inspections/new/", 2)])
def test_every_field_of_a_page_form_is_on_its_page(browser, cast, make_house, path, floors):
    house = make_house(floors=floors)
    r = browser(cast.mhk_housing).get(f"/appraisal/houses/{house.pk}/{path}")
    assert r.status_code == 200
    form = r.context["form"]
    assert isinstance(form, CommandForm)
    shown = set(re.findall(r'name="([^"]+)"', r.content.decode()))
    assert [name for name in form.fields if name not in shown] == []
