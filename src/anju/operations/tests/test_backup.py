"""`anju backup`, `anju restore` and `anju backup --verify`, as the county's IT clerk uses them:
a backup of a running county restores to the same records and files; nothing is overwritten,
a damaged backup is named and refused, and the keys never travel with the data."""

import hashlib
import json
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import uuid
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from anju.kit.errors import AnjuError
from anju.operations import backup

FIXTURE = Path(__file__).resolve().parents[4] / "tests/fixtures/previous-release.sqlite3.xz"
SQLITE = "django.db.backends.sqlite3"


def counts_of(path: Path) -> dict:
    with closing(sqlite3.connect(path)) as con:
        return backup._sqlite_counts(con)


def files_of(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


class Instance:
    """A county's data folder: the demo database of the last release and some uploads."""

    def __init__(self, root: Path):
        self.data = root
        self.data.mkdir(parents=True)
        self.database = root / "anju.sqlite3"
        self.database.write_bytes(lzma.decompress(FIXTURE.read_bytes()))
        with closing(sqlite3.connect(self.database)) as con:
            con.execute("PRAGMA journal_mode=WAL")  # as Anju runs it (settings.py)
        self.media = root / "media"
        for n in range(5):
            upload = self.media / "attachments/2026/11" / f"photo-{n}.jpg"
            upload.parent.mkdir(parents=True, exist_ok=True)
            upload.write_bytes(os.urandom(2000 + n))

    @property
    def db(self) -> dict:
        return {"ENGINE": SQLITE, "NAME": self.database}

    def back_up(self, dest: Path) -> dict:
        return backup.create_backup(dest, db=self.db, media_root=self.media)


def empty_target(root: Path) -> dict:
    return {"db": {"ENGINE": SQLITE, "NAME": root / "anju.sqlite3"}, "media_root": root / "media"}


@pytest.fixture
def county(tmp_path):
    return Instance(tmp_path / "county")


def write_sessions(database: Path, stop: threading.Event, written: list) -> None:
    """A clerk at work: a new session row committed again and again."""
    with closing(sqlite3.connect(database, timeout=10)) as con:
        while not stop.is_set():
            con.execute("INSERT INTO django_session VALUES (?, ?, ?)",
                        (uuid.uuid4().hex, "x" * 200,
                         (datetime.now(UTC) + timedelta(hours=1)).isoformat()))
            con.commit()
            written.append(1)


def test_backup_of_a_running_county_restores_to_equal_counts_and_files(county, tmp_path):
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_sessions, args=(county.database, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            pass
        manifest = county.back_up(tmp_path / "backup")
        during = len(written)
        while len(written) < during + 20:
            pass
    finally:
        stop.set()
        writer.join()

    target = empty_target(tmp_path / "restored")
    backup.restore_backup(tmp_path / "backup", **target)

    restored = counts_of(target["db"]["NAME"])
    assert restored == manifest["counts"]
    # the backup holds one moment: rows written after it are not in it, none is half there
    assert manifest["counts"]["django_session"] < counts_of(county.database)["django_session"]
    assert files_of(target["media_root"]) == files_of(county.media)
    assert len(manifest["files"]) == 5
    assert backup.verify_backup(tmp_path / "backup", db=county.db) == []


def test_manifest_names_version_migrations_counts_and_checksums(county, tmp_path):
    manifest = county.back_up(tmp_path / "backup")
    saved = json.loads((tmp_path / "backup/manifest.json").read_text())
    assert saved == manifest
    assert manifest["engine"] == "sqlite"
    assert manifest["migrations"]["registry"].startswith("00")
    assert manifest["counts"] == counts_of(county.database)
    database = tmp_path / "backup/anju.sqlite3"
    assert manifest["database"] == {"path": "anju.sqlite3", "size": database.stat().st_size,
                                    "sha256": hashlib.sha256(database.read_bytes()).hexdigest()}
    assert {f["path"]: f["sha256"] for f in manifest["files"]} == files_of(county.media)
    assert "ANJU_FIELD_KEYS" in manifest["keys"]


def test_backup_into_an_existing_folder_is_refused_and_leaves_it_alone(county, tmp_path):
    dest = tmp_path / "backup"
    dest.mkdir()
    (dest / "last-week.txt").write_text("上周的备份")
    with pytest.raises(AnjuError) as refused:
        county.back_up(dest)
    assert (refused.value.code, refused.value.field) == ("backup_target_exists", "dest")
    assert str(dest) in refused.value.message
    assert files_of(dest) == {"last-week.txt": hashlib.sha256(
        "上周的备份".encode()).hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup", "county"]


def test_a_backup_that_fails_half_way_leaves_nothing_behind(county, tmp_path, monkeypatch):
    copied = []

    def copy_until_the_disk_is_full(src, dst):
        if copied:
            raise OSError(28, "No space left on device")
        copied.append(src)
        return shutil.copyfile(src, dst)

    monkeypatch.setattr(backup.shutil, "copy2", copy_until_the_disk_is_full)
    with pytest.raises(OSError):
        county.back_up(tmp_path / "backup")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["county"]


KILLED_MID_COPY = """
import shutil, sys, time
from pathlib import Path
from anju.operations import backup
real_copy = shutil.copy2
def slow_copy(src, dst):
    real_copy(src, dst)
    print("copied", flush=True)
    time.sleep(60)
backup.shutil.copy2 = slow_copy
backup.create_backup(Path(sys.argv[1]), db={"ENGINE": "sqlite3", "NAME": sys.argv[2]},
                     media_root=Path(sys.argv[3]))
"""


def test_a_backup_killed_half_way_leaves_no_backup_and_can_be_taken_again(county, tmp_path):
    dest = tmp_path / "backups" / "tonight"
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_COPY, str(dest), str(county.database),
         str(county.media)], stdout=subprocess.PIPE, text=True)
    assert killed.stdout.readline().strip() == "copied"
    killed.kill()  # SIGKILL: no cleanup runs
    killed.wait()
    assert not dest.exists()
    manifest = county.back_up(dest)
    assert backup.verify_backup(dest, db=county.db) == []
    assert len(manifest["files"]) == 5


KILLED_MID_RESTORE = """
import os, sys, time
from pathlib import Path
from anju.operations import backup
replace = os.replace
def stuck(staged, target):  # the uploads and the database in place, the restore not finished
    replace(staged, target)
    print("moved", flush=True)
    time.sleep(60)
backup.os.replace = stuck
backup.restore_backup(Path(sys.argv[1]), db={"ENGINE": "sqlite3", "NAME": sys.argv[2]},
                      media_root=Path(sys.argv[3]))
"""


def test_a_restore_killed_half_way_is_retried_by_running_it_again(county, tmp_path):
    county.back_up(tmp_path / "backup")
    target = empty_target(tmp_path / "restored")
    target["db"]["NAME"].parent.mkdir()
    killed = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_RESTORE, str(tmp_path / "backup"),
         str(target["db"]["NAME"]), str(target["media_root"])], stdout=subprocess.PIPE,
        text=True)
    assert killed.stdout.readline().strip() == "moved"
    killed.kill()  # SIGKILL: no cleanup runs
    killed.wait()
    assert counts_of(target["db"]["NAME"]) == counts_of(county.database)  # half restored
    backup.restore_backup(tmp_path / "backup", **target)  # no manual emptying first
    assert counts_of(target["db"]["NAME"]) == counts_of(county.database)
    assert files_of(target["media_root"]) == files_of(county.media)
    assert sorted(p.name for p in (tmp_path / "restored").iterdir()) == ["anju.sqlite3", "media"]


def test_keys_are_never_in_the_backup(county, tmp_path):
    # The worst case: uploads kept in the data folder itself, beside the generated keys.
    keys = {"secret.key": "s3cret-" + uuid.uuid4().hex, "field.keys": uuid.uuid4().hex,
            "lookup.key": "lookup-" + uuid.uuid4().hex}
    for name, value in keys.items():
        (county.data / name).write_text(value)
    manifest = backup.create_backup(tmp_path / "backup", db=county.db, media_root=county.data)
    everything = b"".join(p.read_bytes() for p in (tmp_path / "backup").rglob("*")
                          if p.is_file())
    assert [name for name, value in keys.items() if value.encode() in everything] == []
    assert not {f["path"].rsplit("/", 1)[-1] for f in manifest["files"]} & set(keys)
    assert "另行保管" in manifest["keys"]


def test_restore_refuses_a_database_with_records_and_changes_nothing(county, tmp_path):
    county.back_up(tmp_path / "backup")
    before, files_before = counts_of(county.database), files_of(county.media)
    shutil.rmtree(county.media)  # even with no uploads, the records refuse it
    with pytest.raises(AnjuError) as refused:
        backup.restore_backup(tmp_path / "backup", db=county.db, media_root=county.media)
    assert refused.value.code == "restore_target_not_empty"
    assert "数据库" in refused.value.message
    assert counts_of(county.database) == before
    assert files_before and not county.media.exists()


def test_restore_refuses_an_uploads_folder_with_files(county, tmp_path):
    county.back_up(tmp_path / "backup")
    target = empty_target(tmp_path / "restored")
    stray = target["media_root"] / "attachments/old.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"old")
    with pytest.raises(AnjuError) as refused:
        backup.restore_backup(tmp_path / "backup", **target)
    assert refused.value.code == "restore_target_not_empty"
    assert "上传目录" in refused.value.message
    assert not target["db"]["NAME"].exists()
    assert files_of(target["media_root"]) == {"attachments/old.jpg": hashlib.sha256(
        b"old").hexdigest()}


@pytest.mark.parametrize("damaged", ["media/attachments/2026/11/photo-3.jpg", "anju.sqlite3"])
def test_a_corrupted_backup_is_refused_naming_the_file(county, tmp_path, damaged):
    county.back_up(tmp_path / "backup")
    path = tmp_path / "backup" / damaged
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    target = empty_target(tmp_path / "restored")
    with pytest.raises(AnjuError) as refused:
        backup.restore_backup(tmp_path / "backup", **target)
    assert (refused.value.code, refused.value.field) == ("backup_corrupted", damaged)
    assert damaged in refused.value.message
    assert not (tmp_path / "restored").exists()
    with pytest.raises(AnjuError) as verified:
        backup.verify_backup(tmp_path / "backup", db=county.db)
    assert verified.value.field == damaged


def test_verify_reports_counts_that_differ_from_the_manifest(county, tmp_path):
    county.back_up(tmp_path / "backup")
    manifest_path = tmp_path / "backup/manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["counts"]["django_session"] += 1
    manifest_path.write_text(json.dumps(manifest))
    differences = backup.verify_backup(tmp_path / "backup", db=county.db)
    assert len(differences) == 1
    assert differences[0].startswith("表 django_session：")


def anju(*args, data: Path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from anju.cli import main; main()", *args],
                          env={**os.environ, "ANJU_DATA_DIR": str(data), **env},
                          capture_output=True, text=True, timeout=120)


def test_the_commands_say_what_they_did_and_refuse_clearly(county, tmp_path):
    made = anju("backup", str(tmp_path / "backup"), data=county.data)
    assert made.returncode == 0, made.stderr
    assert "备份完成" in made.stdout and "不含密钥" in made.stdout
    again = anju("backup", str(tmp_path / "backup"), data=county.data)
    assert again.returncode == 1
    assert "[backup_target_exists]" in again.stderr
    verified = anju("backup", "--verify", str(tmp_path / "backup"), data=county.data)
    assert "校验通过" in verified.stdout
    restored = anju("restore", str(tmp_path / "backup"), data=tmp_path / "new")
    assert restored.returncode == 0, restored.stderr
    assert counts_of(tmp_path / "new/anju.sqlite3") == counts_of(tmp_path / "backup/anju.sqlite3")
    refused = anju("restore", str(tmp_path / "backup"), data=tmp_path / "new")
    assert refused.returncode == 1
    assert "[restore_target_not_empty]" in refused.stderr


# ---- PostgreSQL (DATABASE_URL): pg_dump in its custom format, pg_restore into an empty base

@pytest.fixture
def pg(db):
    """The test database, written on connections of the test's own (committed, unlike the
    test's transaction) and cleaned afterwards: a `transaction=True` test's flush is refused
    by the append-only audit table."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: run with DATABASE_URL=postgres://...")
    settings = dict(connection.settings_dict)
    try:
        yield settings
    finally:
        with backup._pg_connect(settings) as con:
            con.execute("DELETE FROM django_session WHERE session_key LIKE 'backup-test-%%'")


def add_session(con) -> None:
    con.execute("INSERT INTO django_session VALUES (%s, %s, %s)",
                ("backup-test-" + uuid.uuid4().hex[:24], "x" * 200,
                 datetime.now(UTC) + timedelta(hours=1)))


def write_pg_sessions(db: dict, stop: threading.Event, written: list) -> None:
    with backup._pg_connect(db) as con:
        while not stop.is_set():
            add_session(con)
            written.append(1)


def test_postgresql_backup_of_a_running_county_restores_to_equal_counts_and_files(
        pg, tmp_path):
    media = tmp_path / "media"
    for n in range(3):
        (media / "attachments").mkdir(parents=True, exist_ok=True)
        (media / "attachments" / f"scan-{n}.pdf").write_bytes(os.urandom(3000))
    with backup._pg_connect(pg) as con:
        for _ in range(50):
            add_session(con)
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_pg_sessions, args=(pg, stop, written))
    writer.start()
    try:
        while len(written) < 20:
            pass
        manifest = backup.create_backup(tmp_path / "backup", db=pg, media_root=media)
        during = len(written)
        while len(written) < during + 20:
            pass
    finally:
        stop.set()
        writer.join()
    assert manifest["engine"] == "postgresql"
    assert (tmp_path / "backup/anju.dump").read_bytes()[:5] == b"PGDMP"

    with pytest.raises(AnjuError) as refused:  # the running county itself is not empty
        backup.restore_backup(tmp_path / "backup", db=pg, media_root=tmp_path / "other")
    assert refused.value.code == "restore_target_not_empty"

    with backup._pg_scratch_database(pg) as name:
        target = {**pg, "NAME": name}
        backup.restore_backup(tmp_path / "backup", db=target, media_root=tmp_path / "restored")
        with backup._pg_connect(target) as con:
            restored = backup._pg_counts(con)
    assert restored == manifest["counts"]
    assert manifest["counts"]["django_session"] >= 70
    with backup._pg_connect(pg) as con:
        assert backup._pg_counts(con)["django_session"] > manifest["counts"]["django_session"]
    assert files_of(tmp_path / "restored") == files_of(media)
    assert backup.verify_backup(tmp_path / "backup", db=pg) == []


def test_postgresql_backup_tampered_with_fails_verification(pg, tmp_path):
    backup.create_backup(tmp_path / "backup", db=pg, media_root=tmp_path / "media")
    dump = tmp_path / "backup/anju.dump"
    data = bytearray(dump.read_bytes())
    data[-10] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(AnjuError) as refused:
        backup.verify_backup(tmp_path / "backup", db=pg)
    assert (refused.value.code, refused.value.field) == ("backup_corrupted", "anju.dump")
