"""Each role lands on its own work: the home page's figures (with their units, each linking to
the list it counts), the menu of what the role can do, and the glossary of every figure."""

import re

import pytest
from django.test import Client

from anju.conftest import sign_in
from anju.kit.glossary import FIGURES, GLOSSARY
from anju.rectification.tests.conftest import (  # noqa: F401 (fixtures)
    dangerous_house,
    days_ago,
    on_ledger,
)

pytestmark = pytest.mark.django_db

WORK = re.compile(r'data-figure="(?P<key>\w+)" href="(?P<href>[^"]+)"[^>]*>\s*'
                  r'<span class="figure-n">(?P<n>[\d,]+)</span><span class="figure-label">'
                  r'(?P<label>[^<（]+)（<span class="unit">(?P<unit>[^<]+)</span>）')
MENU = re.compile(r'data-menu="(\w+)"')


def home(user) -> str:
    response = sign_in(Client(), user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def work(body: str) -> dict[str, tuple[int, str, str]]:
    section = body.split('id="work"', 1)[1].split("</section>", 1)[0]
    return {m["key"]: (int(m["n"].replace(",", "")), m["unit"], m["href"].replace("&amp;", "&"))
            for m in WORK.finditer(section)}


@pytest.mark.parametrize(("username", "first", "menu"), [
    ("shancheng", ["red_alerts", "control_overdue", "engineering_overdue", "villager_leads",
                   "villager_leads_overdue", "findings_overdue", "inspections_due", "roster_late"],
     ["home", "ledger", "worklist", "houses", "households", "cases", "roster", "quality",
      "reports", "supervision", "exchange", "field", "rules"]),
    ("cadre", ["red_alerts", "control_overdue", "engineering_overdue", "villager_leads",
               "villager_leads_overdue", "findings_overdue", "inspections_due", "roster_late"],
     ["home", "field", "ledger", "worklist", "houses", "households", "cases", "roster",
      "quality", "rules"]),
    ("mhk_civil", ["approvals_waiting", "roster_late", "cases_open"],
     ["home", "approvals", "cases", "roster", "households", "houses", "reports",
      "rules"]),
    ("mhk_finance", ["payments_due", "payments_late", "disbursements"],
     ["home", "funds", "cases", "households", "reports", "rules"]),
    ("mhk_housing", ["approvals_waiting", "acceptance_due", "red_alerts", "control_overdue",
                     "engineering_overdue", "villager_leads", "villager_leads_overdue",
                     "payments_late"],
     ["home", "approvals", "cases", "ledger", "worklist", "houses", "households", "quality",
      "reports", "supervision", "roster", "exchange", "rules"]),
    ("mhk_water", ["department_queue", "red_alerts"],
     ["home", "department", "cases", "houses", "reports", "rules"]),
    ("appraiser1", ["hazard_alerts", "inspections_due", "unrated_houses"],
     ["home", "inspections", "houses", "ledger", "field", "rules"]),
    ("changji", ["red_alerts", "control_overdue", "engineering_overdue", "findings_overdue",
                 "payments_late"],
     ["home", "reports", "ledger", "quality", "supervision", "houses", "rules"]),
])
def test_each_role_lands_on_its_own_queue_and_menu(cast, username, first, menu):
    body = home(getattr(cast, username))
    figures = work(body)
    assert list(figures) == first
    for key, (_, unit, _href) in figures.items():
        assert unit == GLOSSARY[key].unit  # one unit per figure, from the glossary
    assert MENU.findall(body) == menu


def test_the_township_clerk_counts_red_alerts_in_houses_and_reaches_the_entry(
        cast, on_ledger):  # noqa: F811
    house, entry_id = on_ledger("d")
    body = home(cast.shancheng)
    n, unit, href = work(body)["red_alerts"]
    assert (n, unit, href) == (1, "栋", "/rectification/?alert=red")
    assert "1 栋危房仍有人居住，应立即搬离人员" in body
    # the card names the house and leads to its ledger entry, where evacuation is recorded
    assert f'<a href="/rectification/{entry_id}/">{house.address}</a>' in body
    clerk = sign_in(Client(), cast.shancheng)
    listed = clerk.get(href).content.decode()
    assert house.address in listed and "（栋，未销号）" in listed


def test_the_red_banner_leads_to_a_measure_form_filled_for_an_evacuation_today(
        cast, on_ledger):  # noqa: F811
    house, entry_id = on_ledger("d")
    clerk = sign_in(Client(), cast.shancheng)
    assert clerk.get(f"/rectification/houses/{house.pk}/")["Location"] == \
        f"/rectification/{entry_id}/"
    banner = clerk.get(f"/registry/houses/{house.pk}/").content.decode()
    assert f'href="/rectification/houses/{house.pk}/"' in banner
    detail = clerk.get(f"/rectification/{entry_id}/").content.decode()
    assert f'href="/rectification/{entry_id}/measure?kind=evacuate"' in detail
    form = clerk.get(f"/rectification/{entry_id}/measure?kind=evacuate").content.decode()
    assert re.search(r'<option value="evacuate" selected>', form)
    assert f'value="{days_ago(0)}"' in form


def test_a_house_off_the_ledger_goes_to_the_red_alert_list(cast, make_house):
    house = make_house()
    clerk = sign_in(Client(), cast.shancheng)
    assert clerk.get(f"/rectification/houses/{house.pk}/")["Location"] == "/rectification/?alert=1"


def test_finance_sees_late_payments_in_cases_and_the_figure_opens_that_list(cast):
    figures = work(home(cast.mhk_finance))
    assert figures["payments_late"] == (0, "件", "/assistance/?late=payment")
    assert figures["payments_due"][1:] == ("件", "/assistance/?status=accepted")


def test_the_auditor_goes_straight_to_the_log(cast):
    response = sign_in(Client(), cast.auditor).get("/")
    assert response.status_code == 302 and response["Location"] == "/audit/"


def test_the_glossary_lists_every_figure_with_its_unit_and_list(cast):
    body = sign_in(Client(), cast.shancheng).get("/glossary/").content.decode()
    rows = re.findall(r'<tr id="g-(\w+)"><td[^>]*><a href="([^"]+)">[^<]+</a></td>'
                      r'<td[^>]*>([^<]+)</td>', body)
    shown = {key: unit for key, _, unit in rows}
    assert shown == {f.key: str(f.unit) for f in FIGURES if f.key != "department_queue"}
    assert shown["houses"] == shown["red_alerts"] == "栋"
    assert shown["households"] == "户" and shown["open_findings"] == "条"
    assert shown["cases_open"] == "件"


def test_the_phone_menu_is_a_details_element_that_works_without_javascript(cast):
    body = home(cast.shancheng)
    menu = body.split('<details class="menu" id="menu">', 1)[1].split("</details>", 1)[0]
    assert menu.lstrip().startswith('<summary class="menu-button">')
    assert '<nav class="mainnav">' in menu and 'role="search"' in menu
