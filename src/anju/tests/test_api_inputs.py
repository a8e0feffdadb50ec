"""What the API takes in: every text input is as long as its column allows, text no column can
hold (a NUL character) is refused before anything is written, a page past the end is empty
however far, and an upload that cannot be read is the caller's 400, never a 500."""

import re

import pytest
from django import forms

from anju.api import api as ninja_api
from anju.assistance.acts import ACTS as CASE_ACTS
from anju.assistance.forms import ContractorForm
from anju.assistance.models import Contractor
from anju.field.models import Submission
from anju.field.rules import ACTS
from anju.kit.commands import Command
from anju.kit.fields import MAX_ID, TextBound
from anju.registry.forms import HouseForm, HouseholdForm, ResponsiblePersonForm
from anju.registry.models import House, Household, ResponsiblePerson
from anju.registry.tests.conftest import house_body, household_body

PREFIX = "/api/v1"


# --- every text input carries its column's length ---------------------------------------------


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def operations():
    for prefix, router in ninja_api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield prefix + path, operation


def input_schemas() -> dict[str, type]:
    """Every model a request body or form is read with: those of the routes, the bodies of
    the application's actions and of the field captures, and every command."""
    found = {}
    for path, operation in operations():
        for model in operation.models:
            if model.__ninja_param_source__ in ("body", "form"):
                found[f"{'/'.join(operation.methods)} {path}"] = model
    found |= {f"action {name}": act.command for name, act in CASE_ACTS.items()}
    found |= {f"field capture {kind}": act.command for kind, act in ACTS.items()}
    # Commands defined by tests (of the form base) are not inputs of Anju's.
    found |= {f"{s.__module__}.{s.__name__}": s for s in _subclasses(Command)
              if ".tests." not in s.__module__}
    return found


def _bound_of(schema: dict) -> TextBound | None:
    steps = schema.get("steps", []) if schema.get("type") == "chain" else [schema]
    for step in steps:
        if step.get("type") == "function-after":
            bound = getattr(step["function"].get("function"), "__self__", None)
            if isinstance(bound, TextBound):
                return bound
    return None


def texts(schema, path=()):
    """(field path, its TextBound or None) for every text in a pydantic core schema."""
    if isinstance(schema, list):
        for item in schema:
            yield from texts(item, path)
    elif isinstance(schema, dict):
        bound = _bound_of(schema)
        if bound is not None:
            yield ".".join(path), bound
            return
        if schema.get("type") == "str":
            yield ".".join(path), None
        for key, value in schema.items():
            if key == "metadata":
                continue
            if key == "fields" and isinstance(value, dict):
                for name, field in value.items():
                    yield from texts(field, (*path, name))
            else:
                yield from texts(value, path)


def test_every_text_field_of_every_input_schema_carries_its_columns_length():
    from django.apps import apps

    unbounded, drifted = [], []
    schemas = input_schemas()
    assert len(schemas) > 50
    for where, schema in schemas.items():
        for field, bound in texts(schema.__pydantic_core_schema__):
            if bound is None:
                unbounded.append(f"{where}: {field}")
            elif bound.column:
                label, name = bound.column.rsplit(".", 1)
                column = apps.get_model(label)._meta.get_field(name)
                if column.max_length not in (None, bound.max_length):
                    drifted.append(f"{where}: {field} {bound.max_length} ≠ {column.max_length}")
    assert unbounded == [], "text inputs without a length (apikit.column_text or free_text)"
    assert drifted == []


def ints(schema, path=()):
    """(field path, the core int schema) for every integer in a pydantic core schema."""
    if isinstance(schema, list):
        for item in schema:
            yield from ints(item, path)
    elif isinstance(schema, dict):
        if schema.get("type") == "int":
            yield ".".join(path), schema
        for key, value in schema.items():
            if key == "fields" and isinstance(value, dict):
                for name, field in value.items():
                    yield from ints(field, (*path, name))
            elif key != "metadata":
                yield from ints(value, path)


def test_every_id_an_input_takes_is_one_a_column_can_hold():
    # A larger one fails SQLite's lookups of foreign keys and lists of ids (OverflowError).
    models = dict(input_schemas())
    for path, operation in operations():
        for model in operation.models:
            if model.__ninja_param_source__ == "query":
                models[f"{'/'.join(operation.methods)} {path} query"] = model
    unbounded = [f"{where}: {field}" for where, model in models.items()
                 for field, schema in ints(model.__pydantic_core_schema__)
                 if field.rsplit(".", 1)[-1].endswith(("_id", "_ids", "proof", "contractor"))
                 and not (schema.get("le", MAX_ID + 1) <= MAX_ID and schema.get("ge", 0) >= 1)]
    assert unbounded == [], "ids without bounds (apikit.Id)"


# --- the examples: refused with the clear error, nothing written, on either engine -----------


def _household_with_house(make_household, make_house):
    household = make_household()
    return make_house(household=household)


TOO_LONG = [
    # (what, method, path, body, field, message, model)
    ("head name", "post", "/households", household_body(head_name="王" * 41), "head_name",
     "户主姓名不能超过 40 个字", Household),
    ("bank name", "post", "/households", household_body(bank_name="行" * 61), "bank_name",
     "开户银行不能超过 60 个字", Household),
    ("address", "post", "/houses", house_body(address="路" * 201), "address",
     "地址不能超过 200 个字", House),
    ("responsible person", "put", "/houses/{house}/responsible-persons",
     [{"role": "owner", "name": "张" * 81}], "0.name", "姓名或单位不能超过 80 个字",
     ResponsiblePerson),
    ("contractor", "post", "/contractors",
     {"name": "建" * 300, "credit_code": "91220581MA0000000X", "qualification_no": "D322000001",
      "division_code": "220581"}, "name", "单位名称不能超过 100 个字", Contractor),
]


@pytest.mark.parametrize(("method", "path", "body", "field", "message", "model"),
                         [case[1:] for case in TOO_LONG], ids=[case[0] for case in TOO_LONG])
def test_over_long_text_is_refused_naming_the_field_and_nothing_is_written(
        api, cast, make_household, make_house, method, path, body, field, message, model):
    house = _household_with_house(make_household, make_house)
    before = model.objects.count()
    r = getattr(api(cast.mhk_housing), method)(PREFIX + path.format(house=house.pk), body)
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["code"], error["field"], error["message"]) == ("text_too_long", field, message)
    assert model.objects.count() == before


def test_a_nul_character_in_a_text_field_is_refused_and_nothing_is_written(api, cast):
    before = Household.objects.count()
    r = api(cast.mhk_housing).post(f"{PREFIX}/households", household_body(head_name="李\x00春生"))
    assert r.status_code == 400
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_character", "head_name")
    assert "空字符" in error["message"]
    assert Household.objects.count() == before


def test_a_nul_character_deep_in_a_field_capture_is_refused_and_nothing_is_stored(
        api, cast, make_house):
    house = make_house()
    capture = {"client_uuid": "6f1d2f1e-8a1b-4c55-9a39-2f4f1c0d7b10", "kind": "screening",
               "captured_at": "2026-05-01T09:00:00+08:00",
               "payload": {"house_id": house.pk, "checked_on": "2026-05-01",
                           "items": [{"kind": "wall_crack", "level": "general",
                                      "note": "东墙\x00裂缝"}]}}
    r = api(cast.mhk_housing).post(f"{PREFIX}/field/submissions", capture)
    assert r.status_code == 400
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_character", "payload.items.0.note")
    assert Submission.objects.count() == 0


def test_an_over_long_text_in_a_field_capture_is_refused_and_nothing_is_recorded(
        api, cast, make_house):
    from anju.appraisal.models import Screening

    house = make_house()
    capture = {"client_uuid": "0b5a7c4e-2d1f-4e8a-9c3b-5f6e7d8c9a01", "kind": "screening",
               "captured_at": "2026-05-01T09:00:00+08:00",
               "payload": {"house_id": house.pk, "checked_on": "2026-05-01",
                           "inspector": "检" * 81}}
    r = api(cast.mhk_housing).post(f"{PREFIX}/field/submissions", capture)
    assert r.status_code == 422
    error = r.json()["error"]
    assert (error["code"], error["field"], error["message"]) == (
        "text_too_long", "inspector", "排查人不能超过 80 个字")
    assert r.json()["status"] == "rejected"
    assert Screening.objects.filter(house=house).count() == 0


def test_a_nul_character_in_a_query_or_a_form_is_refused(api, cast, make_house, settings,
                                                         tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = api(cast.mhk_housing)
    r = client.get(f"{PREFIX}/households", {"q": "李\x00"})
    assert r.status_code == 400
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("invalid_character", "q")
    house = make_house()
    from anju.registry.tests.test_attachments_api import photo

    r = client.upload(f"{PREFIX}/houses/{house.pk}/attachments",
                      {"file": photo(), "kind": "photo", "title": "正\x00面"})
    assert r.status_code == 400
    assert r.json()["error"]["field"] == "title"
    assert house.attachments.count() == 0


@pytest.mark.parametrize("url", ["/registry/households/?q=李%00", "/registry/houses/?q=%00",
                                 "/divisions/search?q=%00", "/assistance/craftsmen/?q=%00",
                                 "/registry/households/?division%00=1"])
def test_a_nul_character_in_a_pages_address_is_refused_not_a_500(cast, url):
    from django.test import Client

    from anju.conftest import sign_in

    r = sign_in(Client(), cast.mhk_housing).get(url)
    assert r.status_code == 400
    assert "空字符" in r.content.decode()


def test_a_nul_character_in_an_api_path_is_refused(api, cast):
    r = api(cast.mhk_housing).get(f"{PREFIX}/divisions/22%00/children")
    assert r.status_code == 400
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("invalid_character", None)


@pytest.mark.parametrize(("form", "field", "model", "column"), [
    (HouseholdForm, "head_name", Household, "head_name"),
    (HouseholdForm, "bank_name", Household, "bank_name"),
    (HouseForm, "address", House, "address"),
    (ResponsiblePersonForm, "name", ResponsiblePerson, "name"),
    (ContractorForm, "name", Contractor, "name"),
])
def test_page_forms_refuse_the_same_over_long_and_nul_text(form, field, model, column):
    length = model._meta.get_field(column).max_length
    form_field = form.base_fields[field]
    assert form_field.max_length == length
    for value in ("字" * (length + 1), "字\x00"):
        with pytest.raises(forms.ValidationError):
            form_field.clean(value)


# --- paging and uploads, on every list and every upload route found in the schema -------------


def _routes(test) -> list[tuple[str, str]]:
    doc = ninja_api.get_openapi_schema()
    return sorted((method, path) for path, item in doc["paths"].items()
                  for method, operation in item.items() if test(operation))


LIST_ROUTES = _routes(lambda op: "page" in {p["name"] for p in op.get("parameters", [])})
UPLOAD_ROUTES = _routes(
    lambda op: "multipart/form-data" in op.get("requestBody", {}).get("content", {}))


@pytest.fixture
def path_values(make_household, make_house):
    """A record in the caller's scope for each path parameter a list or upload route has."""

    def finding_id():
        from anju.quality.actions import recheck_house
        from anju.quality.models import Finding

        house = make_house(lat=None, lng=None)
        recheck_house(house.pk)
        return Finding.objects.filter(house=house).first().pk

    def campaign_id():
        from anju.accounts.models import User
        from anju.supervision.models import Campaign

        return Campaign.objects.create(
            division_code="220581", opened_on="2026-01-01", deadline="2026-02-01",
            opened_by=User.objects.get(username="mhk_housing")).pk

    def job_id():
        from anju.accounts.models import User
        from anju.exchange.models import Job

        return Job.objects.create(
            owner=User.objects.get(username="mhk_housing"), kind="reconcile_house_collection",
            division_code="220581", status="succeeded",
            params={"resource": "national/house-collection", "layout": "house-collection"}).pk

    makers = {"finding_id": finding_id, "campaign_id": campaign_id, "job_id": job_id,
              "household_id": lambda: make_household().pk,
              "house_id": lambda: make_house().pk, "sha256": lambda: "a" * 64,
              "number": lambda: 0, "department": lambda: "water",
              "layout": lambda: "house-collection"}

    def fill(path: str) -> str:
        import re

        return re.sub(r"\{(\w+)\}", lambda m: str(makers[m.group(1)]()), path)

    return fill


def test_the_list_and_upload_routes_are_found():
    assert len(LIST_ROUTES) >= 9
    assert len(UPLOAD_ROUTES) >= 5


@pytest.mark.parametrize(("method", "path"), LIST_ROUTES)
def test_a_page_far_past_the_end_is_empty(api, cast, path_values, method, path):
    r = api(cast.mhk_housing).get(path_values(path), {"page": 10**30, "page_size": 200})
    assert r.status_code == 200
    out = r.json()
    assert (out["items"], out["page"], out["page_size"]) == ([], 10**30, 200)


@pytest.mark.parametrize(("path", "query"), [
    ("/houses", "household_id"), ("/rectifications", "house_id"),
    ("/quality/findings", "house_id"), ("/applications", "household_id"),
    ("/certifications", "household_id")])
def test_an_id_no_column_can_hold_is_refused_not_a_500(api, cast, path, query):
    r = api(cast.mhk_housing).get(PREFIX + path, {query: 10**20})
    assert r.status_code == 400
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("invalid_value", query)


@pytest.mark.parametrize(("method", "path"), UPLOAD_ROUTES)
def test_a_multipart_body_without_a_boundary_is_the_callers_400(api, cast, path_values,
                                                                  method, path):
    client = api(cast.mhk_housing)
    r = getattr(client.client, method)(
        path_values(path), b"--x\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nphoto",
        content_type="multipart/form-data", headers=client.headers)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed_multipart"



def test_a_body_too_large_for_django_to_read_is_a_413_not_a_500(api, cast, settings):
    # Below the size the middleware refuses by its length, above what Django reads into memory.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    r = api(cast.mhk_housing).post(f"{PREFIX}/households", household_body(bank_name="行" * 900))
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "request_too_large"


def test_a_form_with_too_many_fields_is_the_callers_400(api, cast, make_house, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    house = make_house()
    fields = {f"extra{i}": "x" for i in range(11)} | {"kind": "photo"}
    r = api(cast.mhk_housing).upload(f"{PREFIX}/houses/{house.pk}/attachments", fields)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "bad_request"
    assert house.attachments.count() == 0


# --- JSON null for an optional field is its default (api.md: an empty value as GET answers) --

NULL_APPS = ("registry", "appraisal", "rectification", "assistance")


def _nullable(schema: dict, components: dict) -> bool:
    schema = _resolved(schema, components)
    kinds = schema.get("type")
    if kinds == "null" or (isinstance(kinds, list) and "null" in kinds):
        return True
    return any(_nullable(s, components) for s in schema.get("anyOf", []) + schema.get("oneOf", []))


def _resolved(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def optional_fields_not_nullable() -> list[tuple[str, str, str, bool]]:
    """(method, path, field, in a list) of every JSON body field of the apps' routes that a
    request may leave out and whose schema does not say null."""
    doc = ninja_api.get_openapi_schema()
    components = doc["components"]["schemas"]
    found = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if not operation["operationId"].startswith(tuple(f"anju_{a}_" for a in NULL_APPS)):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            schema = _resolved(body["schema"], components)
            listed = schema.get("type") == "array"
            if listed:
                schema = _resolved(schema["items"], components)
            required = set(schema.get("required", []))
            found += [(method, path.removeprefix(PREFIX), name, listed)
                      for name, field in schema.get("properties", {}).items()
                      if name not in required and not _nullable(field, components)]
    return sorted(found)


NULLABLE_CASES = optional_fields_not_nullable()
# Routes whose body is not a command yet: their null is still refused.
def test_the_optional_fields_are_found():
    assert {(m, p, f) for m, p, f, _ in NULLABLE_CASES} >= {
        ("post", "/houses", "business_sector"), ("post", "/households", "phone"),
        ("put", "/houses/{house_id}/responsible-persons", "department")}


@pytest.mark.parametrize(("method", "path", "field", "listed"), [
    pytest.param(*case, id=" ".join(case[:3])) for case in NULLABLE_CASES])
def test_null_for_an_optional_field_is_not_refused_as_an_invalid_value(
        api, cast, make_house, method, path, field, listed):
    house = make_house()
    url = PREFIX + path.replace("{house_id}", str(house.pk))
    url = re.sub(r"\{\w+\}", "1", url)
    body = {field: None}
    r = getattr(api(cast.mhk_housing), method)(url, [body] if listed else body)
    error = r.json().get("error", {}) if r.status_code >= 400 else {}
    named = {e.get("field") for e in [error, *error.get("details", [])]}
    assert not named & {field, f"0.{field}"}, error


def test_a_house_registered_with_nulls_takes_the_defaults(api, cast):
    body = house_body(business_sector=None, build_method=None, color_steel=None,
                      is_only_house=None, priority_tags=None, household_id=None,
                      built_year=None, lat=None, lng=None)
    r = api(cast.mhk_housing).post(f"{PREFIX}/houses", body)
    assert r.status_code == 201, r.json()
    out = r.json()
    assert (out["business_sector"], out["build_method"], out["color_steel"],
            out["is_only_house"], out["priority_tags"], out["built_year"]) == (
        "", "", False, True, [], None)


@pytest.mark.parametrize("query", ["format=" + "x" * 11, "division=" + "1" * 13])
def test_an_export_parameter_too_long_for_its_command_is_the_callers_error(api, cast, query):
    from anju.exchange.models import Job

    r = api(cast.mhk_housing).post(f"{PREFIX}/exports/houses/jobs?{query}")
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "text_too_long"
    assert r.json()["error"]["field"] == query.split("=")[0]
    assert not Job.objects.exists()
