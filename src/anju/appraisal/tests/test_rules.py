"""grading.md §2–3, row by row: the screening rule and the grade computation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.appraisal.codes import NOT_APPLICABLE, RATINGS, Component, SiteHazard
from anju.appraisal.commands import RecordAppraisal, ScreeningItem
from anju.appraisal.rules import (
    Item,
    check_appraisal,
    check_screening_items,
    computed_grade,
    recorded_grade,
    screening_result,
)
from anju.kit.errors import RuleViolation

S, G = "serious", "general"

# grading.md §2, one row per clause of the rule
SCREENING_TABLE = [
    # (items, altered_without_design, result, the clause)
    ([], False, "none", "nothing found"),
    ([Item("wall_vertical_crack", S)], False, "serious", "any serious item"),
    ([Item("wall_crack", G), Item("timber_column_rot", S)], False, "serious",
     "a serious item among general ones"),
    ([Item("wall_crack", G), Item("roof_leak", G), Item("weathering", G)], False, "serious",
     "general items of three different kinds"),
    ([Item("wall_crack", G), Item("roof_leak", G)], False, "some",
     "general items of two kinds"),
    ([Item("wall_crack", G, count=3)], False, "serious", "one general kind in three places"),
    ([Item("wall_crack", G, count=1), Item("wall_crack", G, count=2)], False, "serious",
     "three places of one kind counted across rows"),
    ([Item("wall_crack", G, count=2)], False, "some", "one general kind in two places"),
    ([Item("wall_crack", G)], False, "some", "any general item"),
    ([], True, "some", "altered without design or a qualified builder"),
    ([Item("wall_crack", G)], True, "some", "a general item and altered"),
]


@pytest.mark.parametrize(("items", "altered", "result", "clause"), SCREENING_TABLE,
                         ids=[row[3] for row in SCREENING_TABLE])
def test_screening_rule(items, altered, result, clause):
    assert screening_result(items, altered_without_design=altered) == result


def test_screening_result_is_never_a_grade():
    results = {screening_result(items, altered_without_design=a)
               for items, a, _, _ in SCREENING_TABLE}
    assert results == {"serious", "some", "none"}


kinds = st.sampled_from(["k1", "k2", "k3", "k4", "k5"])
items_strategy = st.lists(
    st.builds(Item, kinds, st.sampled_from([S, G]), st.integers(min_value=1, max_value=5)),
    max_size=8)


@given(items_strategy, st.booleans())
def test_screening_aggregation_matches_the_rule_text(items, altered):
    general = [i for i in items if i.level == G]
    places = {}
    for i in general:
        places[i.kind] = places.get(i.kind, 0) + i.count
    if (any(i.level == S for i in items) or len({i.kind for i in general}) >= 3
            or any(n >= 3 for n in places.values())):
        expected = "serious"
    elif general or altered:
        expected = "some"
    else:
        expected = "none"
    assert screening_result(items, altered_without_design=altered) == expected


@given(items_strategy, st.booleans(), items_strategy)
def test_more_findings_never_make_a_screening_milder(items, altered, more):
    order = {"none": 0, "some": 1, "serious": 2}
    before = screening_result(items, altered_without_design=altered)
    after = screening_result(items + more, altered_without_design=altered)
    assert order[after] >= order[before]


def all_components(rating="a", **overrides):
    return {c: overrides.get(c, rating) for c in Component.values}


# grading.md §3 stage 3, row by row
GRADE_TABLE = [
    ("safe", all_components("a"), "A", "every applicable component a"),
    ("safe", all_components("a", timber_frame="n/a", timber_truss="n/a"), "A",
     "n/a rows do not count"),
    ("safe", all_components("a", roof="b"), "B", "worst b"),
    ("safe", all_components("a", bearing_wall="c", roof="b"), "C", "worst c"),
    ("safe", all_components("b", foundation="d"), "D", "worst d"),
    ("landslide", all_components("a"), "D", "dangerous site (滑坡) whatever the components"),
    ("mined_out", {}, "D", "dangerous site (采空区) with no component table"),
    ("safe", all_components("a", roof=None), None, "not graded while a row has no value"),
    ("safe", all_components("n/a"), None, "not graded with no applicable component"),
]


@pytest.mark.parametrize(("site", "components", "grade", "row"), GRADE_TABLE,
                         ids=[row[3] for row in GRADE_TABLE])
def test_whole_house_grade(site, components, grade, row):
    assert computed_grade(site, components) == grade


@pytest.mark.parametrize("hazard", [h for h in SiteHazard.values if h != "safe"])
def test_every_dangerous_site_makes_the_house_d(hazard):
    assert computed_grade(hazard, all_components("a")) == "D"


@given(st.lists(st.sampled_from([*RATINGS, NOT_APPLICABLE]), min_size=6, max_size=6)
       .filter(lambda r: any(x != NOT_APPLICABLE for x in r)))
def test_whole_house_grade_is_the_worst_applicable_component(ratings):
    components = dict(zip(Component.values, ratings, strict=True))
    worst = max(r for r in ratings if r != NOT_APPLICABLE)
    assert computed_grade("safe", components) == worst.upper()


def test_recorded_grade_defaults_to_the_computed_one():
    assert recorded_grade("C", None, "") == "C"
    assert recorded_grade("C", "C", "") == "C"


def test_a_different_grade_without_a_reason_is_refused():
    with pytest.raises(RuleViolation) as refused:
        recorded_grade("C", "B", "  ")
    assert (refused.value.code, refused.value.field) == ("grade_inconsistent", "grade")


def test_a_different_grade_with_a_reason_is_kept():
    assert recorded_grade("C", "D", "综合判定：墙体整体外闪") == "D"


def test_a_dangerous_site_cannot_be_overridden_below_d():
    with pytest.raises(RuleViolation) as refused:
        recorded_grade("D", "B", "理由", site="landslide")
    assert refused.value.code == "grade_inconsistent"


def codes(errors):
    return [(e.code, e.field) for e in errors]


def appraisal(**fields) -> RecordAppraisal:
    return RecordAppraisal(appraised_on="2026-11-02", appraiser="张工", **fields)


def valid_rural(**overrides) -> RecordAppraisal:
    return appraisal(**{"site": "safe", "components": all_components("a"),
                        "prevention": "full", **overrides})


def test_a_complete_rural_appraisal_passes():
    assert check_appraisal(valid_rural(), floors=2, seismic_intensity=7) == []


def test_a_missing_applicable_component_is_refused():
    components = all_components("a")
    del components["roof"]
    errors = check_appraisal(valid_rural(components=components), floors=1, seismic_intensity=7)
    assert codes(errors) == [("component_missing", "components.roof")]


@pytest.mark.parametrize("rating", ["e", "A", "x", "na"])
def test_a_component_code_outside_abcd_na_is_refused(rating):
    errors = check_appraisal(valid_rural(components=all_components("a", roof=rating)),
                             floors=1, seismic_intensity=7)
    assert codes(errors) == [("component_rating_invalid", "components.roof")]


def test_an_unknown_component_is_refused():
    components = all_components("a") | {"chimney": "b"}
    errors = check_appraisal(valid_rural(components=components), floors=1, seismic_intensity=7)
    assert codes(errors) == [("component_unknown", "components.chimney")]


def test_the_rural_form_is_refused_for_a_house_of_three_storeys():
    errors = check_appraisal(valid_rural(), floors=3, seismic_intensity=7)
    assert codes(errors) == [("rural_form_not_allowed", "components"),
                             ("urban_report_required", "urban_report")]


def test_a_three_storey_house_takes_an_urban_report():
    data = appraisal(urban_report={"institution": "吉林省建筑科学研究院",
                                   "report_no": "JD-2026-017", "grade": "B"})
    assert check_appraisal(data, floors=4, seismic_intensity=7) == []


def test_an_urban_report_needs_institution_number_and_grade():
    data = appraisal(urban_report={"institution": "", "report_no": " ", "grade": "E"})
    assert codes(check_appraisal(data, floors=3, seismic_intensity=7)) == [
        ("field_required", "urban_report.institution"),
        ("field_required", "urban_report.report_no"),
        ("choice_invalid", "urban_report.grade")]


def test_seismic_items_are_required_in_intensity_8_areas():
    errors = check_appraisal(valid_rural(seismic={"ring_beam": True}), floors=1,
                             seismic_intensity=8)
    assert codes(errors) == [("seismic_item_required", "seismic.tie_column"),
                             ("seismic_item_required", "seismic.ground_ring_beam")]
    seismic = {"ring_beam": True, "tie_column": False, "ground_ring_beam": False}
    assert check_appraisal(valid_rural(seismic=seismic), floors=1, seismic_intensity=8) == []


def test_seismic_items_are_optional_below_intensity_8():
    assert check_appraisal(valid_rural(), floors=1, seismic_intensity=7) == []


def test_prevention_result_is_required():
    errors = check_appraisal(valid_rural(prevention=None), floors=1, seismic_intensity=7)
    assert codes(errors) == [("choice_invalid", "prevention")]


CATALOGUE = {"wall_crack": "general", "wall_vertical_crack": "serious"}


def test_a_screening_item_of_an_unknown_kind_is_refused():
    errors = check_screening_items([ScreeningItem(kind="ufo_damage", level="general")],
                                   CATALOGUE)
    assert codes(errors) == [("item_kind_unknown", "items[0].kind")]


def test_a_screening_item_must_keep_its_catalogue_level():
    errors = check_screening_items(
        [ScreeningItem(kind="wall_vertical_crack", level="general")], CATALOGUE)
    assert codes(errors) == [("item_level_mismatch", "items[0].level")]


def test_a_screening_item_needs_a_positive_count():
    errors = check_screening_items(
        [ScreeningItem(kind="wall_crack", level="general", count=0)], CATALOGUE)
    assert codes(errors) == [("count_invalid", "items[0].count")]
