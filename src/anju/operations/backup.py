"""Backup, restore and verify of one Anju instance: its database and its uploaded files.

A backup is a folder: the database (a SQLite copy made with the online backup API, or a
`pg_dump --format=custom` file), the uploads under `media/`, and `manifest.json` with the row
count of every table, the migration reached per app and the sha256 of every file. The keys
(ANJU_SECRET_KEY, ANJU_FIELD_KEYS, ANJU_LOOKUP_KEY) are never in it: ID and account numbers in
the backup can be read only with the field keys kept apart (docs/operations.md).
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from anju.kit.errors import AnjuError, Code

MANIFEST = "manifest.json"
SQLITE_FILE = "anju.sqlite3"
DUMP_FILE = "anju.dump"
MEDIA = "media"
FORMAT = 1
# Never copied, even when the uploads folder is the data folder itself.
KEY_FILES = {"secret.key", "field.keys", "lookup.key"}
KEYS_NOTE = ("本备份不含密钥（ANJU_SECRET_KEY、ANJU_FIELD_KEYS、ANJU_LOOKUP_KEY）。"
             "身份证号、账号等加密字段只有用原密钥才能读出：请把 /etc/anju/anju.env 另行保管，"
             "不要与备份放在一起。")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(path: Path, name: str) -> dict:
    return {"path": name, "size": path.stat().st_size, "sha256": _sha256(path)}


def _is_sqlite(db: dict) -> bool:
    return db["ENGINE"].endswith("sqlite3")


def _anju_version() -> str:
    try:
        return version("anju")
    except PackageNotFoundError:
        return "unknown"


# ---- SQLite ----------------------------------------------------------------------------

def _sqlite_tables(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name")]


def _sqlite_counts(con: sqlite3.Connection) -> dict[str, int]:
    return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in _sqlite_tables(con)}


def _sqlite_migrations(con: sqlite3.Connection) -> dict[str, str]:
    if "django_migrations" not in _sqlite_tables(con):
        return {}
    return dict(con.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app"
                            " ORDER BY app"))


def _sqlite_copy(source: Path | str, target: Path) -> None:
    """An online, consistent copy: the backup API reads one snapshot while writers go on."""
    with closing(sqlite3.connect(source, timeout=30)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")


# ---- PostgreSQL ------------------------------------------------------------------------

def _pg_env(db: dict, name: str | None = None) -> dict:
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                     ("PGPASSWORD", "PASSWORD")):
        if db.get(key):
            env[var] = str(db[key])
    env["PGDATABASE"] = name or db["NAME"]
    return env


def _pg_connect(db: dict, name: str | None = None):
    import psycopg

    return psycopg.connect(dbname=name or db["NAME"], user=db.get("USER") or None,
                           password=db.get("PASSWORD") or None, host=db.get("HOST") or None,
                           port=db.get("PORT") or None, autocommit=True)


def _pg_tool(con, tool: str) -> str:
    # pg_dump must be of the server's major version (or newer); Debian keeps each version apart.
    major = int(con.execute("SHOW server_version_num").fetchone()[0]) // 10000
    candidate = Path(f"/usr/lib/postgresql/{major}/bin/{tool}")
    if candidate.exists():
        return str(candidate)
    if found := shutil.which(tool):
        return found
    raise AnjuError(Code.BACKUP_UNREADABLE,
                    f"找不到 PostgreSQL {major} 的 {tool}：请安装 postgresql-client-{major}")


def _pg_tables(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")]


def _pg_counts(con) -> dict[str, int]:
    from psycopg import sql

    return {t: con.execute(sql.SQL("SELECT COUNT(*) FROM {}").format(
        sql.Identifier(t))).fetchone()[0] for t in _pg_tables(con)}


def _pg_migrations(con) -> dict[str, str]:
    if "django_migrations" not in _pg_tables(con):
        return {}
    return dict(con.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app"
                            " ORDER BY app").fetchall())


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise AnjuError(Code.BACKUP_UNREADABLE,
                        f"{Path(args[0]).name} 失败：{done.stderr.strip()[-500:]}")


# ---- backup ----------------------------------------------------------------------------

def _media_files(media_root: Path) -> list[tuple[Path, str]]:
    if not media_root.is_dir():
        return []
    found = []
    for path in sorted(media_root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.name not in KEY_FILES \
                and not path.name.startswith("anju.sqlite3"):
            found.append((path, path.relative_to(media_root).as_posix()))
    return found


def _dump_database(db: dict, into: Path) -> dict:
    if _is_sqlite(db):
        target = into / SQLITE_FILE
        _sqlite_copy(db["NAME"], target)
        with closing(sqlite3.connect(target)) as con:
            counts, heads = _sqlite_counts(con), _sqlite_migrations(con)
        return {"engine": "sqlite", "file": _entry(target, SQLITE_FILE), "counts": counts,
                "migrations": heads}
    target = into / DUMP_FILE
    with _pg_connect(db) as con:
        # The counts and pg_dump read the same snapshot, so the manifest matches the dump.
        con.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = con.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts, heads = _pg_counts(con), _pg_migrations(con)
        _run([_pg_tool(con, "pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--snapshot={snapshot}", f"--file={target}"], _pg_env(db))
        con.execute("COMMIT")
    return {"engine": "postgresql", "file": _entry(target, DUMP_FILE), "counts": counts,
            "migrations": heads}


def create_backup(dest: Path, *, db: dict, media_root: Path) -> dict:
    """Back up the running instance into DEST (which must not exist); returns the manifest.
    Everything is written into a hidden sibling and renamed at the end: a failed backup
    leaves nothing behind."""
    dest = Path(dest).absolute()
    if dest.exists():
        raise AnjuError(Code.BACKUP_TARGET_EXISTS,
                        f"备份目标 {dest} 已存在：请换一个新的目录名，已有的备份不会被覆盖",
                        field="dest")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial",
                                    dir=dest.parent))
    try:
        database = _dump_database(db, partial)
        # Files after the database: every file a backed-up record names was written before it.
        files = []
        for path, name in _media_files(Path(media_root)):
            copy = partial / MEDIA / name
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copy2(path, copy)
            except FileNotFoundError:
                continue  # deleted since the listing; its record is gone from later backups
            files.append(_entry(copy, name))
        manifest = {
            "format": FORMAT, "anju_version": _anju_version(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": database["engine"], "database": database["file"],
            "migrations": database["migrations"], "counts": database["counts"],
            "files": files, "keys": KEYS_NOTE,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.chmod(0o700)
        os.rename(partial, dest)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


# ---- checking a backup -----------------------------------------------------------------

def read_manifest(src: Path) -> dict:
    path = Path(src) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise AnjuError(Code.BACKUP_UNREADABLE, f"{src} 不是安居备份：缺少 {MANIFEST}",
                        field="src") from None
    except ValueError:
        raise AnjuError(Code.BACKUP_CORRUPTED, f"备份已损坏：{MANIFEST} 无法读取",
                        field=MANIFEST) from None
    if manifest.get("format") != FORMAT:
        raise AnjuError(Code.BACKUP_UNREADABLE,
                        f"备份格式 {manifest.get('format')} 不是本版本能读的格式 {FORMAT}",
                        field=MANIFEST)
    return manifest


def check_files(src: Path, manifest: dict) -> None:
    """Every file of the backup has the size and sha256 its manifest says, or the first that
    differs is named."""
    src = Path(src)
    entries = [(src / manifest["database"]["path"], manifest["database"])]
    entries += [(src / MEDIA / f["path"], f) for f in manifest["files"]]
    for path, entry in entries:
        name = path.relative_to(src).as_posix()
        if not path.is_file():
            raise AnjuError(Code.BACKUP_CORRUPTED, f"备份已损坏：缺少文件 {name}", field=name)
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise AnjuError(Code.BACKUP_CORRUPTED,
                            f"备份已损坏：文件 {name} 的校验和与清单不符", field=name)


def compare(manifest: dict, counts: dict, heads: dict) -> list[str]:
    """The differences between a restored database and its manifest (empty when equal)."""
    differences = []
    for table in sorted(set(manifest["counts"]) | set(counts)):
        want, got = manifest["counts"].get(table), counts.get(table)
        if want != got:
            differences.append(f"表 {table}：清单 {want} 行，恢复后 {got} 行")
    if heads != manifest["migrations"]:
        differences.append("迁移版本与清单不符")
    return differences


# ---- restore ---------------------------------------------------------------------------

def _not_empty(what: str) -> AnjuError:
    return AnjuError(Code.RESTORE_TARGET_NOT_EMPTY,
                     f"恢复目标不是空的：{what}。只能恢复到空的数据目录或空数据库，"
                     "现有数据不会被覆盖", field="target")


def _sqlite_target_rows(path: Path) -> str | None:
    if not path.exists():
        return None
    with closing(sqlite3.connect(path)) as con:
        for table, count in _sqlite_counts(con).items():
            if count:
                return f"数据库 {path} 的表 {table} 有 {count} 行"
    return None


def _pg_target_rows(con) -> str | None:
    for table, count in _pg_counts(con).items():
        if count:
            return f"数据库的表 {table} 有 {count} 行"
    return None


@contextmanager
def _pg_scratch_database(db: dict):
    """A new empty database beside the instance's, dropped afterwards."""
    from psycopg import sql

    name = f"anju_verify_{os.getpid()}_{os.urandom(3).hex()}"
    with _pg_connect(db) as con:
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with _pg_connect(db) as con:
            con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))


def _pg_restore(src: Path, db: dict, name: str | None = None,
                clean: bool = False) -> tuple[dict, dict]:
    with _pg_connect(db, name) as con:
        tool = _pg_tool(con, "pg_restore")
    # One transaction: a failed restore leaves the database as empty as it was.
    _run([tool, "--no-owner", "--no-privileges", "--single-transaction",
          *(["--clean", "--if-exists"] if clean else []),
          f"--dbname={name or db['NAME']}", str(src / DUMP_FILE)], _pg_env(db, name))
    with _pg_connect(db, name) as con:
        return _pg_counts(con), _pg_migrations(con)


def _check_engine(manifest: dict, db: dict) -> None:
    engine = "sqlite" if _is_sqlite(db) else "postgresql"
    if manifest["engine"] != engine:
        raise AnjuError(Code.BACKUP_UNREADABLE,
                        f"这是 {manifest['engine']} 的备份，不能恢复到 {engine} 数据库",
                        field="src")


def _restore_marker(media_root: Path) -> Path:
    return media_root.parent / f".{media_root.name}.restoring.json"


def _undo_killed_restore(marker: Path, media_root: Path, db: dict, manifest: dict) -> None:
    """Take away what a killed restore moved into place: the backup's uploads (no other file:
    the uploads folder may be the data folder, with the keys), its SQLite file and its staged
    copies. (PostgreSQL's restore is one transaction, cleaned by the retry's own.)"""
    for left in media_root.parent.glob(".media.*"):
        shutil.rmtree(left, ignore_errors=True)
    for entry in manifest["files"]:
        (media_root / entry["path"]).unlink(missing_ok=True)
    if media_root.is_dir():
        for folder in sorted(media_root.rglob("*"), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
    if _is_sqlite(db):
        target = Path(db["NAME"])
        for path in (target, target.with_name(f".{target.name}.restoring"),
                     Path(f"{target}-wal"), Path(f"{target}-shm")):
            path.unlink(missing_ok=True)
    marker.unlink()


def restore_backup(src: Path, *, db: dict, media_root: Path) -> dict:
    """Restore the backup SRC into an empty data folder or database; returns the manifest.
    Refuses a corrupted backup or a target holding any row or file, before writing."""
    src = Path(src)
    manifest = read_manifest(src)
    _check_engine(manifest, db)
    check_files(src, manifest)
    media_root = Path(media_root)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    marker = _restore_marker(media_root)
    # A restore that was killed left this marker: what it moved into place is its own, and
    # is taken away here, so running the same command again is all a retry needs.
    retry = marker.exists()
    if retry:
        _undo_killed_restore(marker, media_root, db, manifest)
    if _media_files(media_root):
        raise _not_empty(f"上传目录 {media_root} 中已有文件")
    if _is_sqlite(db):
        target = Path(db["NAME"])
        if reason := _sqlite_target_rows(target):
            raise _not_empty(reason)
    elif not retry:
        with _pg_connect(db) as con:
            if reason := _pg_target_rows(con):
                raise _not_empty(reason)

    marker.write_text(json.dumps({"src": str(src), "pid": os.getpid()}))
    staged_media = Path(tempfile.mkdtemp(prefix=".media.", dir=media_root.parent))
    staged_db = None
    try:
        if (src / MEDIA).is_dir():
            shutil.copytree(src / MEDIA, staged_media, dirs_exist_ok=True)
        if _is_sqlite(db):
            target.parent.mkdir(parents=True, exist_ok=True)
            staged_db = target.with_name(f".{target.name}.restoring")
            _sqlite_copy(src / SQLITE_FILE, staged_db)
        if media_root.exists():
            media_root.rmdir()  # empty, checked above
        os.rename(staged_media, media_root)
        if _is_sqlite(db):
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            os.replace(staged_db, target)
            with closing(sqlite3.connect(target)) as con:
                counts, heads = _sqlite_counts(con), _sqlite_migrations(con)
        else:
            # one transaction; after a killed restore, the objects it may have made go first
            counts, heads = _pg_restore(src, db, clean=retry)
        marker.unlink()
    finally:
        shutil.rmtree(staged_media, ignore_errors=True)
        if staged_db is not None:
            staged_db.unlink(missing_ok=True)
    if differences := compare(manifest, counts, heads):
        raise AnjuError(Code.BACKUP_CORRUPTED, "恢复后与清单不符：" + "；".join(differences))
    return manifest


def verify_backup(src: Path, *, db: dict) -> list[str]:
    """Restore SRC into a temporary place (a temp SQLite file, a temp PostgreSQL database)
    and compare it with the manifest; the differences, empty when the backup is sound."""
    src = Path(src)
    manifest = read_manifest(src)
    check_files(src, manifest)
    if manifest["engine"] == "sqlite":
        with tempfile.TemporaryDirectory(prefix="anju-verify-") as scratch:
            target = Path(scratch) / SQLITE_FILE
            _sqlite_copy(src / SQLITE_FILE, target)
            with closing(sqlite3.connect(target)) as con:
                if (ok := con.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
                    return [f"数据库完整性检查失败：{ok}"]
                return compare(manifest, _sqlite_counts(con), _sqlite_migrations(con))
    if _is_sqlite(db):
        raise AnjuError(Code.BACKUP_UNREADABLE,
                        "PostgreSQL 的备份需在连接 PostgreSQL 的实例上校验（设置 DATABASE_URL）")
    with _pg_scratch_database(db) as name:
        counts, heads = _pg_restore(src, db, name)
    return compare(manifest, counts, heads)
