"""ID, phone and account numbers are encrypted at rest; exact searches still work; keys
rotate."""

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from anju.conftest import SHANCHENG_V1, valid_id_number
from anju.crypto import decrypt, is_encrypted, lookup_hash, new_key
from anju.registry import actions
from anju.registry.commands import RegisterHousehold, SetResponsiblePersons
from anju.registry.demo_data import seed
from anju.registry.models import Household, Member, ResponsiblePerson
from anju.registry.sensitive import decrypt_table_columns, encrypt_table_columns

PHONE, ACCOUNT, HELPER_PHONE = "13987654321", "621700009876543210", "13611112222"


def dump() -> str:
    """Every row of every table as text, as a backup of the database would hold it."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            lines += [repr(row) for row in cursor.fetchall()]
    return "\n".join(lines)


def raw(table: str, column: str, row_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [row_id])
        return cursor.fetchone()[0]


@pytest.fixture
def registered(cast, make_house):
    head, member = valid_id_number("19600101"), valid_id_number("19650202")
    household = actions.register_household(RegisterHousehold(
        division_code=SHANCHENG_V1, head_name="赵铁柱", head_id_number=head, phone=PHONE,
        persons=2, bank_account=ACCOUNT, bank_name="梅河口农商银行",
        members=[{"name": "钱秀英", "id_number": member, "relation": "spouse"}]),
        acting_user=cast.shancheng)
    house = make_house(household=household)
    actions.set_responsible_persons(house, SetResponsiblePersons(responsible_persons=[
        {"role": "supervisor", "name": "孙干事", "phone": HELPER_PHONE}]),
        acting_user=cast.shancheng)
    return household, head, member


def test_a_database_dump_contains_no_id_number_in_clear_text(registered, api, cast):
    household, head, member = registered
    text = dump()
    assert "赵铁柱" in text  # the dump is complete: names are not encrypted
    for number in (head, member, PHONE, ACCOUNT, HELPER_PHONE, head[-8:], PHONE[-8:]):
        assert number not in text, number
    assert lookup_hash(head) in text
    stored = raw("registry_household", "head_id_number", household.pk)
    assert is_encrypted(stored) and decrypt(stored) == head


def test_records_read_back_as_the_plain_numbers(registered):
    household, head, member = registered
    household = Household.objects.get(pk=household.pk)
    assert (household.head_id_number, household.phone, household.bank_account) == (
        head, PHONE, ACCOUNT)
    assert list(household.members.values_list("id_number", flat=True)) == [member]
    assert ResponsiblePerson.objects.get(house__household=household).phone == HELPER_PHONE


def test_exact_id_search_still_finds_the_household_by_head_or_member(registered, api, cast):
    household, head, member = registered
    for number in (head, member, member.lower()):
        r = api(cast.shancheng).get("/api/v1/households", {"q": number})
        assert [h["id"] for h in r.json()["items"]] == [household.pk], number


def test_a_second_household_with_the_same_head_is_still_refused(registered, api, cast):
    _, head, _ = registered
    r = api(cast.shancheng).post("/api/v1/households", {
        "division_code": SHANCHENG_V1, "head_name": "赵铁柱", "head_id_number": head,
        "persons": 1})
    assert (r.status_code, r.json()["error"]["code"]) == (422, "id_number_duplicate")


def test_an_encrypted_number_cannot_be_compared_by_value(make_household):
    with pytest.raises(FieldError, match="encrypted"):
        Household.objects.filter(head_id_number="220581196001010011").exists()
    without, with_phone = make_household(phone=""), make_household()
    # "Is it filled in?" still works: an empty number is stored empty.
    blank = Household.objects.filter(pk__in=[without.pk, with_phone.pk], phone="")
    assert list(blank) == [without]


def test_keys_rotate_without_losing_a_number(registered, api, cast, settings):
    household, head, member = registered
    old_token = raw("registry_household", "head_id_number", household.pk)
    fresh = new_key()
    settings.FIELD_KEYS = [fresh, *settings.FIELD_KEYS]  # the new key first, old ones after
    settings.LOOKUP_KEY = "a-new-lookup-key-for-the-test"
    assert Household.objects.get(pk=household.pk).head_id_number == head

    call_command("rotate_keys", stdout=open("/dev/null", "w"))

    settings.FIELD_KEYS = [fresh]  # the old key can go now
    assert raw("registry_household", "head_id_number", household.pk) != old_token
    assert Household.objects.get(pk=household.pk).head_id_number == head
    assert Member.objects.get(household=household).id_number == member
    r = api(cast.shancheng).get("/api/v1/households", {"q": head})
    assert [h["id"] for h in r.json()["items"]] == [household.pk]


def test_rows_of_an_older_install_are_encrypted_and_can_be_decrypted_back(db, make_household):
    head = valid_id_number()
    with connection.cursor() as cursor:  # a row as migration 0004 left it: plain numbers
        cursor.execute(
            "INSERT INTO registry_household (division_code, head_name, head_id_number, "
            "head_id_hash, phone, persons, low_income_category, bank_account, bank_name, "
            "version, created_at, updated_at) VALUES (%s, '旧户', %s, '', %s, 1, '', %s, '', 1, "
            "%s, %s)", [SHANCHENG_V1, head, PHONE, ACCOUNT, "2025-01-01 00:00:00",
                        "2025-01-01 00:00:00"])
        cursor.execute("SELECT id FROM registry_household WHERE head_name = '旧户'")
        row_id = cursor.fetchone()[0]

    encrypt_table_columns(connection)
    assert is_encrypted(raw("registry_household", "bank_account", row_id))
    assert raw("registry_household", "head_id_hash", row_id) == lookup_hash(head)
    assert Household.objects.get(pk=row_id).bank_account == ACCOUNT

    decrypt_table_columns(connection)
    assert raw("registry_household", "head_id_number", row_id) == head
    assert raw("registry_household", "head_id_hash", row_id) == ""


def test_bulk_seeding_writes_encrypted_numbers_and_their_hashes(db):
    seed("220581100", 30, batch_size=10)
    household = Household.objects.filter(division_code__startswith="220581100").last()
    stored = raw("registry_household", "head_id_number", household.pk)
    assert is_encrypted(stored) and is_encrypted(raw("registry_household", "phone",
                                                     household.pk))
    assert household.head_id_hash == lookup_hash(household.head_id_number)


def test_a_changed_byte_in_the_database_is_detected_not_misread(registered):
    household, _, _ = registered
    token = raw("registry_household", "bank_account", household.pk)
    flipped = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_household SET bank_account = %s WHERE id = %s",
                       [flipped, household.pk])
    with pytest.raises(ImproperlyConfigured, match="does not decrypt"):
        Household.objects.get(pk=household.pk)


def test_removing_a_key_before_rotating_says_so(registered, settings):
    household, _, _ = registered
    settings.FIELD_KEYS = [new_key()]
    with pytest.raises(ImproperlyConfigured, match="no longer in ANJU_FIELD_KEYS"):
        Household.objects.get(pk=household.pk)
