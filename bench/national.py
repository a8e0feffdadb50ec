"""National exchange benchmark: a county's N1 (农村房屋安全信息采集表) exported as the background
job a county officer starts, and that file loaded back for reconciliation (对账), each in a
fresh process.

- export: the county's standing houses in the N1 layout as a county housing officer (full ID
  numbers), written by `exchange.runner.run`; rows/s and the process's peak RSS (VmHWM)
  beside its RSS before the export. The file is kept for the second step.
- reconcile: the exported file, three cells edited beforehand (by the export's process) and
  saved as GB18030 CSV (see _edited), checked as the upload is (`start_reconciliation`:
  kind, header, row count) and reconciled by the job; rows/s of the job and its peak RSS.
  A county's whole file is above the upload limits of a default install
  (ANJU_IMPORT_MAX_ROWS, ANJU_MAX_UPLOAD_MB): they are raised for this process only.

Called from run.py's worker on its seeded database; or alone, on a fresh SQLite county of
its own:

    ANJU_DATA_DIR=/tmp/x python bench/national.py alone HOUSES
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ledger_export import status_mb

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"export_peak_rss_mb": 200}
USER = "bench_national"
LIMITS = {"ANJU_IMPORT_MAX_ROWS": "2000000", "ANJU_MAX_UPLOAD_MB": "500"}


def measure(county: str) -> dict:
    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import User

    if not User.objects.filter(username=USER).exists():
        create_user(CreateUser(username=USER, password="x", scope=county,
                               role="county_officer", department="housing"),
                    check_password=False)
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "n1.xlsx"
        for what in ("export", "reconcile"):
            done = subprocess.run([sys.executable, __file__, what, county, str(path)],
                                  env={**os.environ, **LIMITS}, capture_output=True,
                                  text=True, cwd=ROOT)
            if done.returncode != 0:
                raise RuntimeError(done.stderr[-4000:])
            result[what] = json.loads(done.stdout.strip().splitlines()[-1])
    result["targets"] = TARGETS
    return result


def _setup():
    import django

    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from anju.accounts.models import User

    return User.objects.get(username=USER)


def _export(county: str, path: Path) -> dict:
    user = _setup()
    from anju.exchange import runner
    from anju.exchange.models import Job

    before = status_mb("VmRSS")
    job = Job.objects.create(owner=user, kind="export_national_house_collection",
                             division_code=county,
                             params={"resource": "national/house-collection", "division": ""})
    started = time.perf_counter()
    status = runner.run(job.pk)
    seconds = time.perf_counter() - started
    peak = status_mb("VmHWM")
    job.refresh_from_db()
    assert status == "succeeded", job.summary
    with job.result_file.open("rb") as f, open(path, "wb") as out:
        out.write(f.read())
    job.result_file.delete(save=False)
    rows = job.summary.get("rows") or job.total or job.progress
    _edited(path)  # after the peak is read: the edit holds the sheet whole
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
            "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak, 1),
            "xlsx_mb": round(path.stat().st_size / 1024 / 1024, 1)}


def _edited(path: Path) -> Path:
    """The national system's copy: the same rows, three cells changed, saved as the CSV
    Chinese Excel writes (GB18030). A county's whole N1 as .xlsx unpacks beyond the reader's
    guard (reading.MAX_UNPACKED_BYTES, 256 MB) and is refused: a county reconciles its
    whole file as CSV, or an .xlsx by township."""
    import csv

    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    caption, header, *rows = sheet
    land = header.index("土地性质")
    for row in rows[:3]:
        row[land] = "国有" if row[land] != "国有" else "集体"
    edited = path.with_name("national.csv")
    with open(edited, "w", encoding="gb18030", newline="") as out:
        csv.writer(out).writerows([header, *rows])
    return edited


def _reconcile(county: str, path: Path) -> dict:
    user = _setup()
    from django.core.files import File

    from anju.exchange import jobs, runner
    from anju.exchange.commands import StartReconciliation
    from anju.exchange.models import Difference, Job

    edited = path.with_name("national.csv")
    before = status_mb("VmRSS")
    started = time.perf_counter()
    with open(edited, "rb") as f:
        job = jobs.start_reconciliation(StartReconciliation(layout="house-collection"),
                                        upload=File(f, name="national.csv"), acting_user=user)
    upload_s = time.perf_counter() - started
    started = time.perf_counter()
    status = runner.run(job.pk)
    seconds = time.perf_counter() - started
    job = Job.objects.get(pk=job.pk)
    assert status == "succeeded", job.summary
    summary = job.summary
    Difference.objects.filter(job=job).delete()
    return {"rows": summary["rows"], "matched": summary["matched"],
            "differences": summary["differences"],
            "missing": summary["missing_in_file"] + summary["missing_in_anju"],
            "upload_check_s": round(upload_s, 2), "seconds": round(seconds, 2),
            "rows_per_s": round(summary["rows"] / seconds), "rss_before_mb": round(before, 1),
            "peak_rss_mb": round(status_mb("VmHWM"), 1)}


def _alone(houses: int) -> None:
    """A fresh SQLite county of `houses` houses, then both measurements."""
    import django

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    django.setup()
    from django.core.management import call_command

    from anju.divisions.loader import load_divisions
    from anju.registry.demo_data import seed, seed_villages

    county = "220581"
    call_command("migrate", verbosity=0, interactive=False)
    load_divisions((county,))
    seed_villages(county, houses)
    seed(county, houses, batch_size=5000)
    print(json.dumps(measure(county), ensure_ascii=False))


if __name__ == "__main__":
    what, *rest = sys.argv[1:]
    if what == "alone":
        _alone(int(rest[0]))
    else:
        county, path = rest
        out = (_export if what == "export" else _reconcile)(county, Path(path))
        print(json.dumps(out))
