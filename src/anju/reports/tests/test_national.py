"""The national roll-up (docs/national-rollup.md): each province exports its rollup with no
personal field, and the nation's figures are the sums of one file per province."""

import json
import re
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from anju.accounts.actions import create_user
from anju.accounts.commands import CreateUser
from anju.audit.models import AuditEvent
from anju.kit.errors import Code, Forbidden, NotFound, RuleViolation
from anju.rectification.actions import backfill_ledger
from anju.registry.demo_data import seed
from anju.registry.models import House, Household
from anju.reports import national, rollup
from anju.reports.figures import NAMES

pytestmark = pytest.mark.django_db

JILIN, XINJIANG = "22", "65"
MEIHEKOU, CHANGJI = "220581", "652301"  # 梅河口市, 昌吉市


def officer(username: str, scope: str, role: str = "prefecture_officer"):
    return create_user(CreateUser(username=username, password="x", scope=scope, role=role,
                                  department="housing"), check_password=False)


@pytest.fixture
def two_provinces():
    """300 houses in 梅河口市 and 200 in 昌吉市, their C/D houses on the ledger, counted."""
    seed(MEIHEKOU, 300)
    seed(CHANGJI, 200)
    backfill_ledger(MEIHEKOU)
    backfill_ledger(CHANGJI)
    rollup.rebuild()
    return officer("jilin", JILIN), officer("xinjiang", XINJIANG)


def export(tmp_path, province: str, user, fmt: str) -> str:
    path = tmp_path / f"{province}.{fmt}"
    call_command("rollup_export", province, "--user", user.username, "--output", str(path))
    return str(path)


def merge(tmp_path, *files) -> dict:
    out = tmp_path / "national.json"
    call_command("rollup_merge", *files, "--output", str(out))
    return json.loads(out.read_text())


def counted(prefix: str) -> dict:
    """Some figures straight from the records, no rollup in between."""
    houses = House.objects.standing().filter(division_code__startswith=prefix)
    return {"houses": houses.count(),
            **{f"grade_{g.lower()}": houses.filter(grade=g).count()
               for g in ("A", "B", "C", "D", "unrated")},
            "occupancy_occupied": houses.filter(occupancy="occupied").count()}


def test_the_national_figures_are_the_sums_of_the_two_provinces_files(tmp_path, two_provinces):
    jilin, xinjiang = two_provinces
    files = [export(tmp_path, JILIN, jilin, "json"), export(tmp_path, XINJIANG, xinjiang, "csv")]

    merged = merge(tmp_path, *files)

    assert [p["province"] for p in merged["provinces"]] == [JILIN, XINJIANG]
    by_province = {p["province"]: p["figures"] for p in merged["provinces"]}
    assert by_province[JILIN]["houses"] == 300 and by_province[XINJIANG]["houses"] == 200
    assert merged["figures"]["houses"] == 500
    for name in NAMES:
        assert merged["figures"][name] == by_province[JILIN][name] + by_province[XINJIANG][name]
    jilin_counted, xinjiang_counted = counted(JILIN), counted(XINJIANG)
    for name, value in jilin_counted.items():
        assert merged["figures"][name] == value + xinjiang_counted[name], name
    assert merged["figures"]["ledger_open"] == (
        jilin_counted["grade_c"] + jilin_counted["grade_d"]
        + xinjiang_counted["grade_c"] + xinjiang_counted["grade_d"])
    assert merged["replaced"] == []


def test_a_province_sent_twice_counts_once_with_its_later_file(tmp_path, two_provinces):
    jilin, xinjiang = two_provinces
    yesterday = national.province_rollup(JILIN, acting_user=jilin,
                                         today=date.today() - timedelta(days=1))
    old = tmp_path / "22-old.json"
    old.write_text(national.dumps(yesterday))
    seed(MEIHEKOU, 50)  # 50 more houses counted into today's file
    rollup.rebuild(MEIHEKOU)
    today = export(tmp_path, JILIN, jilin, "json")
    changji = export(tmp_path, XINJIANG, xinjiang, "json")

    merged = merge(tmp_path, today, str(old), changji, changji)

    assert merged["figures"]["houses"] == 350 + 200
    assert [(p["province"], p["as_of"]) for p in merged["provinces"]] == [
        (JILIN, date.today().isoformat()), (XINJIANG, date.today().isoformat())]
    assert merged["replaced"] == [{"province": JILIN, "as_of": yesterday["as_of"],
                                   "generated_at": yesterday["generated_at"]}]


def test_two_different_files_of_one_province_stamped_alike_are_refused(two_provinces):
    jilin, _ = two_provinces
    first = national.province_rollup(JILIN, acting_user=jilin)
    seed(MEIHEKOU, 10)
    rollup.rebuild(MEIHEKOU)
    second = national.province_rollup(JILIN, acting_user=jilin)
    second["generated_at"] = first["generated_at"]
    second["digest"] = national.digest(second)

    with pytest.raises(RuleViolation) as refused:
        national.merge_provinces([first, second])
    assert (refused.value.code, refused.value.field) == (Code.ROLLUP_PROVINCE_TWICE, "province")


ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ACCOUNT = re.compile(r"6217\d{8,}")


def test_the_export_files_hold_no_name_id_number_phone_or_account(tmp_path, two_provinces):
    jilin, xinjiang = two_provinces
    texts = [open(export(tmp_path, p, u, fmt), encoding="utf-8").read()
             for p, u in ((JILIN, jilin), (XINJIANG, xinjiang)) for fmt in ("json", "csv")]
    heads = list(Household.objects.values_list("head_name", flat=True))
    addresses = list(House.objects.values_list("address", flat=True))
    assert len(heads) == 500 and len(addresses) == 500
    for text in texts:
        assert "houses" in text and (MEIHEKOU in text or CHANGJI in text)
        assert not ID_NUMBER.search(text) and not PHONE.search(text)
        assert not ACCOUNT.search(text)
        assert not [name for name in heads if name in text]
        assert not [address for address in addresses if address in text]
        for column in ("head_name", "id_number", "phone", "bank_account", "address"):
            assert column not in text


def test_a_file_edited_on_the_way_or_carrying_another_column_is_refused(two_provinces):
    jilin, _ = two_provinces
    document = national.province_rollup(JILIN, acting_user=jilin)
    county = next(r for r in document["divisions"] if r["code"] == MEIHEKOU)

    county["houses"] += 1  # edited: the digest no longer matches
    with pytest.raises(RuleViolation) as refused:
        national.merge_provinces([document])
    assert refused.value.code == Code.ROLLUP_DIGEST_MISMATCH

    document["digest"] = national.digest(document)  # edited with care: the sums disagree
    with pytest.raises(RuleViolation) as refused:
        national.merge_provinces([document])
    assert (refused.value.code, refused.value.field) == (Code.ROLLUP_SUMS_MISMATCH,
                                                         "divisions")
    county["houses"] -= 1
    county["head_name"] = "王大山"  # a column beyond codes, names and counts
    with pytest.raises(RuleViolation) as refused:
        national.loads(json.dumps(document, ensure_ascii=False))
    assert refused.value.code == Code.FORMAT_INVALID


def test_only_a_province_level_user_of_the_province_may_export_its_rollup(tmp_path, cast,
                                                                          two_provinces):
    jilin, _ = two_provinces
    with pytest.raises(Forbidden):  # a county officer, even of a county of the province
        national.province_rollup(JILIN, acting_user=cast.mhk_housing)
    with pytest.raises(Forbidden):  # the prefecture of 昌吉州 is below the province
        national.province_rollup(XINJIANG, acting_user=cast.changji)
    with pytest.raises(Forbidden):  # the system administrator sees no figures of households
        national.province_rollup(JILIN, acting_user=cast.admin)
    with pytest.raises(NotFound):  # another province
        national.province_rollup(XINJIANG, acting_user=jilin)
    with pytest.raises(CommandError, match="只有省级或全国用户可以导出全省汇总"):
        call_command("rollup_export", JILIN, "--user", "mhk_housing",
                     "--output", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()

    export(tmp_path, JILIN, jilin, "json")

    event = AuditEvent.objects.filter(action="export", actor=jilin).get()
    assert (event.division_code, event.details["export"]) == (JILIN, "national/rollup")
