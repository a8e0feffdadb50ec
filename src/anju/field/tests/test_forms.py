"""The phone validates a capture with the server's own rule definitions: JSON Schemas generated
from the commands the web API takes as its bodies, with the code lists of the user's region."""

from anju.appraisal.codes import InspectionLevel
from anju.appraisal.commands import RecordInspection, RecordScreening
from anju.field.rules import ACTS
from anju.quality.commands import RecordVerification
from anju.rectification.commands import RecordControlCheck
from anju.registry.codes import Structure
from anju.registry.commands import RegisterHouse, UpdateHouse

URL = "/api/v1/field/forms"


def test_each_capture_kind_has_the_schema_of_its_web_body_plus_the_house(api, cast):
    forms = api(cast.cadre).get(URL).json()
    web = {"screening": RecordScreening, "inspection": RecordInspection,
           "control_check": RecordControlCheck, "verification": RecordVerification,
           "new_house": RegisterHouse, "house_update": UpdateHouse}
    assert set(forms["kinds"]) == set(web)
    assert {kind: act.command for kind, act in ACTS.items()} == web
    for kind, command in web.items():
        generated = command.model_json_schema()
        schema = forms["kinds"][kind]["schema"]
        assert set(schema["properties"]) - {"house_id", "entry_id"} == set(
            generated["properties"]), kind
        assert set(schema["required"]) - {"house_id"} == set(generated.get("required", []))
        assert ("house_id" in schema["required"]) == (kind != "new_house")
        assert schema["additionalProperties"] is False


def test_code_lists_are_enums_of_the_schema_and_fields_have_chinese_titles(api, cast):
    kinds = api(cast.cadre).get(URL).json()["kinds"]
    screening = kinds["screening"]["schema"]
    assert screening["properties"]["level"]["enum"] == list(InspectionLevel.values)
    assert screening["properties"]["checked_on"]["title"] == "排查日期"
    ref = screening["properties"]["items"]["items"]["$ref"]  # "#/$defs/<the item's name>"
    item = screening["$defs"][ref.rsplit("/", 1)[1]]["properties"]
    assert "wall_vertical_crack" in item["kind"]["enum"]
    assert item["level"]["enum"] == ["serious", "general"]
    assert kinds["new_house"]["schema"]["properties"]["structure"]["enum"] == list(
        Structure.values)
    # an optional text may stay empty
    assert "" in kinds["new_house"]["schema"]["properties"]["build_method"]["enum"]


def test_the_forms_say_which_kinds_the_role_may_send(api, cast):
    cadre = api(cast.cadre).get(URL).json()["kinds"]
    county = api(cast.mhk_housing).get(URL).json()["kinds"]
    assert {k: v["allowed"] for k, v in cadre.items()} == {
        "screening": True, "inspection": True, "control_check": True, "verification": False,
        "new_house": True, "house_update": True}
    assert county["verification"]["allowed"] is True
    assert {k: (v["capability"], v["versioned"]) for k, v in cadre.items()} == {
        k: (a.capability, a.versioned) for k, a in ACTS.items()}


def test_photo_size_and_quality_come_from_the_settings(api, cast, settings):
    forms = api(cast.cadre).get(URL).json()
    assert (forms["photo_max_px"], forms["photo_quality"]) == (1600, 0.8)
    settings.FIELD_PHOTO_MAX_PX = 1200
    assert api(cast.cadre).get(URL).json()["photo_max_px"] == 1200


def test_the_phone_learns_the_box_its_positions_are_checked_against(api, cast):
    assert api(cast.cadre).get(URL).json()["county_box"] == [42.3, 42.8, 125.3, 126.1]
    assert api(cast.huinan_housing).get(URL).json()["county_box"] is None  # no box: no check
