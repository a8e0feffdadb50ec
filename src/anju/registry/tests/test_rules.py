"""Pure rules of the registry: the GB 11643 checksum, masking, code-list bands, file types."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anju.kit.masks import mask_account, mask_id_number, mask_phone
from anju.registry.rules import (
    build_year_band,
    id_check_character,
    id_number_valid,
    sniff_content_type,
    storey_band,
)

regions = st.text("0123456789", min_size=6, max_size=6)
# Birth dates up to today: a birth date in the future is itself a wrong ID (GB 11643).
births = st.dates(min_value=date(1900, 1, 1), max_value=date.today())
sequences = st.text("0123456789", min_size=3, max_size=3)


def first17(region: str, birth: date, sequence: str) -> str:
    return f"{region}{birth:%Y%m%d}{sequence}"


@given(regions, births, sequences)
def test_id_number_with_its_computed_check_character_is_valid(region, birth, sequence):
    digits = first17(region, birth, sequence)
    assert id_number_valid(digits + id_check_character(digits))


@given(regions, births, sequences, st.sampled_from("0123456789X"))
def test_id_number_with_any_other_check_character_is_invalid(region, birth, sequence, check):
    digits = first17(region, birth, sequence)
    assert id_number_valid(digits + check) == (check == id_check_character(digits))


@given(regions, sequences, st.integers(0, 9))
def test_id_number_with_one_digit_changed_is_invalid(region, sequence, position):
    digits = first17(region, date(1980, 1, 1), sequence)
    valid = digits + id_check_character(digits)
    changed = valid[:position] + str((int(valid[position]) + 1) % 10) + valid[position + 1:]
    assert not id_number_valid(changed)


@pytest.mark.parametrize("value", [
    "11010519491231002X",  # the GB 11643 example
    "110101199003074477",
])
def test_known_id_numbers_are_valid(value):
    assert id_number_valid(value)


@pytest.mark.parametrize("value", [
    "", "22058119800101001", "2205811980010100101", "11010519491231002x",
    "2205811980010100A1", 22058119800101001,
])
def test_malformed_id_numbers_are_invalid(value):
    assert not id_number_valid(value)


@pytest.mark.parametrize("birth", ["19800230", "19801301", "19800000"])
def test_id_number_with_an_impossible_birth_date_is_invalid_whatever_its_checksum(birth):
    digits = f"220581{birth}001"
    assert not id_number_valid(digits + id_check_character(digits))


@pytest.mark.parametrize("mask, value, shown", [
    (mask_id_number, "11010519491231002X", "110105********002X"),
    (mask_id_number, "", ""),
    (mask_account, "6217000012345678", "****5678"),
    (mask_account, "", ""),
    (mask_phone, "13812345678", "138****5678"),
    (mask_phone, "0435-1234567", "043****4567"),
])
def test_sensitive_numbers_are_masked_as_the_contract_shows(mask, value, shown):
    assert mask(value) == shown


@pytest.mark.parametrize("floors, band", [(1, "1"), (2, "2"), (3, "3"), (4, "4+"), (9, "4+")])
def test_storeys_fall_into_the_survey_bands(floors, band):
    assert storey_band(floors) == band


@pytest.mark.parametrize("year, band", [
    (1950, "≤1980"), (1980, "≤1980"), (1981, "1981-1990"), (1990, "1981-1990"),
    (2000, "1991-2000"), (2010, "2001-2010"), (2011, "≥2011"),
])
def test_build_years_fall_into_the_survey_bands(year, band):
    assert build_year_band(year) == band


@pytest.mark.parametrize("head, content_type", [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"%PDF-1.4\n", "application/pdf"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    (b"<svg xmlns=", None),
    (b"", None),
])
def test_file_type_is_known_from_its_first_bytes(head, content_type):
    assert sniff_content_type(head) == content_type


def test_id_number_with_a_birth_date_in_the_future_is_invalid():
    from datetime import date

    from anju.registry.rules import id_check_character, id_number_valid

    first17 = f"220581{date.today().year + 1}0101123"
    assert not id_number_valid(first17 + id_check_character(first17))


def test_id_number_typed_with_lower_case_x_is_stored_upper_case(cast):
    from anju.conftest import SHANCHENG_V1
    from anju.registry.actions import register_household
    from anju.registry.commands import RegisterHousehold
    from anju.registry.rules import id_check_character

    first17 = next(f"22058119800101{n:03d}" for n in range(1000)
                   if id_check_character(f"22058119800101{n:03d}") == "X")
    household = register_household(RegisterHousehold(
        division_code=SHANCHENG_V1, head_name="李小河", head_id_number=f" {first17}x ",
        persons=2), acting_user=cast.shancheng)
    assert household.head_id_number == first17 + "X"
