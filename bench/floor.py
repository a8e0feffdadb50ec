"""Lists near the floor: each county list, at page 1 and a deep page, inside Django's handler
beside the raw SQL of the same rows and their count, in the same run.

For each list and depth one request is made with the queries captured; the floor is the
statements that read the list's table (its count and its page) replayed through a bare cursor,
so it is exactly what the database must do for the page and no more. The ratio is the handler
median over the floor median; targets: ≤ 5× on SQLite, ≤ 2× on PostgreSQL.

Called from run.py's worker (after the other benches) or alone on a kept, seeded database:

    .venv/bin/python bench/floor.py --data /tmp/county [--houses 300000] [--requests 30]

(alone it writes bench/results/<date>-floor-<engine>.json and .md).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTY, TOWNSHIP = "220581", "220581100"
TARGET_RATIO = {"sqlite": 5.0, "postgresql": 2.0}
DEEP_PAGE = 200
PAGE = 50


def _user(username: str, scope: str, role: str, department: str = ""):
    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import User

    found = User.objects.filter(username=username).first()
    return found or create_user(CreateUser(username=username, password="x", scope=scope,
                                           role=role, department=department),
                                check_password=False)


def _lists(county: str, township: str) -> list[dict]:
    """Each list: its path (with `{page}`), who reads it, its main table and its row count."""
    return [
        {"name": "houses page (township)", "path": f"/registry/houses/?division={township}"
         "&page={page}", "as": "township", "table": "registry_house"},
        {"name": "houses API (township)", "path": f"/api/v1/houses?division={township}"
         "&page={page}&page_size=50", "as": "township_api", "table": "registry_house"},
        {"name": "houses page (county)", "path": "/registry/houses/?page={page}",
         "as": "county", "table": "registry_house"},
        {"name": "households API (county)", "path": "/api/v1/households?page={page}"
         "&page_size=50", "as": "county_api", "table": "registry_household"},
        {"name": "rectification ledger page (county)", "path": "/rectification/?page={page}",
         "as": "county", "table": "rectification_ledgerentry"},
        {"name": "housing-security cases page (county)", "path": "/assistance/?page={page}",
         "as": "county", "table": "assistance_application"},
        {"name": "inspections due API (county)", "path": f"/api/v1/inspections/due?division="
         f"{county}" "&page={page}&page_size=50", "as": "county_api", "table": "registry_house"},
    ]


def _reads_table(sql: str, table: str) -> bool:
    return f'FROM "{table}"' in sql or f"FROM {table}" in sql


def _floor(statements: list[str], requests: int) -> dict:
    from django.db import connection

    times, cpu = [], []
    with connection.cursor() as cursor:
        for i in range(requests + 3):
            started, started_cpu = time.perf_counter(), time.thread_time()
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
            if i >= 3:
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
    return {"statements": len(statements), "median_ms": round(statistics.median(times), 3),
            "cpu_median_ms": round(statistics.median(cpu), 3)}


def _handler(handler_times: list, client, path: str, headers: dict, requests: int) -> dict:
    """Wall time inside Django's handler (the caller's timer), and the CPU time of the same
    requests: on a shared machine the CPU time is the steadier of the two."""
    from django.core.handlers.base import BaseHandler

    for _ in range(3):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.status_code)
    cpu: list[float] = []
    timed = BaseHandler.get_response

    def cpu_timed(self, request):
        started = time.thread_time()
        try:
            return timed(self, request)
        finally:
            cpu.append((time.thread_time() - started) * 1000)

    BaseHandler.get_response = cpu_timed
    try:
        handler_times.clear()
        for _ in range(requests):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
    finally:
        BaseHandler.get_response = timed
    ms = sorted(t * 1000 for t in handler_times)
    return {"median_ms": round(statistics.median(ms), 3),
            "p90_ms": round(ms[int(len(ms) * 0.9) - 1], 3),
            "cpu_median_ms": round(statistics.median(cpu), 3)}


def _last_page(client, path: str, headers: dict, table: str) -> tuple[int, int]:
    """The deep page: page 200, or the last page where the list is shorter; and the total,
    read from the count the first page ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path.format(page=1), headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    if response.headers.get("Content-Type", "").startswith("application/json"):
        total = response.json()["total"]
    else:
        counts = [q["sql"] for q in captured.captured_queries
                  if "COUNT(" in q["sql"].upper() and _reads_table(q["sql"], table)]
        with connection.cursor() as cursor:
            cursor.execute(counts[0])
            total = cursor.fetchone()[0]
    return max(1, min(DEEP_PAGE, -(-total // PAGE))), total


def measure(handler_times: list, *, requests: int, county: str = COUNTY,
            township: str = TOWNSHIP) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from stats_summary import _second_factor_passed

    from anju.accounts.models import ApiToken

    township_user = _user("bench_floor_township", township, "township_officer")
    county_user = _user("bench_floor_county", county, "county_officer", "housing")
    clients = {"township": Client(), "county": Client(), "township_api": Client(),
               "county_api": Client()}
    clients["township"].force_login(township_user)
    clients["county"].force_login(county_user)
    _second_factor_passed(clients["county"], county_user)
    headers = {
        "township": {}, "county": {},
        "township_api": {"Authorization": f"Bearer {ApiToken.issue(township_user)[1]}"},
        "county_api": {"Authorization": f"Bearer {ApiToken.issue(county_user)[1]}"},
    }
    engine = connection.vendor
    rows = []
    for spec in _lists(county, township):
        client, head = clients[spec["as"]], headers[spec["as"]]
        deep, total = _last_page(client, spec["path"], head, spec["table"])
        for page in sorted({1, deep}):
            path = spec["path"].format(page=page)
            with CaptureQueriesContext(connection) as captured:
                client.get(path, headers=head)
            queries = [q["sql"] for q in captured.captured_queries]
            statements = [sql for sql in queries if _reads_table(sql, spec["table"])]
            handler = _handler(handler_times, client, path, head, requests)
            floor = _floor(statements, requests)
            ratio = round(handler["median_ms"] / max(floor["median_ms"], 0.001), 2)
            cpu_ratio = round(handler["cpu_median_ms"] / max(floor["cpu_median_ms"], 0.001), 2)
            rows.append({"list": spec["name"], "path": path, "page": page, "total": total,
                         "queries": len(queries),
                         "handler": handler, "floor": floor, "ratio": ratio,
                         "cpu_ratio": cpu_ratio,
                         "target_ratio": TARGET_RATIO[engine],
                         "met": ratio <= TARGET_RATIO[engine]})
            print(f"[{engine}] {spec['name']} page {page}: {handler['median_ms']} ms vs floor "
                  f"{floor['median_ms']} ms = {ratio}× (CPU {handler['cpu_median_ms']} vs "
                  f"{floor['cpu_median_ms']} ms = {cpu_ratio}×; {len(queries)} queries)",
                  file=sys.stderr, flush=True)
    return {"engine": engine, "lists": rows, "target_ratio": TARGET_RATIO[engine]}


def markdown(results: list[dict]) -> list[str]:
    lines = ["Lists near the floor (bench/floor.py): median ms inside Django's handler vs the "
             "median ms of the same count and page statements through a bare cursor, in the "
             "same run; page 1 and page 200 (or the last page). Beside them the CPU time of the "
             "same requests and statements (thread time of this process), steadier on a "
             "shared machine; on PostgreSQL the server's own work is in neither CPU figure, "
             "so there the wall ratio is the one to read.", "",
             "| engine | list | page | rows | handler median | floor median | ratio (target) "
             "| CPU handler / floor = ratio | queries |", "|---|---|---|---|---|---|---|---|---|"]
    for result in results:
        for r in result["lists"]:
            lines.append(f"| {result['engine']} | {r['list']} | {r['page']} | {r['total']:,} "
                         f"| {r['handler']['median_ms']} ms | {r['floor']['median_ms']} ms "
                         f"| {r['ratio']}× (≤ {r['target_ratio']}×) "
                         f"{'✓' if r['met'] else '**not met**'} "
                         f"| {r['handler'].get('cpu_median_ms', '–')} / "
                         f"{r['floor'].get('cpu_median_ms', '–')} ms = "
                         f"{r.get('cpu_ratio', '–')}× | {r['queries']} |")
    return lines + [""]


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
    prepare(COUNTY)
    return measure(handler_times, requests=args.requests)


def prepare(county: str) -> None:
    """Give a freshly seeded county what the other benches give it before this one runs: a
    ledger of 30,000 entries, 5,000 housing-security cases, low-income households with
    inspections. Done once on a kept database."""
    from assistance import _users, seed_cases
    from inspections_due import prepare as prepare_due
    from ledger_page import _top_up

    from anju.assistance.models import Application
    from anju.rectification.models import LedgerEntry

    if not LedgerEntry.objects.exists():
        _top_up(county, 30_000)
    if not Application.objects.exists():
        seed_cases(county, 5_000, _users(county))
        prepare_due(county, 20_000)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--data", help="keep the database in this directory (reused if there)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="anju-floor-") as tmp:
        tmp = args.data or tmp
        os.environ.setdefault("ANJU_DATA_DIR", tmp)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
        result = _alone(args)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    results = ROOT / "bench" / "results"
    stem = f"{date.today().isoformat()}-floor-{result['engine']}"
    (results / f"{stem}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    (results / f"{stem}.md").write_text("\n".join(markdown([result])))
    print("\n".join(markdown([result])), file=sys.stderr)
