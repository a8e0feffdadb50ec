"""An upgrade as INSTALL.md tells it (stop, backup, install, `anju migrate`, start), from the
database of the previous release (tests/fixtures/, made by scripts/upgrade-fixture.sh): the
county's records are all there and the pages work on them."""

import json
import lzma
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[4] / "tests/fixtures"

# Run inside the upgraded instance: a county officer finds a household in the list; an ID number
# written by the previous release still decrypts with the county's keys.
CHECK = """
import json
from django.test import Client
from django.urls import reverse
from anju.accounts.models import User
from anju.registry.models import Household
client = Client()
client.force_login(User.objects.get(username="mhk_housing"))
household = Household.objects.order_by("pk").first()
page = client.get(reverse("registry:household_list"), {"q": household.head_name})
print(json.dumps({"status": page.status_code, "head_on_page": household.head_name in
                  page.content.decode(), "id_length": len(household.head_id_number)}))
"""


def keys() -> dict:
    lines = (FIXTURES / "previous-release.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def anju(*args, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **keys(), "ANJU_DATA_DIR": str(data), "ANJU_REQUIRE_TOTP": "false"}
    env.pop("DATABASE_URL", None)  # the previous release's database is a SQLite file
    return subprocess.run([sys.executable, "-c", "from anju.cli import main; main()", *args],
                          env=env, capture_output=True, text=True, timeout=300)


def count(database: Path, table: str) -> int:
    with closing(sqlite3.connect(database)) as con:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture
def previous_release(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    database = data / "anju.sqlite3"
    database.write_bytes(lzma.decompress((FIXTURES / "previous-release.sqlite3.xz").read_bytes()))
    return data


def test_previous_release_database_upgrades_with_every_record_and_working_pages(
        previous_release, tmp_path):
    database = previous_release / "anju.sqlite3"
    tables = ("registry_house", "registry_household", "accounts_user")
    before = {t: count(database, t) for t in tables}
    assert before["registry_house"] > 100

    migrated = anju("migrate", "--no-input", data=previous_release)
    assert migrated.returncode == 0, migrated.stderr
    assert anju("migrate", "--check", data=previous_release).returncode == 0
    assert {t: count(database, t) for t in tables} == before

    checked = anju("shell", "-c", CHECK, data=previous_release)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout.strip().splitlines()[-1]) == {
        "status": 200, "head_on_page": True, "id_length": 18}

    # then the upgraded county is backed up and restored elsewhere, whole
    made = anju("backup", str(tmp_path / "after-upgrade"), data=previous_release)
    assert made.returncode == 0, made.stderr
    restored = anju("restore", str(tmp_path / "after-upgrade"), data=tmp_path / "spare")
    assert restored.returncode == 0, restored.stderr
    assert {t: count(tmp_path / "spare/anju.sqlite3", t) for t in tables} == before
