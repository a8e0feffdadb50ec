"""Anju province benchmark: a province's houses on PostgreSQL with production durability.

    .venv/bin/python bench/province.py --pg-url URL [--houses 5000000] [--county-houses 300000]
                                       [--requests 30] [--rounds 3] [--l1-province-runs 1]

Run by `make bench-province` (scripts/bench-province.sh), on a private cluster started with
`scripts/pg.sh start DIR --durable` (fsync, full-page writes and synchronous commit on).

Two databases beside the one in --pg-url, each seeded in a fresh worker process:

- county: `--county-houses` houses in 梅河口市 (220581) alone, the county benchmark's size;
- province: `--houses` houses over every county of 吉林省 (22) that has townships, 梅河口市
  holding the same `--county-houses` and the rest spread over the other counties in
  proportion to their townships (villages synthesised by seed_villages, ~400 houses each).

So every county figure compares the same county with the same houses, once alone and once
inside a province table `--houses / --county-houses` times larger. Each database gets: the
seeding rate; the C/D houses put on the ledger (ledger_backfill) and the rollup rows rebuilt
(stats_refresh). Then both are measured in `--rounds` alternating rounds, each a fresh
worker process: timed inside Django's handler, `--requests` requests after a warm-up: the
township house list (API and page) as a township officer, the county
house list API, the county summary (API and dashboard page) as a county housing officer and
the province summary (API and dashboard page) as a province officer (prefecture_officer
scoped to 22); and once a round: the county's 整治台账 export (in a fresh process, as
bench/ledger_export.py) and the L1 supervision matrix of the county (and of the province in
the first `--l1-province-runs` rounds: minutes at full size). Medians over all rounds.
Results go to bench/results/<date>-province.json and .md, with the ratio province / county
of every figure; target: county figures within 1.5×.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PROVINCE, COUNTY, TOWNSHIP = "22", "220581", "220581100"  # 吉林省, 梅河口市, 山城镇
TARGET_RATIO = 1.5
# the figures a county's users see: held to TARGET_RATIO
COUNTY_FIGURES = ("api_township", "page_township", "api_county", "summary_county",
                  "dashboard_county", "ledger_export", "l1_county")


# --- worker: one process, one database --------------------------------------------------------


def shares(counties: dict[str, int], total: int, fixed: dict[str, int]) -> dict[str, int]:
    """Houses per county: `fixed` ones as given, the rest of `total` over the other counties
    in proportion to their townships (largest remainders, so the sum is exact)."""
    rest = total - sum(fixed.values())
    others = {c: n for c, n in counties.items() if c not in fixed and n}
    weight = sum(others.values())
    exact = {c: rest * n / weight for c, n in others.items()}
    out = {c: int(v) for c, v in exact.items()}
    short = rest - sum(out.values())
    for c in sorted(exact, key=lambda c: exact[c] - out[c], reverse=True)[:short]:
        out[c] += 1
    return {**fixed, **out}


def _seed(args) -> dict:
    from anju.divisions.loader import load_divisions
    from anju.divisions.models import Division, Level
    from anju.registry import bulk
    from anju.registry.demo_data import seed
    from anju.registry.models import House, Household

    load_divisions((PROVINCE,))
    if args.scope == "county":
        plan = {COUNTY: args.county_houses}
    else:
        townships = {}
        for code in (Division.objects.filter(level=Level.TOWNSHIP, is_demo=False,
                                             code__startswith=PROVINCE)
                     .values_list("code", flat=True)):
            townships[code[:6]] = townships.get(code[:6], 0) + 1
        plan = shares(townships, args.houses, {COUNTY: args.county_houses})
    started = time.perf_counter()
    done = 0
    for i, (county, n) in enumerate(sorted(plan.items()), 1):
        done += seed(county, n, batch_size=args.batch, statistics=False)
        print(f"  seeded {county} ({i}/{len(plan)}): {done:,} houses, "
              f"{done / (time.perf_counter() - started):,.0f} houses/s", file=sys.stderr,
              flush=True)
    bulk.refresh_statistics([Household, House])
    seconds = time.perf_counter() - started
    return {"counties": len(plan), "houses": done, "county_houses": plan[COUNTY],
            "villages": Division.objects.filter(level=Level.VILLAGE,
                                                code__startswith=PROVINCE).count(),
            "seed_seconds": round(seconds, 1), "seed_houses_per_s": round(done / seconds),
            "seed_rows_per_s": round(2 * done / seconds)}


def _timer():
    from django.core.handlers.base import BaseHandler

    times: list[float] = []
    original = BaseHandler.get_response

    def timed(self, request):
        t = time.perf_counter()
        response = original(self, request)
        times.append(time.perf_counter() - t)
        return response

    BaseHandler.get_response = timed
    return times


def _second_factor_passed(client, user) -> None:
    # Officers above the township need the second factor (docs/security.md): as after the code
    # page.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _user(username: str, scope: str, role: str, department: str = ""):
    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import User

    found = User.objects.filter(username=username).first()
    return found or create_user(CreateUser(username=username, password="x", scope=scope,
                                           role=role, department=department),
                                check_password=False)


def _summary(ms: list[float]) -> dict:
    ms = sorted(ms)
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 2),
            "p90_ms": round(ms[math.ceil(len(ms) * 0.9) - 1], 2), "max_ms": round(ms[-1], 2)}


def _requests(args, times: list[float], samples: dict, meta: dict) -> None:
    from django.test import Client

    from anju.accounts.models import ApiToken

    township = _user("bench_township", TOWNSHIP, "township_officer")
    county = _user("bench_county", COUNTY, "county_officer", "housing")
    province = _user("bench_province", PROVINCE, "prefecture_officer")

    def measure(key: str, user, path: str, *, api: bool) -> None:
        client, headers = Client(), {}
        if api:
            headers["Authorization"] = f"Bearer {ApiToken.issue(user)[1]}"
        else:
            client.force_login(user)
            if user.role != "township_officer":
                _second_factor_passed(client, user)
        for _ in range(5):  # warm-up: connection, caches, templates
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        times.clear()
        for _ in range(args.requests):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        samples[key] = [t * 1000 for t in times]
        meta[key] = {"path": path, "user": user.username}
        if api:
            body = response.json()
            for name in ("total", "houses"):
                if name in body:
                    meta[key][name] = body[name]
                    break

    measure("api_township", township, f"/api/v1/houses?division={TOWNSHIP}&page_size=50",
            api=True)
    measure("page_township", township, f"/registry/houses/?division={TOWNSHIP}", api=False)
    measure("api_county", county, "/api/v1/houses?page_size=50", api=True)
    measure("summary_county", county, f"/api/v1/stats/summary?division={COUNTY}", api=True)
    measure("dashboard_county", county, f"/reports/{COUNTY}/", api=False)
    measure("summary_province", province, f"/api/v1/stats/summary?division={PROVINCE}",
            api=True)
    measure("dashboard_province", province, f"/reports/{PROVINCE}/", api=False)


def _l1(user, division: str) -> tuple[float, dict]:
    """The L1 supervision matrix (national-exchange.md) written in full, as the download does."""
    from anju.exchange import exporters
    from anju.exchange.layout import get_layout

    started = time.perf_counter()
    total, data = exporters.national_stream(get_layout("supervision-ledger"), user, division,
                                            reveal=False)
    size = sum(len(chunk) for chunk in data)
    return ((time.perf_counter() - started) * 1000,
            {"division": division, "user": user.username, "rows": total, "bytes": size})


def _ledger_export() -> tuple[float, dict]:
    """The county's 整治台账 .xlsx as a county housing officer, in a fresh process
    (bench/ledger_export.py)."""
    _user("bench_ledger", COUNTY, "county_officer", "housing")
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "ledger_export.py"), COUNTY],
                          env=dict(os.environ), capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["seconds"] * 1000, {"rows": out["rows"], "peak_rss_mb": out["peak_rss_mb"],
                                   "xlsx_mb": out["xlsx_mb"]}


def _worker_seed(args) -> dict:
    from anju.rectification.actions import backfill_ledger
    from anju.reports import rollup

    result = {"scope": args.scope, **_seed(args)}
    area = COUNTY if args.scope == "county" else PROVINCE
    started = time.perf_counter()
    result["ledger_area"] = COUNTY if args.ledger == "county" else area
    result["ledger_entries"] = backfill_ledger(result["ledger_area"])
    result["backfill_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    # The whole area in one rebuild (its inspection-due count is one pass since ADR 0055).
    result["rollup_villages"] = rollup.rebuild(area)
    result["rollup_rebuild_s"] = round(time.perf_counter() - started, 1)
    print(f"  rollup rebuild of {area}: {result['rollup_villages']:,} villages in "
          f"{result['rollup_rebuild_s']} s", file=sys.stderr, flush=True)
    return result


def _worker_measure(args) -> dict:
    samples: dict[str, list[float]] = {}
    meta: dict[str, dict] = {}
    _requests(args, _timer(), samples, meta)
    ms, meta["ledger_export"] = _ledger_export()
    samples["ledger_export"] = [ms]
    ms, meta["l1_county"] = _l1(_user("bench_county", COUNTY, "county_officer"), COUNTY)
    samples["l1_county"] = [ms]
    if args.round < args.l1_province_runs:  # minutes at full size: fewer runs
        ms, meta["l1_province"] = _l1(_user("bench_province", PROVINCE, ""), PROVINCE)
        samples["l1_province"] = [ms]
    return {"samples": samples, "meta": meta}


def _worker(args) -> dict:
    import logging

    import django

    django.setup()
    logging.getLogger("anju.request").disabled = True  # a line per timed request otherwise
    from django.core.management import call_command

    if args.round < 0:
        call_command("migrate", verbosity=0, interactive=False)
        return _worker_seed(args)
    return _worker_measure(args)


# --- driver -----------------------------------------------------------------------------------


def _pg_database(url: str, name: str, *, drop: bool = False) -> str:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def _settings(url: str) -> dict:
    import psycopg

    names = ("fsync", "full_page_writes", "synchronous_commit", "shared_buffers", "max_wal_size",
             "server_version")
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)",
                            [list(names)]).fetchall()
    return {n: f"{s}{' × ' + u if u and u not in ('', None) else ''}" for n, s, u in rows}


def _call(args, scope: str, url: str, round_: int) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "anju.settings"}
    command = [sys.executable, __file__, "--worker", scope, "--round", str(round_),
               "--houses", str(args.houses), "--county-houses", str(args.county_houses),
               "--batch", str(args.batch), "--requests", str(args.requests),
               "--l1-province-runs", str(args.l1_province_runs), "--ledger", args.ledger]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"{scope} worker failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(args, report: dict) -> None:
    """Seed both databases, then measure them in alternating rounds (county, province,
    province, county, …), so that the load of a shared machine falls on both alike."""
    import psycopg

    scopes = ("county", "province")
    names = {s: f"anju_province_{s}_{os.getpid()}" for s in scopes}
    try:
        urls = {s: _pg_database(args.pg_url, names[s]) for s in scopes}
        for scope in scopes:
            n = args.county_houses if scope == "county" else args.houses
            print(f"[{scope}] seeding {n:,} houses…", flush=True)
            report[scope] = _call(args, scope, urls[scope], -1)
            print(f"[{scope}]   {report[scope]['seed_houses_per_s']:,} houses/s, "
                  f"{report[scope]['seed_rows_per_s']:,} rows/s", flush=True)
        with psycopg.connect(urls["province"]) as conn:
            report["province"]["database_gb"] = round(conn.execute(
                "SELECT pg_database_size(current_database())").fetchone()[0] / 2**30, 2)
        samples = {s: {} for s in scopes}
        meta = {s: {} for s in scopes}
        for round_ in range(args.rounds):
            for scope in scopes if round_ % 2 == 0 else scopes[::-1]:
                print(f"[{scope}] round {round_ + 1}/{args.rounds}: requests and exports…",
                      flush=True)
                found = _call(args, scope, urls[scope], round_)
                for key, values in found["samples"].items():
                    samples[scope].setdefault(key, []).extend(values)
                meta[scope].update(found["meta"])
        for scope in scopes:
            report[scope]["figures"] = {key: {**meta[scope][key], **_summary(values)}
                                        for key, values in samples[scope].items()}
    finally:
        for scope in scopes:
            _pg_database(args.pg_url, names[scope], drop=True)


def compare(county: dict, province: dict) -> dict:
    out = {}
    for key, alone in county["figures"].items():
        inside = province["figures"][key]
        out[key] = {"county_ms": alone["median_ms"], "province_ms": inside["median_ms"],
                    "ratio": round(inside["median_ms"] / alone["median_ms"], 2),
                    "held_to_target": key in COUNTY_FIGURES}
        if key in COUNTY_FIGURES:
            out[key]["within_target"] = out[key]["ratio"] <= TARGET_RATIO
    return out


LABELS = {
    "api_township": "township house list, API (township officer)",
    "page_township": "township house list, page (township officer)",
    "api_county": "county house list, API (county officer)",
    "summary_county": "county summary, `GET /stats/summary` (county officer)",
    "dashboard_county": "county dashboard page (county officer)",
    "summary_province": "province summary, `GET /stats/summary?division=22` (province officer)",
    "dashboard_province": "province dashboard page (province officer)",
    "ledger_export": "county 整治台账 .xlsx export (fresh process)",
    "l1_county": "L1 监管台账 of the county",
    "l1_province": "L1 监管台账 of the province (province officer)",
}


def markdown(report: dict) -> str:
    c, p = report["county"], report["province"]
    s = report["settings"]
    lines = [
        f"# Anju province benchmark, {report['date']}", "",
        f"PostgreSQL {s.get('server_version')} with production durability: fsync "
        f"{s.get('fsync')}, full_page_writes {s.get('full_page_writes')}, synchronous_commit "
        f"{s.get('synchronous_commit')} (`scripts/pg.sh start DIR --durable`). Province: "
        f"{p['houses']:,} houses (one household each) over {p['counties']} counties of 吉林省 "
        f"and {p['villages']:,} villages, 梅河口市 holding {p['county_houses']:,}; county: "
        f"{c['houses']:,} houses in 梅河口市 alone, measured in the same run on the same "
        f"cluster. Both databases are measured in {report['rounds']} alternating rounds (so the "
        f"load of the shared machine falls on both alike): requests, median of "
        f"{report['requests']} per round after a warm-up, time inside Django's handler; "
        f"exports, one per round (the province's L1 matrix in "
        f"{report['l1_province_runs']} round(s) only).", "",
        "| seeding | county alone | province |", "|---|---|---|",
        f"| houses | {c['houses']:,} | {p['houses']:,} |",
        f"| seconds | {c['seed_seconds']:,} | {p['seed_seconds']:,} |",
        f"| houses/s | {c['seed_houses_per_s']:,} | {p['seed_houses_per_s']:,} |",
        f"| rows/s (houses + households) | {c['seed_rows_per_s']:,} | {p['seed_rows_per_s']:,} |",
        f"| C/D houses put on the ledger | {c['ledger_entries']:,} in {c['backfill_s']} s "
        f"| {p['ledger_entries']:,} in {p['backfill_s']} s (of {p['ledger_area']}) |",
        f"| rollup rebuild (villages) | {c['rollup_villages']:,} in {c['rollup_rebuild_s']} s "
        f"| {p['rollup_villages']:,} in {p['rollup_rebuild_s']} s |",
        f"| database size | | {p.get('database_gb', '?')} GB |", "",
        f"| figure | {c['houses']:,} houses (median / p90) | {p['houses']:,} houses "
        f"(median / p90) | ratio | target ≤ {TARGET_RATIO}× |", "|---|---|---|---|---|"]
    for key, row in report["ratios"].items():
        a, b = c["figures"][key], p["figures"][key]
        mark = ("met" if row["within_target"] else "missed") if row["held_to_target"] else "—"
        lines.append(f"| {LABELS[key]} | {a['median_ms']:,} / {a['p90_ms']:,} ms "
                     f"| {b['median_ms']:,} / {b['p90_ms']:,} ms | {row['ratio']}× | {mark} |")
    lines += ["", f"Ledger export rows: {c['figures']['ledger_export']['rows']:,} alone, "
              f"{p['figures']['ledger_export']['rows']:,} in the province (peak RSS "
              f"{p['figures']['ledger_export']['peak_rss_mb']} MB). The province figures "
              "cover the province's houses; at 300,000 the same URL covers the one county.",
              "", f"Machine: {report['machine']['cpus']} CPUs (shared), Python "
              f"{report['machine']['python']}, {report['machine']['platform']}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--houses", type=int, default=5_000_000)
    parser.add_argument("--county-houses", type=int, default=300_000,
                        help="houses of 梅河口市, alone and inside the province")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measuring rounds per database, alternating between the two")
    parser.add_argument("--l1-province-runs", type=int, default=1,
                        help="rounds that also write the province's L1 matrix")
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--ledger", choices=("province", "county"), default="province",
                        help="whose C/D houses go on the ledger in the province database: all "
                             "(default), or 梅河口市's only (a shorter run; the L1 matrix of the "
                             "province then counts one county's ledger)")
    parser.add_argument("--label", default="",
                        help="results go to <date>-province-<label>.{json,md}")
    parser.add_argument("--pg-url", help="PostgreSQL URL whose server may create databases")
    parser.add_argument("--worker", choices=("county", "province"), dest="scope",
                        help=argparse.SUPPRESS)
    parser.add_argument("--round", type=int, default=-1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    if args.scope:
        print(json.dumps(_worker(args), ensure_ascii=False))
        return
    if not args.pg_url:
        sys.exit("--pg-url is required (scripts/bench-province.sh starts a durable cluster)")
    if args.county_houses >= args.houses:
        sys.exit("--houses must be larger than --county-houses")
    import platform

    report = {"date": date.today().isoformat(), "settings": _settings(args.pg_url),
              "command": " ".join(sys.argv[1:]).replace(args.pg_url, "URL"),
              "requests": args.requests, "rounds": args.rounds,
              "l1_province_runs": args.l1_province_runs,
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform()}}
    run(args, report)
    report["ratios"] = compare(report["county"], report["province"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{report['date']}-province{'-' + args.label if args.label else ''}"
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    text = markdown(report)
    stem.with_suffix(".md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
