"""Backup and verify of the seeded county (`anju backup DEST`, `anju backup --verify DEST`,
docs/decisions/0040), called last by bench/run.py's worker: by then the county holds its
houses, households, ledger, cases, imports and photos' rows. One run each (a backup of a
300,000-house county takes minutes); rows/s is every table's rows over the seconds.

The SQLite backup is the online backup API into a copy; the PostgreSQL one is `pg_dump` in its
custom format; verify restores into a temporary file or database and compares the manifest.
Alone, on a fresh SQLite database (or DATABASE_URL) seeded with a county of `houses`:

    .venv/bin/python bench/backup.py [--houses 300000]
"""

import shutil
import tempfile
import time
from pathlib import Path


def _size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def measure(county: str) -> dict:
    from django.conf import settings
    from django.db import connections

    from anju.operations import backup

    db = connections["default"].settings_dict
    folder = Path(tempfile.mkdtemp(prefix="anju-bench-backup-"))
    dest = folder / "backup"
    try:
        started = time.perf_counter()
        manifest = backup.create_backup(dest, db=db, media_root=Path(settings.MEDIA_ROOT))
        backup_s = time.perf_counter() - started
        started = time.perf_counter()
        differences = backup.verify_backup(dest, db=db)
        verify_s = time.perf_counter() - started
        rows = sum(manifest["counts"].values())
        return {"county": county, "engine": manifest["engine"], "tables": len(manifest["counts"]),
                "rows": rows, "houses": manifest["counts"].get("registry_house", 0),
                "files": len(manifest["files"]), "backup_mb": _size_mb(dest),
                "backup_s": round(backup_s, 1), "backup_rows_per_s": round(rows / backup_s),
                "verify_s": round(verify_s, 1), "differences": differences}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def markdown(results: list[tuple[str, dict]]) -> list[str]:
    lines = ["Backup of the whole county after every other measure (bench/backup.py): "
             "`anju backup` (SQLite online backup; PostgreSQL `pg_dump -Fc`) and `anju backup "
             "--verify` (restore into a temporary place, compare counts and checksums). One "
             "run each.", "",
             "| engine | houses | rows (tables) | backup | rows/s | size | verify | differences |",
             "|---|---|---|---|---|---|---|---|"]
    for engine, b in results:
        lines.append(f"| {engine} | {b['houses']:,} | {b['rows']:,} ({b['tables']}) "
                     f"| {b['backup_s']} s | {b['backup_rows_per_s']:,} | {b['backup_mb']} MB "
                     f"| {b['verify_s']} s | {len(b['differences']) or 'none'} |")
    return lines + [""]


def main() -> None:
    import argparse
    import json

    from standalone import django_county

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=300_000)
    args = parser.parse_args()
    tmp, county = django_county("backup-data")
    from anju.registry.demo_data import seed, seed_villages

    seed_villages(county, args.houses)
    seed(county, args.houses)
    result = measure(county)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
