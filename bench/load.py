"""Anju under load: 16 concurrent clients for 60 s through the production server.

    .venv/bin/python bench/load.py --data DIR [--clients 16] [--seconds 60] [--port 8765]

DIR holds a seeded county (`anju seed --houses 300000 --division 220581`, or the database
run.py leaves); DATABASE_URL, when set, names the database instead. A preparing process makes
the users (a township officer of 山城镇, a county housing officer past the second factor), their
sessions and API tokens, picks the houses and ledger entries the clients will use, and times the
township list inside Django's handler. Then the server starts (`start_server`) and each client,
a thread with its own keep-alive connection, loops for `--seconds` over a mix: township house
list pages, house pages, the county dashboard and the house list API, with one request in ten a
save (an inspection of a house, or a control measure on a ledger entry, through the API).
Reported: throughput, p50/p95/p99 per kind, errors (and any "database is locked" in the
answers or the server's log), and the same list request through the idle server beside its time
inside Django's handler. Targets: 0 errors, p95 ≤ 200 ms for reads. Alone it writes
bench/results/<date>-load-<engine>.json and .md; `make bench` runs it after run.py's worker.
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTY, TOWNSHIP = "220581", "220581100"
TARGET_READ_P95_MS = 200
WRITE_SHARE = 10  # one request in ten is a save


def start_server(env: dict, port: int) -> subprocess.Popen:
    """The production server on 127.0.0.1:`port`: `anju serve` where this Anju has it, else
    gunicorn with 2 × cores + 1 sync workers. The one place that says how Anju is served."""
    bindir = Path(sys.executable).parent
    anju = bindir / "anju"
    probe = subprocess.run([str(anju), "help", "serve"], env=env, capture_output=True)
    if probe.returncode == 0:
        command = [str(anju), "serve", "--bind", f"127.0.0.1:{port}"]
    else:
        workers = 2 * (os.cpu_count() or 1) + 1
        command = [str(bindir / "gunicorn"), "anju.wsgi:application", "-w", str(workers),
                   "-b", f"127.0.0.1:{port}", "--graceful-timeout", "10"]
    log = open(Path(env["ANJU_DATA_DIR"]) / "load-server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                              cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status < 500:
                return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            sys.exit(f"the server stopped: see {log.name}")
    stop_server(server)
    sys.exit("the server did not answer within 60 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


# --- preparing: runs inside Django, in its own process -----------------------------------


def _prepare(requests: int) -> dict:
    import django

    sys.path.insert(0, str(ROOT / "bench"))
    django.setup()
    from django.conf import settings
    from django.core.handlers.base import BaseHandler
    from django.test import Client
    from stats_summary import _second_factor_passed

    from anju.accounts.actions import create_user
    from anju.accounts.commands import CreateUser
    from anju.accounts.models import ApiToken, User
    from anju.rectification.models import LedgerEntry
    from anju.registry.models import House

    def user(username, scope, role, department=""):
        return User.objects.filter(username=username).first() or create_user(
            CreateUser(username=username, password="x", scope=scope, role=role,
                       department=department), check_password=False)

    township = user("load_township", TOWNSHIP, "township_officer")
    county = user("load_county", COUNTY, "county_officer", "housing")
    township_client, county_client = Client(), Client()
    township_client.force_login(township)
    county_client.force_login(county)
    _second_factor_passed(county_client, county)
    houses = list(House.objects.filter(division_code__startswith=TOWNSHIP, status="standing")
                  .order_by("?").values_list("pk", flat=True)[:2000])
    entries = list(LedgerEntry.objects.filter(division_code__startswith=TOWNSHIP)
                   .exclude(status="closed").order_by("?").values_list("pk", flat=True)[:500])
    cookie = settings.SESSION_COOKIE_NAME
    # The list the server is compared with, timed inside Django's handler first.
    times: list[float] = []
    original = BaseHandler.get_response

    def timed(self, request):
        t = time.perf_counter()
        response = original(self, request)
        times.append(time.perf_counter() - t)
        return response

    BaseHandler.get_response = timed
    path = f"/registry/houses/?division={TOWNSHIP}"
    for _ in range(5):
        township_client.get(path)
    times.clear()
    for _ in range(requests):
        assert township_client.get(path).status_code == 200
    return {
        "township_cookie": f"{cookie}={township_client.cookies[cookie].value}",
        "county_cookie": f"{cookie}={county_client.cookies[cookie].value}",
        "township_token": ApiToken.issue(township)[1],
        "houses": houses, "entries": entries, "list_path": path,
        "list_in_handler_ms": round(statistics.median(times) * 1000, 2),
    }


# --- the clients ----------------------------------------------------------------------------


class Client:
    def __init__(self, port: int, plan: dict, rng: random.Random):
        self.port, self.plan, self.rng = port, plan, rng
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, headers: dict, body: bytes | None = None):
        for attempt in (1, 2):  # a worker may close a kept-alive connection between requests
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt == 2:
                    raise
        raise AssertionError

    def one(self, n: int) -> tuple[str, int, str]:
        """Sends the client's n-th request; (kind, status, the problem or "")."""
        plan, rng = self.plan, self.rng
        page = {"Cookie": plan["township_cookie"]}
        api = {"Authorization": f"Bearer {plan['township_token']}",
               "Content-Type": "application/json"}
        if n % WRITE_SHARE == WRITE_SHARE - 1:
            today = date.today().isoformat()
            if rng.random() < 0.5 or not plan["entries"]:
                kind, method = "save: inspection", "POST"
                path = f"/api/v1/houses/{rng.choice(plan['houses'])}/inspections"
                body = {"level": "township", "inspected_on": today, "inspector": "乡镇检查",
                        "findings": "房屋情况稳定"}
            else:
                kind, method = "save: measure", "POST"
                path = f"/api/v1/rectifications/{rng.choice(plan['entries'])}/measures"
                body = {"kind": "warning_sign", "started_on": today, "completed_on": today,
                        "note": "设置警示标志"}
            status, text = self.request(method, path, api, json.dumps(body).encode())
            ok = status in (200, 201)
        else:
            pick = rng.random()
            if pick < 0.4:
                kind = "township house list"
                path = f"/registry/houses/?division={TOWNSHIP}&page={rng.randint(1, 20)}"
                status, text = self.request("GET", path, page)
            elif pick < 0.75:
                kind = "house page"
                status, text = self.request(
                    "GET", f"/registry/houses/{rng.choice(plan['houses'])}/", page)
            elif pick < 0.85:
                kind = "county dashboard"
                status, text = self.request("GET", f"/reports/{COUNTY}/",
                                            {"Cookie": plan["county_cookie"]})
            else:
                kind = "house list API"
                status, text = self.request(
                    "GET", f"/api/v1/houses?division={TOWNSHIP}&page={rng.randint(1, 20)}",
                    api)
            ok = status == 200
        problem = ""
        if not ok:
            problem = f"{status} {text[:200].decode(errors='replace')}"
        if b"database is locked" in text:
            problem = "database is locked"
        return kind, status, problem


def _run_clients(port: int, plan: dict, clients: int, seconds: float) -> dict:
    samples: list[tuple[str, float, str]] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(index: int):
        client = Client(port, plan, random.Random(index))
        mine = []
        n = index  # the clients' saves fall at different moments
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                kind, _status, problem = client.one(n)
            except OSError as exc:
                kind, problem = "connection", repr(exc)
            mine.append((kind, (time.perf_counter() - started) * 1000, problem))
            n += 1
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    kinds: dict[str, list] = {}
    for kind, ms, _problem in samples:
        kinds.setdefault(kind, []).append(ms)
    errors = [(kind, problem) for kind, _ms, problem in samples if problem]
    return {
        "clients": clients, "seconds": round(elapsed, 1), "requests": len(samples),
        "throughput_per_s": round(len(samples) / elapsed, 1),
        "errors": len(errors), "error_examples": errors[:5],
        "database_locked": sum(1 for _k, p in errors if "database is locked" in p),
        "kinds": {kind: _percentiles(ms) for kind, ms in sorted(kinds.items())},
    }


def _percentiles(ms: list[float]) -> dict:
    ms = sorted(ms)

    def at(q):
        return round(ms[min(len(ms) - 1, int(len(ms) * q))], 1)

    return {"requests": len(ms), "p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def _through_server(port: int, plan: dict, requests: int) -> float:
    client = Client(port, plan, random.Random(0))
    headers = {"Cookie": plan["township_cookie"]}
    times = []
    for i in range(requests + 5):
        started = time.perf_counter()
        status, _ = client.request("GET", plan["list_path"], headers)
        assert status == 200, status
        if i >= 5:
            times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def run(env: dict, *, clients: int = 16, seconds: float = 60, port: int = 8765,
        requests: int = 30) -> dict:
    """The whole load benchmark against the database `env` names; returns the figures."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "anju.settings", **env}
    done = subprocess.run([sys.executable, __file__, "--prepare", "--requests", str(requests)],
                          env=env, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"preparing failed:\n{done.stderr[-4000:]}")
    plan = json.loads(done.stdout.strip().splitlines()[-1])
    server = start_server(env, port)
    try:
        idle = _through_server(port, plan, requests)
        result = _run_clients(port, plan, clients, seconds)
    finally:
        stop_server(server)
    log = (Path(env["ANJU_DATA_DIR"]) / "load-server.log").read_text(errors="replace")
    result["database_locked_in_log"] = log.count("database is locked")
    result["list"] = {"path": plan["list_path"], "in_handler_ms": plan["list_in_handler_ms"],
                      "through_server_ms": idle}
    reads = [k for k in result["kinds"] if not k.startswith("save")]
    result["reads_p95_ms"] = max(result["kinds"][k]["p95_ms"] for k in reads)
    result["target_read_p95_ms"] = TARGET_READ_P95_MS
    result["server"] = "anju serve" if "anju serve" in log else (
        f"gunicorn, {2 * (os.cpu_count() or 1) + 1} workers")
    return result


def markdown(results: list[tuple[str, dict]]) -> list[str]:
    lines = ["Under load (bench/load.py): concurrent clients through the production server for "
             "the stated seconds, a township officer and a county officer, one request in ten a "
             "save; milliseconds as the client sees them.", "",
             "| engine | server | clients | requests/s | errors | database locked "
             "| reads p95 (target ≤ 200 ms) | list idle: server / handler |",
             "|---|---|---|---|---|---|---|---|"]
    for engine, r in results:
        lines.append(f"| {engine} | {r['server']} | {r['clients']} × {r['seconds']} s "
                     f"| {r['throughput_per_s']} | {r['errors']} "
                     f"| {r['database_locked'] + r['database_locked_in_log']} "
                     f"| {r['reads_p95_ms']} ms | {r['list']['through_server_ms']} / "
                     f"{r['list']['in_handler_ms']} ms |")
    lines += ["", "| engine | kind | requests | p50 | p95 | p99 |", "|---|---|---|---|---|---|"]
    for engine, r in results:
        for kind, p in r["kinds"].items():
            lines.append(f"| {engine} | {kind} | {p['requests']} | {p['p50_ms']} ms "
                         f"| {p['p95_ms']} ms | {p['p99_ms']} ms |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="the data folder of a seeded county")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    if args.prepare:
        print(json.dumps(_prepare(args.requests)))
        return
    if not args.data:
        parser.error("--data is required")
    result = run({"ANJU_DATA_DIR": args.data}, clients=args.clients, seconds=args.seconds,
                 port=args.port, requests=args.requests)
    engine = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") \
        else "sqlite"
    print(json.dumps(result, ensure_ascii=False, indent=1))
    print("\n".join(markdown([(engine, result)])))
    stem = ROOT / "bench" / "results" / f"{date.today().isoformat()}-load-{engine}"
    stem.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    stem.with_suffix(".md").write_text("\n".join(markdown([(engine, result)])))


if __name__ == "__main__":
    main()
