"""The phone shows a house's new states: standing, or the new house of a rebuild whose old house
was demolished (R-CJ-8a); and of its ledger entry the red alerts of occupancy (R-CJ-6) and of
business found going on (R-CJ-8), the priority area (R-CJ-1), an ordered control not carried
out within the profile's days (R-CJ-2), an engineering plan past its due date (R-CJ-5) and the
sign-off proposed to the township (R-CJ-8a). The card's words are checked under Node."""

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from anju.rectification.models import LedgerEntry, Measure
from anju.rectification.tests.conftest import dangerous_house, on_ledger  # noqa: F401

URL = "/api/v1/field/houses"
STATES = Path(__file__).resolve().parents[1] / "static" / "field" / "states.js"
NODE = shutil.which("node")


def download(client) -> dict[int, dict]:
    response = client.get(URL)
    assert response.status_code == 200, response.content
    return {h["id"]: h for h in response.json()["houses"]}


def card(house: dict, tags: dict) -> dict:
    script = (f"import {{ houseStates }} from {json.dumps(STATES.as_uri())};\n"
              "let input = ''; process.stdin.on('data', (c) => input += c);\n"
              "process.stdin.on('end', () => { const {house, tags} = JSON.parse(input);\n"
              "  console.log(JSON.stringify(houseStates(house, tags))); });\n")
    done = subprocess.run(
        [NODE, "--experimental-detect-module", "--input-type=module", "-e", script],
        input=json.dumps({"house": house, "tags": tags}), capture_output=True, text=True,
        timeout=60, check=True)
    return json.loads(done.stdout)


@pytest.fixture
def watched(on_ledger):  # noqa: F811
    """An occupied D house in a priority area on the ledger, business found going on in it, a
    control ordered ten days ago and not carried out, its work plan due yesterday, and every
    sign-off condition holding."""
    house, entry_id = on_ledger("d", priority_tags=["near_school"])
    today = date.today()
    entry = LedgerEntry.objects.get(pk=entry_id)
    Measure.objects.create(entry=entry, division_code=entry.division_code, kind="evacuate",
                           category="control", ordered_on=today - timedelta(days=10))
    LedgerEntry.objects.filter(pk=entry_id).update(
        business_alert=True, engineering_plan="明年开春拆除重建",
        engineering_due_on=today - timedelta(days=1), signoff_proposed_on=today)
    return house


@pytest.mark.django_db
def test_the_phone_gets_each_alert_and_overdue_of_the_ledger_entry(api, cast, watched):
    entry = download(api(cast.cadre))[watched.pk]["ledger_entry"]
    assert {k: entry[k] for k in ("red_alert", "business_alert", "priority",
                                  "control_overdue", "engineering_overdue",
                                  "signoff_proposed_on")} == {
        "red_alert": True, "business_alert": True, "priority": True,
        "control_overdue": True, "engineering_overdue": True,
        "signoff_proposed_on": date.today().isoformat()}


@pytest.mark.django_db
def test_a_control_ordered_within_the_profile_s_days_is_not_yet_overdue(api, cast, on_ledger):  # noqa: F811
    """R-CJ-2: 梅河口市's profile gives an ordered control three days."""
    house, entry_id = on_ledger("c")
    entry = LedgerEntry.objects.get(pk=entry_id)
    Measure.objects.create(entry=entry, division_code=entry.division_code, kind="stop_use",
                           category="control", ordered_on=date.today() - timedelta(days=3))
    Measure.objects.create(entry=entry, division_code=entry.division_code, kind="cordon",
                           category="control", ordered_on=date.today() - timedelta(days=9),
                           completed_on=date.today() - timedelta(days=8))
    entry = download(api(cast.cadre))[house.pk]["ledger_entry"]
    assert (entry["control_overdue"], entry["engineering_overdue"], entry["business_alert"],
            entry["signoff_proposed_on"]) == (False, False, False, None)


@pytest.mark.django_db
def test_the_new_house_of_a_rebuild_names_the_demolished_one_which_the_phone_does_not_keep(
        api, cast, make_house):
    old = make_house(address="演示一村 5 号", status="demolished",
                     demolished_on=date.today() - timedelta(days=90))
    new = make_house(address="演示一村 5 号", replaces_house=old, grade="unrated")
    houses = download(api(cast.cadre))
    assert old.pk not in houses
    assert {k: houses[new.pk][k] for k in ("status", "demolished_on", "replaces_house_id")} == {
        "status": "standing", "demolished_on": None, "replaces_house_id": old.pk}


@pytest.mark.django_db
@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_the_house_card_says_each_state_in_the_clerk_s_words(api, cast, watched, make_house):
    tags = {"near_school": "学校周边"}
    shown = card(download(api(cast.cadre))[watched.pk], tags)
    today = date.today().isoformat()
    check_due = LedgerEntry.objects.get(house=watched).next_check_due
    assert shown == {
        "facts": [["房屋状态", "现存"], ["重点区域", "是（学校周边）"],
                  ["整治台账", f"待整治，下次检查 {check_due.isoformat()}"]],
        "alerts": ["红色预警：C/D 级危房仍有人居住", "红色预警：整治期间发现经营活动",
                   "管控措施逾期未落实", "工程措施计划已逾期"],
        "notices": [f"已具备销号条件，{today} 已提请乡镇销号"]}
    old = make_house(status="demolished", demolished_on=date.today())
    new = make_house(replaces_house=old)
    shown = card(download(api(cast.cadre))[new.pk], tags)
    assert shown == {
        "facts": [["房屋状态", "现存"], ["重建新房", f"原房屋（编号 {old.pk}）已拆除"]],
        "alerts": [], "notices": []}
