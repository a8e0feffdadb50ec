"""The L1 supervision matrix counts in two passes over the houses, whatever the number of
indicators (docs/decisions/0055), and gives what the first form — one `COUNT(DISTINCT)` per
indicator and per child — gave: indicator by indicator, division by division, on a township
and a county with houses on the ledger twice, with control and engineering measures on
different entries, with several inspections, demolished and outside the scope."""

from datetime import date

import pytest
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast, Substr

from anju.appraisal.tests.test_inspections_due import inspected
from anju.conftest import HONGMEI_V1, HUINAN_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.divisions.scope import narrowed
from anju.exchange import national
from anju.exchange.exporters import CHILD_WIDTH, national_matrix, prefix_of
from anju.exchange.layout import get_layout
from anju.rectification.models import LedgerEntry, Measure
from anju.registry.models import House

pytestmark = pytest.mark.django_db
TODAY = date.today()


# The ledger indicators as they were: joins, hence COUNT(DISTINCT).
FIRST_LEDGER = {
    "ledger.all": Q(ledger_entries__isnull=False),
    "ledger.open": Q(ledger_entries__status="open"),
    "ledger.controlled": Q(ledger_entries__status="controlled"),
    "ledger.done": Q(ledger_entries__status__in=("accepted", "closed")),
    "ledger.control_measure": Q(ledger_entries__measures__isnull=False)
    & ~Q(ledger_entries__measures__kind__in=national.ENGINEERING),
    "ledger.engineering_measure": Q(ledger_entries__measures__kind__in=national.ENGINEERING),
    "ledger.watched": Q(ledger_entries__status__in=("open", "controlled")),
}


def first_form(user, division, prefix, width, names):
    """The matrix as it was counted before (kept here as the reference), its children with
    nothing counted left out."""
    base = narrowed(user, House.objects.standing(), division).annotate(
        tags_text=Cast("priority_tags", TextField()))
    out = {}
    for name in dict.fromkeys(names):
        q = FIRST_LEDGER.get(name, national.MEASURES.get(name))
        if name != national.INSPECTIONS and q is None:
            out[name] = {}
            continue
        counted = (Count("inspections", distinct=True) if name == national.INSPECTIONS
                   else Count("id", distinct=True))
        found = base if name == national.INSPECTIONS else base.filter(q)
        out[name] = {"": found.aggregate(n=counted)["n"] or 0}
        if width:
            rows = (found.order_by().annotate(child=Substr("division_code", 1, width))
                    .values("child").annotate(n=counted).values_list("child", "n"))
            out[name].update({child: n for child, n in rows if n})
    return out


@pytest.fixture
def county(cast, make_house):
    def on_ledger(house, status, *kinds):
        entry = LedgerEntry.objects.create(house=house, division_code=house.division_code,
                                           grade=house.grade, status=status, opened_on=TODAY)
        for kind in kinds:
            category = "engineering" if kind in national.ENGINEERING else "control"
            Measure.objects.create(entry=entry, division_code=house.division_code, kind=kind,
                                   category=category)

    a = make_house(division_code=SHANCHENG_V1, grade="D", screening_result="serious",
                   floors=4, use="business", business_sector="retail", built_year=2012,
                   is_priority=True, priority_tags=["near_school", "urban_village"])
    on_ledger(a, "closed", "evacuate", "demolish")
    on_ledger(a, "open", "warning_sign")  # again, after it was closed
    b = make_house(division_code=SHANCHENG_V1, grade="C", screening_result="some",
                   land_type="state", built_year=1979)
    on_ledger(b, "closed", "rebuild")
    on_ledger(b, "closed")  # two entries of one status: one house
    on_ledger(b, "controlled", "seal", "guard")
    c = make_house(division_code=SHANCHENG_V2, grade="C", land_type="collective")
    on_ledger(c, "accepted", "repair_reinforce")
    d = make_house(division_code=SHANCHENG_V2, grade="A", screening_result="none",
                   is_priority=True, priority_tags=["near_market"])
    for days in (3, 40, 400):
        inspected(d, days, cast.cadre)
    inspected(a, 10, cast.cadre)
    e = make_house(division_code=HONGMEI_V1, grade="D", screening_result="serious",
                   status="demolished", demolished_on=TODAY)  # gone: not counted
    on_ledger(e, "open")
    inspected(e, 5, cast.cadre)
    f = make_house(division_code=HONGMEI_V1, grade="B", floors=2, built_year=2021)
    inspected(f, 1, cast.cadre)
    make_house(division_code=HUINAN_V1, grade="D", screening_result="serious")  # next county
    make_house(division_code=HONGMEI_V1)  # nothing but its existence


@pytest.mark.parametrize(("who", "division"), [
    ("shancheng", None), ("mhk_housing", None), ("mhk_housing", "220581101"),
    ("mhk_housing", SHANCHENG_V2)])
def test_each_indicator_of_each_division_equals_the_count_distinct_form(cast, county, who,
                                                                       division):
    user = getattr(cast, who)
    prefix = prefix_of(user, division)
    width = CHILD_WIDTH.get(len(prefix))
    names = list(national.MEASURE_NAMES)
    assert national.matrix(user, division, prefix, width, names) == \
        first_form(user, division, prefix, width, names)


def test_the_county_matrix_counts_houses_once_however_many_entries(cast, county):
    user = cast.mhk_housing
    _, _, _, rows = national_matrix(get_layout("supervision-ledger"), user, None)
    kids = [code for code, _ in national.children("220581", 9)]
    at = [kids.index(code) + 3 for code in ("220581100", "220581101")]  # 山城镇, 红梅镇
    by_label = {row[1]: [row[2], *(row[i] for i in at)] for row in rows}
    # the county, 山城镇, 红梅镇
    assert by_label["危房总量"] == [3, 3, 0]
    assert by_label["需整治总量"] == [3, 3, 0]  # on the ledger twice still one house
    assert by_label["已巡查次数"] == [5, 4, 1]  # each inspection once; none of the gone house
