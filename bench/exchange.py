"""Exchange benchmark: a county's houses exported to Excel, and households imported from Excel,
each as the background job a clerk starts, each in a fresh process.

Called from run.py's worker on its seeded database (after the other measurements, since the
import adds households):

- export: the county's houses as a county housing officer (full numbers: every ID and phone
  decrypted), written by `exchange.runner.run` as the worker runs it; rows/s and the process's
  peak RSS (VmHWM) beside its RSS before the export.
- import: an .xlsx of new households (a head, and a spouse as member, each with an ID
  number, spread over the county's villages) made beforehand, then `start_import` (the
  upload's checks: kind, header, row count) and the job itself in all-or-nothing mode; rows/s
  of the job, whose rows are checked by ANJU_IMPORT_PROCESSES worker processes (as many as
  the machine has cores, at most 4). For comparison, more such rows are registered one by
  one through the single-record verb (register_household) for a few seconds, in a
  transaction rolled back.

    python bench/exchange.py export COUNTY
    python bench/exchange.py import COUNTY ROWS
"""

import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from ledger_export import status_mb

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"import_rows_per_s": {"sqlite": 5_000, "postgresql": 20_000},
           "export_peak_rss_mb": 200}
USER = "bench_exchange"
HEADER = ["division_code", "head_name", "head_id_number", "phone", "persons", "members",
          "bank_account", "bank_name"]


def measure(county: str, import_rows: int) -> dict:
    """Make the bench user here (argon2 takes more memory than an export), then time the
    export and the import in fresh processes."""
    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import User

    if not User.objects.filter(username=USER).exists():
        create_user(CreateUser(username=USER, password="x", scope=county,
                               role="county_officer", department="housing"),
                    check_password=False)
    result = {}
    for what, extra in (("export", []), ("import", [str(import_rows)])):
        done = subprocess.run([sys.executable, __file__, what, county, *extra],
                              env=dict(os.environ), capture_output=True, text=True, cwd=ROOT)
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


def _export(county: str) -> dict:
    user = _setup()
    from anju.exchange import runner
    from anju.exchange.models import Job

    before = status_mb("VmRSS")
    job = Job.objects.create(owner=user, kind="export_houses", division_code=county,
                             params={"resource": "houses", "division": "", "format": "xlsx"})
    started = time.perf_counter()
    status = runner.run(job.pk)
    seconds = time.perf_counter() - started
    peak = status_mb("VmHWM")
    job.refresh_from_db()
    assert status == "succeeded", job.summary
    size = job.result_file.size
    sheets = job.total > _settings().EXPORT_SPLIT_ROWS
    job.result_file.delete(save=False)
    return {"rows": job.total, "seconds": round(seconds, 2),
            "rows_per_s": round(job.total / seconds), "rss_before_mb": round(before, 1),
            "peak_rss_mb": round(peak, 1), "xlsx_mb": round(size / 1024 / 1024, 1),
            "split_by_township": sheets}


def _settings():
    from django.conf import settings

    return settings


def _rows(county: str, n: int):
    """New households over the county's villages, unlike any the seed made: their ID numbers
    carry another region code, their phones another prefix."""
    from anju.divisions.models import Division
    from anju.divisions.scope import within
    from anju.registry.rules import id_check_character

    villages = list(Division.objects.filter(within(county, "code"), level=12)
                    .values_list("code", flat=True))
    surnames, given = "王李张刘陈杨赵黄周吴", "国建明华秀兰春生德福"

    def number(region: str, i: int) -> str:
        # unique for i below 2.5 million: 7i mod 18000 repeats only after 18,000 rows
        born = date(1950, 1, 1) + timedelta(days=(i * 7) % 18000)
        first17 = f"{region}{born:%Y%m%d}{(i // 2571) % 1000:03d}"
        return first17 + id_check_character(first17)

    for i in range(n):
        head, spouse = number("220500", i), number("220501", i)
        name = surnames[i % 10] + given[(i // 10) % 10] + given[(i // 100) % 10]
        yield (villages[i % len(villages)], name, head, f"199{i:08d}", 2,
               f"李秀{given[i % 10]},{spouse},配偶",
               f"6217{i:015d}", "农商银行")


def _import(county: str, n: int) -> dict:
    user = _setup()
    from django.core.files import File
    from django.db import connection, transaction

    from anju.exchange import jobs, runner, workers
    from anju.exchange.columns import HOUSEHOLD_COLUMNS, row_values
    from anju.exchange.commands import StartImport
    from anju.exchange.models import Job
    from anju.kit.xlsx import stream_xlsx
    from anju.registry.actions import register_household
    from anju.registry.commands import RegisterHousehold

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "households.xlsx"
        with open(path, "wb") as f:
            for data in stream_xlsx([(h, 12) for h in HEADER], _rows(county, n)):
                f.write(data)
        size = path.stat().st_size
        started = time.perf_counter()
        with open(path, "rb") as f:
            job = jobs.start_import(StartImport(resource="households"), upload=File(f),
                                    acting_user=user)
        upload_s = time.perf_counter() - started
    before = status_mb("VmRSS")
    started = time.perf_counter()
    status = runner.run(job.pk)
    seconds = time.perf_counter() - started
    job = Job.objects.get(pk=job.pk)
    assert status == "succeeded", (job.summary, jobs.shown_errors(job, 5))

    # The single-record verb over fresh rows, for a few seconds, then rolled back.
    found = dict(enumerate(HOUSEHOLD_COLUMNS))
    verb_rows, verb_s = 0, 0.0

    class RolledBack(Exception):
        pass

    try:
        with transaction.atomic():
            started = time.perf_counter()
            for cells in itertools.islice(_rows(county, n + 5000), n, None):
                data, _ = row_values(found, list(cells))
                register_household(RegisterHousehold.model_validate(data), acting_user=user)
                verb_rows += 1
                if time.perf_counter() - started > 5:
                    break
            verb_s = time.perf_counter() - started
            raise RolledBack()
    except RolledBack:
        pass
    return {"engine": connection.vendor, "rows": n, "created": job.summary.get("created"),
            "xlsx_mb": round(size / 1024 / 1024, 1), "upload_check_s": round(upload_s, 2),
            "seconds": round(seconds, 2), "rows_per_s": round(n / seconds),
            "worker_processes": workers.parallel(n),
            "rss_before_mb": round(before, 1), "peak_rss_mb": round(status_mb("VmHWM"), 1),
            "verb_rows": verb_rows, "verb_rows_per_s": round(verb_rows / verb_s) if verb_s else 0}


if __name__ == "__main__":
    what, county, *rest = sys.argv[1:]
    out = _export(county) if what == "export" else _import(county, int(rest[0]))
    print(json.dumps(out))
