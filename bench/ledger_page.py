"""Ledger page benchmark: the first page of the 整治台账 of a county with 30,000 entries.

Called from run.py's worker after the ledger export (the county's C/D houses are on the
ledger); tops the ledger up to `--entries` entries by grading more houses C and backfilling.
Times the ledger page (`/rectification/`) as a township officer and as a county housing
officer, and the ledger API's first page, inside Django's handler (target ≤ 50 ms median), and
beside them the raw-SQL floor: the same first page of rows (entry, house, head of household,
in the page's order) and its count, read with one cursor in the same run.

Alone, on a fresh SQLite database in a temporary directory:

    .venv/bin/python bench/ledger_page.py [--houses 120000] [--entries 30000] [--requests 50]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTY, TOWNSHIP = "220581", "220581100"
TARGET_MS = 50
PAGE = 50


def _stats(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"requests": len(ms), "median_ms": round(statistics.median(ms), 2),
            "p90_ms": round(ms[int(len(ms) * 0.9) - 1], 2), "max_ms": round(ms[-1], 2)}


def _timed(handler_times: list, client, path: str, headers: dict, requests: int) -> dict:
    for _ in range(5):  # warm-up: connection, caches, template loading
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
    handler_times.clear()
    cpu = []
    for _ in range(requests):
        started = time.process_time()
        response = client.get(path, headers=headers)
        cpu.append((time.process_time() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    # The process's CPU time beside the wall time: on a loaded machine the wall time mostly
    # measures the wait for a core.
    return {"path": path, **_stats([t * 1000 for t in handler_times]),
            "cpu_median_ms": round(statistics.median(cpu), 2)}


def _top_up(county: str, entries: int) -> int:
    """Grade more of the county's houses C until `entries` are on the ledger (a county whose
    seeded share of C/D houses is smaller), then backfill them in bulk."""
    from anju.rectification.actions import backfill_ledger
    from anju.rectification.models import LedgerEntry
    from anju.registry.models import House

    backfill_ledger(county)
    have = LedgerEntry.objects.filter(division_code__startswith=county).count()
    if have < entries:
        more = list(House.objects.filter(division_code__startswith=county)
                    .exclude(grade__in=("C", "D")).order_by("pk")
                    .values_list("pk", flat=True)[:entries - have])
        for start in range(0, len(more), 5000):
            House.objects.filter(pk__in=more[start:start + 5000]).update(grade="C")
        backfill_ledger(county)
    return LedgerEntry.objects.filter(division_code__startswith=county).count()


def _floor(scope: str, requests: int) -> dict:
    """The same first page and its count in raw SQL: the least any page of it could cost."""
    from django.db import connection

    from anju.divisions.scope import prefix_upper_bound

    upper = prefix_upper_bound(scope)
    rows_sql = (
        "SELECT e.id, e.division_code, e.grade, e.status, e.red_alert, e.priority, "
        "e.business_alert, e.broken_alert, e.next_check_due, h.address, h.occupancy, "
        "hh.head_name FROM rectification_ledgerentry e "
        "JOIN registry_house h ON h.id = e.house_id "
        "LEFT JOIN registry_household hh ON hh.id = e.household_id "
        "WHERE e.division_code >= %s AND e.division_code < %s "
        "ORDER BY e.red_alert DESC, e.priority DESC, e.division_code, e.id DESC LIMIT %s")
    count_sql = ("SELECT COUNT(*) FROM rectification_ledgerentry "
                 "WHERE division_code >= %s AND division_code < %s")
    times, cpu = [], []
    with connection.cursor() as cursor:
        for i in range(requests + 5):
            started, cpu_started = time.perf_counter(), time.process_time()
            cursor.execute(count_sql, [scope, upper])
            cursor.fetchone()
            cursor.execute(rows_sql, [scope, upper, PAGE])
            rows = cursor.fetchall()
            if i >= 5:
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
    return {"rows": len(rows), **_stats(times),
            "cpu_median_ms": round(statistics.median(cpu), 2)}


def _user(username: str, scope: str, role: str, department: str):
    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import User

    found = User.objects.filter(username=username).first()
    return found or create_user(CreateUser(username=username, password="x", scope=scope,
                                           role=role, department=department),
                                check_password=False)


def measure(handler_times: list, *, requests: int, county: str = COUNTY,
            entries: int = 30_000) -> dict:
    from django.test import Client
    from stats_summary import _second_factor_passed

    from anju.accounts.models import ApiToken
    from anju.rectification.models import LedgerEntry
    from anju.registry.bulk import refresh_statistics

    started = time.perf_counter()
    total = _top_up(county, entries)
    refresh_statistics([LedgerEntry])
    top_up_s = time.perf_counter() - started
    township_code = (LedgerEntry.objects.filter(division_code__startswith=county)
                     .values_list("division_code", flat=True).first())[:9]
    township = _user("bench_ledger_township", township_code, "township_officer", "")
    officer = _user("bench_ledger_county", county, "county_officer", "housing")
    township_client = Client()
    township_client.force_login(township)
    county_client = Client()
    county_client.force_login(officer)
    _second_factor_passed(county_client, officer)
    headers = {"Authorization": f"Bearer {ApiToken.issue(officer)[1]}"}
    return {
        "entries": total, "top_up_s": round(top_up_s, 2),
        "township_entries": LedgerEntry.objects.filter(
            division_code__startswith=township_code).count(),
        "page_township": _timed(handler_times, township_client, "/rectification/", {},
                                requests),
        "page_county": _timed(handler_times, county_client, "/rectification/", {}, requests),
        "api_county": _timed(handler_times, Client(), f"/api/v1/rectifications?page_size={PAGE}",
                             headers, requests),
        "floor_township": _floor(township_code, requests),
        "floor_county": _floor(county, requests),
        "target_ms": TARGET_MS,
    }


def _alone(args) -> dict:
    import django

    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    django.setup()
    from django.core.handlers.base import BaseHandler
    from django.core.management import call_command

    from anju.divisions.loader import load_divisions
    from anju.registry.demo_data import seed, seed_villages
    from anju.registry.models import House

    call_command("migrate", verbosity=0, interactive=False)
    if not House.objects.exists():  # a kept database (--data) is seeded once
        load_divisions((COUNTY,))
        seed_villages(COUNTY, args.houses)
        seed(COUNTY, args.houses)
    handler_times: list[float] = []
    original = BaseHandler.get_response

    def timed(self, request):
        t = time.perf_counter()
        response = original(self, request)
        handler_times.append(time.perf_counter() - t)
        return response

    BaseHandler.get_response = timed
    return measure(handler_times, requests=args.requests, entries=args.entries)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=120_000)
    parser.add_argument("--entries", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--data", help="keep the database in this directory (reused if there)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="anju-ledger-page-") as tmp:
        tmp = args.data or tmp
        os.environ.setdefault("ANJU_DATA_DIR", tmp)
        os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
        print(json.dumps(_alone(args), ensure_ascii=False, indent=1))
