"""Anju benchmark: seeding rate and house-list server time at county scale.

    .venv/bin/python bench/run.py [--houses 300000] [--runs 3] [--requests 50] [--pg-url URL]

For each database engine (SQLite always; PostgreSQL when --pg-url is given) it seeds
`--houses` houses (one household each) into one county (梅河口市) on a fresh database, `--runs`
times, each time in a fresh worker process and a fresh database (a new SQLite file in a temp
directory; a new PostgreSQL database created beside the one in --pg-url and dropped after).
The seeding rate is the median over those runs. On the last database it times, in-process
with django.test.Client, the house list API and the house list page filtered to one township
as a township officer (and, for comparison, the unfiltered county list as a county officer):
median, p90 and max of `--requests` requests after a warm-up, measured inside Django's
request handler. Then every county list at page 1 and page 200 beside the raw SQL of the same
rows and their count (bench/floor.py), and, through the production server, 16 clients for 60 s
(bench/load.py). Results go to bench/results/<date>-<engine>.json and bench/results/latest.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
COUNTY, TOWNSHIP = "220581", "220581100"  # 梅河口市, 山城镇
TARGETS = {"seed_rows_per_s": {"sqlite": 10_000, "postgresql": 50_000}, "township_ms": 30,
           "sweep_houses_per_s": {"sqlite": 20_000}}


# --- worker: runs inside one process with one database ------------------------------------


def _worker(args) -> dict:
    import django

    django.setup()
    from django.core.handlers.base import BaseHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import ApiToken
    from anju.divisions.loader import load_divisions
    from anju.registry.demo_data import seed, seed_villages
    from anju.registry.queries import houses_for_user

    call_command("migrate", verbosity=0, interactive=False)
    load_divisions((COUNTY,))
    seed_villages(COUNTY, args.houses)
    started = time.perf_counter()
    count = seed(COUNTY, args.houses, batch_size=args.batch)
    seconds = time.perf_counter() - started  # includes seed's VACUUM/ANALYZE after loading
    result = {"engine": connection.vendor, "houses": count, "seed_seconds": round(seconds, 2),
              "seed_houses_per_s": round(count / seconds),
              "seed_rows_per_s": round(2 * count / seconds)}
    from quality_sweep import quality_sweep

    result["sweep"] = quality_sweep(COUNTY)
    if not args.time_requests:
        return result

    township = create_user(CreateUser(username="bench_township", password="x", scope=TOWNSHIP,
                                      role="township_officer"), check_password=False)
    county = create_user(CreateUser(username="bench_county", password="x", scope=COUNTY,
                                    role="county_officer", department="housing"),
                         check_password=False)
    handler_times: list[float] = []
    original = BaseHandler.get_response

    def timed(self, request):
        t = time.perf_counter()
        response = original(self, request)
        handler_times.append(time.perf_counter() - t)
        return response

    BaseHandler.get_response = timed

    def measure(user, path, *, api: bool) -> dict:
        client = Client()
        headers = {}
        if api:
            headers["Authorization"] = f"Bearer {ApiToken.issue(user)[1]}"
        else:
            client.force_login(user)
        for _ in range(5):  # warm-up: connection, caches, template loading
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        handler_times.clear()
        for _ in range(args.requests):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        ms = sorted(t * 1000 for t in handler_times)
        out = {"path": path, "user": user.username, "requests": len(ms),
               "median_ms": round(statistics.median(ms), 2),
               "p90_ms": round(ms[int(len(ms) * 0.9) - 1], 2), "max_ms": round(ms[-1], 2)}
        if api:
            out["total"] = response.json()["total"]
        return out

    result["requests"] = {
        "api_township": measure(township, f"/api/v1/houses?division={TOWNSHIP}&page_size=50",
                                api=True),
        "page_township": measure(township, f"/registry/houses/?division={TOWNSHIP}", api=False),
        "api_county": measure(county, "/api/v1/houses?page_size=50", api=True),
    }
    queryset = houses_for_user(township, division=TOWNSHIP)[:50]
    result["plan_township"] = str(queryset.explain()).splitlines()
    result["township_houses"] = houses_for_user(township, division=TOWNSHIP).count()
    from save_paths import appraisal_save

    result["appraisal_save"] = appraisal_save(handler_times, requests=args.requests,
                                              county=COUNTY)
    from ledger_export import measure as ledger_export

    result["ledger_export"] = ledger_export(COUNTY)  # after the timed lists: it adds entries
    from stats_summary import stats_summary

    result["stats_summary"] = stats_summary(handler_times, requests=args.requests,
                                            county=COUNTY)  # after the ledger: it counts it
    from field_sync import measure as field_sync

    result["field_sync"] = field_sync(COUNTY)  # after the ledger: a download carries entries
    from assistance import measure as assistance

    result["assistance"] = assistance(handler_times, requests=args.requests, county=COUNTY)
    from inspections_due import measure as inspections_due

    result["inspections_due"] = inspections_due(handler_times, requests=args.requests,
                                                county=COUNTY)  # before exchange adds houses
    from exchange import measure as exchange

    result["exchange"] = exchange(COUNTY, args.import_rows)  # it adds households
    from national import measure as national

    result["national"] = national(COUNTY)  # N1 export, then that file reconciled
    from ledger_page import measure as ledger_page

    # last: it grades more houses C where the county has fewer than 30,000 entries
    result["ledger_page"] = ledger_page(handler_times, requests=args.requests, county=COUNTY)
    from duplicate_photos import measure as duplicate_photos

    result["duplicate_photos"] = duplicate_photos(COUNTY)  # 100,000 photos' hashes
    from lookback import measure as lookback

    result["lookback"] = lookback(COUNTY)  # last: it changes ledger statuses
    from floor import measure as floor

    result["floor"] = floor(handler_times, requests=args.requests, county=COUNTY)
    from backup import measure as backup

    result["backup"] = backup(COUNTY)  # last: the whole county, every table
    return result


# --- driver ---------------------------------------------------------------------------------


def _pg_database(url: str, name: str, *, drop: bool = False) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def _run_worker(args, env: dict, time_requests: bool) -> dict:
    command = [sys.executable, __file__, "--worker", "--houses", str(args.houses),
               "--batch", str(args.batch), "--requests", str(args.requests),
               "--import-rows", str(args.import_rows)]
    if time_requests:
        command.append("--time-requests")
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True,
                          cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"worker failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _bench_engine(args, engine: str) -> dict:
    runs = []
    for i in range(args.runs):
        last = i == args.runs - 1
        with tempfile.TemporaryDirectory(prefix="anju-bench-") as tmp:
            env = {"ANJU_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "anju.settings"}
            if engine == "postgresql":
                name = f"anju_bench_{os.getpid()}_{i}"
                env["DATABASE_URL"] = _pg_database(args.pg_url, name)
            else:
                env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            try:
                print(f"[{engine}] run {i + 1}/{args.runs}: seeding {args.houses:,} houses…",
                      flush=True)
                result = _run_worker(args, env, time_requests=last)
                if last and args.load_seconds:
                    import load

                    print(f"[{engine}] load: {args.load_clients} clients for "
                          f"{args.load_seconds} s through the server…", flush=True)
                    result["load"] = load.run(env, clients=args.load_clients,
                                              seconds=args.load_seconds)
            finally:
                if engine == "postgresql":
                    _pg_database(args.pg_url, name, drop=True)
        print(f"[{engine}]   {result['seed_houses_per_s']:,} houses/s, "
              f"{result['seed_rows_per_s']:,} rows/s; quality sweep "
              f"{result['sweep']['first']['houses_per_s']:,} houses/s, again "
              f"{result['sweep']['again']['houses_per_s']:,} houses/s", flush=True)
        runs.append(result)
    summary = {
        "engine": engine, "date": date.today().isoformat(), "houses": args.houses,
        "runs": args.runs, "batch": args.batch,
        "seed_rows_per_s_runs": [r["seed_rows_per_s"] for r in runs],
        "seed_rows_per_s_median": statistics.median(r["seed_rows_per_s"] for r in runs),
        "seed_houses_per_s_median": statistics.median(r["seed_houses_per_s"] for r in runs),
        "sweep_runs": [r["sweep"] for r in runs],
        "sweep_houses_per_s_median": statistics.median(
            r["sweep"]["first"]["houses_per_s"] for r in runs),
        "resweep_houses_per_s_median": statistics.median(
            r["sweep"]["again"]["houses_per_s"] for r in runs),
        "requests": runs[-1]["requests"], "township_houses": runs[-1]["township_houses"],
        "plan_township": runs[-1]["plan_township"], "machine": _machine(),
        "ledger_export": runs[-1]["ledger_export"],
        "appraisal_save": runs[-1]["appraisal_save"],
        "stats_summary": runs[-1]["stats_summary"],
        "field_sync": runs[-1]["field_sync"],
        "exchange": runs[-1]["exchange"],
        "national": runs[-1]["national"],
        "assistance": runs[-1]["assistance"],
        "ledger_page": runs[-1]["ledger_page"],
        "lookback": runs[-1]["lookback"],
        "inspections_due": runs[-1]["inspections_due"],
        "duplicate_photos": runs[-1]["duplicate_photos"],
        "floor": runs[-1]["floor"],
        "backup": runs[-1].get("backup"),
        "load": runs[-1].get("load"),
    }
    return summary


def _machine() -> dict:
    import platform

    return {"python": platform.python_version(), "cpus": os.cpu_count(),
            "platform": platform.platform()}


def _markdown(summaries: list[dict]) -> str:
    lines = [f"# Anju benchmark, {summaries[0]['date']}", "",
             f"{summaries[0]['houses']:,} houses (one household each) in one county (梅河口市); "
             f"township {TOWNSHIP} (山城镇). Seeding: median of {summaries[0]['runs']} runs, "
             "each into a fresh database; rows = houses + households. Requests: "
             f"{summaries[0]['requests']['api_township']['requests']} each after a warm-up, "
             "time inside Django's handler (django.test.Client, in-process).", "",
             "| engine | seed rows/s (median) | houses/s | API township list median / p90 "
             "| page township list median / p90 | API county list median / p90 |",
             "|---|---|---|---|---|---|"]
    for s in summaries:
        r = s["requests"]
        lines.append(
            f"| {s['engine']} | {s['seed_rows_per_s_median']:,.0f} "
            f"(target {TARGETS['seed_rows_per_s'][s['engine']]:,}) "
            f"| {s['seed_houses_per_s_median']:,.0f} "
            f"| {r['api_township']['median_ms']} / {r['api_township']['p90_ms']} ms "
            f"| {r['page_township']['median_ms']} / {r['page_township']['p90_ms']} ms "
            f"| {r['api_county']['median_ms']} / {r['api_county']['p90_ms']} ms |")
    lines += ["", f"Target: township list ≤ {TARGETS['township_ms']} ms median.", ""]
    lines += ["Quality sweep (R-CJ-3, `anju quality_sweep`) over the county, median of the runs: "
              "the first sweep checks every record and ID number afresh and opens the findings "
              "of the generated data; a second sweep finds nothing changed.", "",
              "| engine | first sweep houses/s | findings opened | second sweep houses/s |",
              "|---|---|---|---|"]
    for s in summaries:
        target = TARGETS["sweep_houses_per_s"].get(s["engine"])
        lines.append(f"| {s['engine']} | {s['sweep_houses_per_s_median']:,.0f}"
                     + (f" (target {target:,})" if target else "")
                     + f" | {s['sweep_runs'][-1]['first']['opened']:,}"
                     f" | {s['resweep_houses_per_s_median']:,.0f} |")
    lines.append("")
    lines += ["整治台账 Excel export of the county (`GET /exports/rectification-ledger.xlsx`, "
              "bench/ledger_export.py): its C/D houses put on the ledger by `ledger_backfill`, "
              "then the export written in a fresh process as a county housing officer; peak "
              "RSS is that process's VmHWM.", "",
              "| engine | entries | rows/s | peak RSS | RSS before export | file |",
              "|---|---|---|---|---|---|"]
    for s in summaries:
        x = s["ledger_export"]
        lines.append(f"| {s['engine']} | {x['rows']:,} | {x['rows_per_s']:,} (target "
                     f"{x['targets']['rows_per_s']:,}) | {x['peak_rss_mb']} MB (target < "
                     f"{x['targets']['peak_rss_mb']} MB) | {x['rss_before_mb']} MB "
                     f"| {x['xlsx_mb']} MB |")
    lines.append("")
    lines += ["Appraisal save path (`POST /api/v1/houses/{id}/appraisals`, bench/save_paths.py): "
              "a C grade from the component table on a different house each time, as an "
              "appraiser; the verb, its history rows, the house state, the ledger entry and the "
              "quality re-check, timed inside Django's handler.", "",
              "| engine | requests | median | p90 | max |", "|---|---|---|---|---|"]
    for s in summaries:
        a = s["appraisal_save"]
        lines.append(f"| {s['engine']} | {a['requests']} | {a['median_ms']} ms "
                     f"| {a['p90_ms']} ms | {a['max_ms']} ms |")
    lines.append("")
    lines += ["Supervision statistics (bench/stats_summary.py): the full rebuild of the county's "
              "rollup rows (`anju stats_refresh`), the background refresh of one changed "
              "village, and `GET /api/v1/stats/summary` of the county with its townships (and "
              "the county's dashboard page) as a county officer, timed inside Django's handler.",
              "", "| engine | villages | rebuild | one village | summary median / p90 "
              "| dashboard page median / p90 |", "|---|---|---|---|---|---|"]
    for s in summaries:
        x = s["stats_summary"]
        lines.append(f"| {s['engine']} | {x['villages']:,} | {x['rebuild_s']} s "
                     f"| {x['refresh_one_village_ms']} ms "
                     f"| {x['summary']['median_ms']} / {x['summary']['p90_ms']} ms (target ≤ "
                     f"{x['target_ms']} ms) | {x['dashboard_page']['median_ms']} / "
                     f"{x['dashboard_page']['p90_ms']} ms |")
    lines.append("")
    lines += ["Field app sync (bench/field_sync.py, django.test.Client in-process): a village "
              "cadre's first download of the village's houses (every page) and the next one "
              "with nothing changed, a township officer's first download, and a phone's queue "
              "of 1,000 captures (screenings and inspections) sent one by one, then resent.",
              "", "| engine | village houses | first download | unchanged | township first "
              "download | captures/s | resent/s |", "|---|---|---|---|---|---|---|"]
    for s in summaries:
        f = s["field_sync"]
        d, u, t = f["first_download"], f["unchanged_download"], f["township_first_download"]
        lines.append(f"| {s['engine']} | {f['village_houses']:,} | {d['bytes'] / 1024:,.0f} KB "
                     f"in {d['seconds']} s | {u['bytes'] / 1024:,.1f} KB in {u['seconds']} s "
                     f"| {t['houses']:,} houses, {t['bytes'] / 1048576:,.1f} MB in "
                     f"{t['seconds']} s | {f['captures']['per_s']:,} "
                     f"| {f['captures']['resend_per_s']:,} |")
    lines.append("")
    lines += ["Exchange (bench/exchange.py), each job run in a fresh process as the worker runs "
              "it: the county's houses exported to Excel by a county housing officer (every "
              "number decrypted), and new households (head and spouse each) imported from an "
              ".xlsx in all-or-nothing mode, beside the single-record verb's rate.", "",
              "| engine | export rows | export rows/s | export peak RSS | import rows "
              "| import rows/s | worker processes | upload check | verb rows/s |",
              "|---|---|---|---|---|---|---|---|---|"]
    for s in summaries:
        x, i = s["exchange"]["export"], s["exchange"]["import"]
        t = s["exchange"]["targets"]
        lines.append(f"| {s['engine']} | {x['rows']:,} | {x['rows_per_s']:,} "
                     f"| {x['peak_rss_mb']} MB (target < {t['export_peak_rss_mb']} MB) "
                     f"| {i['rows']:,} | {i['rows_per_s']:,} (target "
                     f"{t['import_rows_per_s'][s['engine']]:,}) "
                     f"| {i.get('worker_processes', 0)} | {i['upload_check_s']} s "
                     f"| {i['verb_rows_per_s']:,} |")
    lines.append("")
    lines += ["National exchange (bench/national.py), each job in a fresh process: the "
              "county's N1 (采集表) exported by a county housing officer, then that file with "
              "three cells edited loaded back for reconciliation (对账).", "",
              "| engine | N1 rows | export rows/s | export peak RSS | reconciled rows "
              "| reconcile rows/s | differences | reconcile peak RSS |",
              "|---|---|---|---|---|---|---|---|"]
    for s in summaries:
        x, r = s["national"]["export"], s["national"]["reconcile"]
        t = s["national"]["targets"]
        lines.append(f"| {s['engine']} | {x['rows']:,} | {x['rows_per_s']:,} "
                     f"| {x['peak_rss_mb']} MB (target < {t['export_peak_rss_mb']} MB) "
                     f"| {r['rows']:,} | {r['rows_per_s']:,} | {r['differences']} "
                     f"| {r['peak_rss_mb']} MB |")
    lines.append("")
    lines += ["Housing security (bench/assistance.py): open cases seeded in bulk at realistic "
              "stages; a civil-affairs officer's approval queue page, the county's and a "
              "township's case lists, timed inside Django's handler; then one D rebuild case "
              "taken to closing through the verbs with phone-sized photos, and its archive "
              "bundle PDF (一户一档, WeasyPrint).", "",
              "| engine | open cases | waiting for civil affairs | queue page median / p90 "
              "| county list median / p90 | township list median / p90 | archive PDF |",
              "|---|---|---|---|---|---|---|"]
    for s in summaries:
        a = s["assistance"]
        q, c, t, p = (a["queue_page"], a["county_list_page"], a["township_list_page"],
                      a["archive_pdf"])
        lines.append(f"| {s['engine']} | {a['seeded']['cases']:,} | {a['queue_cases']:,} "
                     f"| {q['median_ms']} / {q['p90_ms']} ms (target ≤ {a['target_ms']} ms) "
                     f"| {c['median_ms']} / {c['p90_ms']} ms | {t['median_ms']} / "
                     f"{t['p90_ms']} ms | {p['seconds_median']} s, {p['files']} files "
                     f"({p['files_mb']} MB) → {p['pdf_mb']} MB |")
    lines.append("")
    lines += ["整治台账 page (bench/ledger_page.py): the first page of the ledger of a county "
              "with 30,000 entries (more houses graded C where the seed gave fewer), as a "
              "township officer and as a county housing officer, and the ledger API's first "
              "page, timed inside Django's handler; beside them the raw-SQL floor of the same "
              "rows (the page's rows in its order, and their count) in the same run.", "",
              "| engine | entries | township page median / p90 | county page median / p90 "
              "| API county median | SQL floor township / county |",
              "|---|---|---|---|---|---|"]
    for s in summaries:
        x = s["ledger_page"]
        lines.append(f"| {s['engine']} | {x['entries']:,} "
                     f"| {x['page_township']['median_ms']} / {x['page_township']['p90_ms']} ms "
                     f"(target ≤ {x['target_ms']} ms) | {x['page_county']['median_ms']} / "
                     f"{x['page_county']['p90_ms']} ms | {x['api_county']['median_ms']} ms "
                     f"| {x['floor_township']['median_ms']} / "
                     f"{x['floor_county']['median_ms']} ms |")
        lines.append(f"| (CPU time) | | {x['page_township']['cpu_median_ms']} ms "
                     f"| {x['page_county']['cpu_median_ms']} ms "
                     f"| {x['api_county']['cpu_median_ms']} ms "
                     f"| {x['floor_township']['cpu_median_ms']} / "
                     f"{x['floor_county']['cpu_median_ms']} ms |")
    lines += ["Periodic inspection due list (R-MH-14, bench/inspections_due.py): 20,000 of the "
              "county's households certified low-income, their houses given a history of "
              "inspections; `GET /api/v1/inspections/due?division=COUNTY` (first page of 50 "
              "and the total) as a county officer, inside Django's handler, beside the floor: "
              "the same count and page statements through a bare cursor.", "",
              "| engine | low-income households | due | median / p90 | CPU median "
              "| SQL floor median (CPU) |",
              "|---|---|---|---|---|---|"]
    for s in summaries:
        d = s["inspections_due"]
        lines.append(f"| {s['engine']} | {d['seeded']['low_income_households']:,} "
                     f"| {d['total']:,} | {d['median_ms']} / {d['p90_ms']} ms (target ≤ "
                     f"{d['target_ms']} ms) | {d['cpu_median_ms']} ms "
                     f"| {d['floor_median_ms']} ({d['floor_cpu_median_ms']}) ms |")
    lines.append("")
    lines += ["Duplicate-photo search (ADR 0048, bench/duplicate_photos.py): 100,000 photos' "
              "64-bit dHashes stored with four indexed 16-bit bands; each lookup asks the bands "
              "for candidates and checks the Hamming distance (≤ 3) on them. Half the lookups "
              "are stored photos with 0–3 bits changed (each must be found), half fresh hashes; "
              "beside it a full scan of every hash.", "",
              "| engine | photos | insert photos/s | lookup median / p90 | copies found "
              "| false hits | full scan median |", "|---|---|---|---|---|---|---|"]
    for s in summaries:
        d = s["duplicate_photos"]
        lines.append(f"| {s['engine']} | {d['photos']:,} | {d['insert_photos_per_s']:,} "
                     f"| {d['median_ms']} / {d['p90_ms']} ms (target ≤ {d['target_ms']} ms) "
                     f"| {d['copies_found']}/{d['copies']} | {d['fresh_false_hits']} "
                     f"| {d['scan_median_ms']} ms |")
    lines.append("")
    for s in summaries:
        lines += [f"Plan of the township list query on {s['engine']} "
                  f"({s['township_houses']:,} houses in the township):", "", "```",
                  *s["plan_township"], "```", ""]
    lines += ["回头看 list drawn for the county (bench/lookback.py): a campaign opened over all "
              "its houses, one entry in three of the ledger signed off and one in three "
              "controlled; the list is one INSERT … SELECT. Seconds, median of the runs.", "",
              "| engine | houses | listed | seconds (median) | runs |", "|---|---|---|---|---|"]
    for s in summaries:
        x = s["lookback"]
        lines.append(f"| {s['engine']} | {x['houses']:,} | {x['listed']:,} "
                     f"| {x['seconds_median']} s (target ≤ {x['target_seconds']} s) "
                     f"| {', '.join(str(t) for t in x['seconds_runs'])} |")
    lines.append("")
    from floor import markdown as floor_markdown
    from load import markdown as load_markdown

    lines += floor_markdown([s["floor"] for s in summaries])
    from backup import markdown as backup_markdown

    lines += backup_markdown([(s["engine"], s["backup"]) for s in summaries if s.get("backup")])
    loads = [(s["engine"], s["load"]) for s in summaries if s.get("load")]
    if loads:
        lines += load_markdown(loads)
    machine = summaries[0]["machine"]
    lines.append(f"Machine: {machine['cpus']} CPUs, Python {machine['python']}, "
                 f"{machine['platform']}.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=3, help="seeding runs per engine")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per URL")
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--import-rows", type=int, default=100_000,
                        help="households imported by the exchange benchmark")
    parser.add_argument("--pg-url", help="PostgreSQL URL whose server may create databases")
    parser.add_argument("--load-clients", type=int, default=16)
    parser.add_argument("--load-seconds", type=float, default=60,
                        help="the load through the server (bench/load.py); 0 leaves it out")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--time-requests", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    if args.worker:
        print(json.dumps(_worker(args), ensure_ascii=False))
        return
    summaries = [_bench_engine(args, "sqlite")]
    if args.pg_url:
        summaries.append(_bench_engine(args, "postgresql"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    for s in summaries:
        path = RESULTS / f"{s['date']}-{s['engine']}.json"
        path.write_text(json.dumps(s, ensure_ascii=False, indent=2) + "\n")
    report = _markdown(summaries)
    (RESULTS / "latest.md").write_text(report)
    print()
    print(report)


if __name__ == "__main__":
    main()
