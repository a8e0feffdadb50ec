"""Ledger export benchmark: the 整治台账 of a seeded county as Excel, in a fresh process.

Called from run.py's worker on its seeded database: puts the county's C/D houses onto the
ledger (`ledger_backfill`), then runs `python bench/ledger_export.py` in a new process that
writes the county's ledger as a county officer would download it and reports rows/s and the
process's peak RSS (VmHWM), beside its RSS before the export started.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"rows_per_s": 5_000, "peak_rss_mb": 200}


def status_mb(key: str) -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(county: str) -> dict:
    """Backfill the ledger in this process, then time the export in a fresh one."""
    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import User
    from anju.rectification.actions import backfill_ledger

    # Made here, not in the measured process: hashing its password (argon2) alone takes more
    # memory than the export.
    if not User.objects.filter(username="bench_ledger").exists():
        create_user(CreateUser(username="bench_ledger", password="x", scope=county,
                               role="county_officer", department="housing"),
                    check_password=False)
    started = time.perf_counter()
    entries = backfill_ledger(county)
    backfill_s = time.perf_counter() - started
    done = subprocess.run([sys.executable, __file__, county], env=dict(os.environ),
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(backfill_entries=entries, backfill_s=round(backfill_s, 2))
    return result


def _export(county: str) -> dict:
    import django

    sys.path.insert(0, str(ROOT / "src"))
    django.setup()
    from anju.accounts.models import User
    from anju.rectification.exports import write_ledger_xlsx

    user = User.objects.get(username="bench_ledger", scope=county)
    before = status_mb("VmRSS")
    with tempfile.TemporaryFile(suffix=".xlsx") as target:
        started = time.perf_counter()
        rows = write_ledger_xlsx(user, target, reveal=True)
        seconds = time.perf_counter() - started
        size = target.tell()
    # VmHWM, the peak RSS of this program image: ru_maxrss would also count the parent's
    # pages that the fork before exec carried over (Linux keeps it across execve).
    peak = status_mb("VmHWM")
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds),
            "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak, 1),
            "xlsx_mb": round(size / 1024 / 1024, 1), "targets": TARGETS}


if __name__ == "__main__":
    print(json.dumps(_export(sys.argv[1])))
