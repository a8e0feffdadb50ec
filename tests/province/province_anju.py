"""Anju as the province tests drive it: management commands and `anju serve` in subprocesses,
pointed at the province's servers by the environment (ADR 0043), and a small HTTP client with
a cookie jar, as a clerk's browser.

The province's addresses come from these variables (the harness sets them):
ANJU_PROVINCE_PRIMARY_URL, ANJU_PROVINCE_REPLICA_URL, ANJU_PROVINCE_POOLER_URL, ANJU_PROVINCE_DIR.
"""

import contextlib
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest

from anju.operations.processes import descendants, free_port

ANJU = str(Path(sys.executable).with_name("anju"))
COUNTY = "220582"  # 集安市: these tests' own county, away from other province tests' rows
CLERK, VIEWER = "jian_clerk", "jian_viewer"
PASSWORD = "Province@Test-2026"
# The same keys for every Anju process on the province's database: rows one process encrypts,
# another reads.
KEYS = {
    "ANJU_SECRET_KEY": "province-test-secret-key-" + "x" * 40,
    "ANJU_FIELD_KEYS": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "ANJU_LOOKUP_KEY": "province-test-lookup-key",
}


def need(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: the province tests run against the servers of "
                    "`make test-province` (scripts/province.sh), which sets ANJU_PROVINCE_*")
    return value


def connect(url: str, **kwargs) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=True, prepare_threshold=None, **kwargs)


def base_env(data_dir: Path, database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANJU_", "DATABASE_URL", "DJANGO_"))}
    env.update(KEYS, DATABASE_URL=database_url, ANJU_DATA_DIR=str(data_dir),
               ANJU_REQUIRE_TOTP="false", ANJU_TASK_BACKEND="django_tasks_db.DatabaseBackend",
               ANJU_LOG_LEVEL="WARNING")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def anju(env: dict, *args: str, timeout: float = 600) -> str:
    done = subprocess.run([ANJU, *args], env=env, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode:
        raise AssertionError(f"anju {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(houses: int) -> None:
    """Migrate the province's empty database and add this county's users and houses, once:
    under an advisory lock on the primary (taken directly, never through the pooler), and
    only what is missing, so several test modules and runs can share the database."""
    primary = need("ANJU_PROVINCE_PRIMARY_URL")
    data_dir = Path(need("ANJU_PROVINCE_DIR")) / "setup"
    env = base_env(data_dir, primary)
    with connect(primary) as conn:
        conn.execute("SELECT pg_advisory_lock(43043)")
        try:
            anju(env, "migrate", "--no-input")
            have = conn.execute("SELECT count(*) FROM divisions_division WHERE code = %s",
                                [COUNTY]).fetchone()[0]
            if not have:
                anju(env, "load_divisions", "22")
            for username, role in ((CLERK, "county_officer"), (VIEWER, "county_officer")):
                if not conn.execute("SELECT 1 FROM accounts_user WHERE username = %s",
                                    [username]).fetchone():
                    anju(env, "adduser", username, "--password", PASSWORD, "--scope", COUNTY,
                         "--role", role, "--department", "housing")
            count = conn.execute("SELECT count(*) FROM registry_house WHERE division_code "
                                 "LIKE %s", [COUNTY + "%"]).fetchone()[0]
            if count < houses:
                anju(env, "seed", "--houses", str(houses - count), "--division", COUNTY)
        finally:
            conn.execute("SELECT pg_advisory_unlock(43043)")






class Server:
    """`anju serve` with one web worker, on a free loopback port."""

    def __init__(self, database_url: str, **settings):
        self.port = free_port()
        self.dir = Path(need("ANJU_PROVINCE_DIR")) / f"serve-{uuid.uuid4().hex[:8]}"
        self.dir.mkdir(parents=True)
        self.env = base_env(self.dir, database_url, ANJU_REQUEST_LOG="false",
                            ANJU_ALLOWED_HOSTS="127.0.0.1",
                            ANJU_CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{self.port}",
                            **settings)
        self.log = self.dir / "serve.log"
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [ANJU, "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--task-workers", "1", "--no-scheduler", "--stop-timeout", "5"],
            env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"anju serve stopped:\n{self.log.read_text()}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url("/healthz"), timeout=2):
                    return self
            time.sleep(0.3)
        raise AssertionError(f"anju serve did not answer:\n{self.log.read_text()}")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for pid in descendants(self.process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.kill()
            self.process.wait()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def web_worker(self) -> int:
        """The gunicorn worker (the child of the gunicorn master) that serves the pages."""
        for pid in descendants(self.process.pid):
            try:
                parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                command = Path(f"/proc/{pid}/cmdline").read_text()
                parent_command = Path(f"/proc/{parent}/cmdline").read_text()
            except OSError:
                continue
            if "gunicorn" in command and "gunicorn" in parent_command:
                return pid
        raise AssertionError("no gunicorn worker found")

    def text_of_log(self) -> str:
        return self.log.read_text(errors="replace")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024


class Browser:
    """A clerk's browser: cookies, the CSRF token, signed in through the login page."""

    def __init__(self, server: Server):
        self.server = server
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    def get(self, path: str, **query) -> tuple[int, str]:
        url = self.server.url(path) + (f"?{urllib.parse.urlencode(query)}" if query else "")
        try:
            with self.opener.open(url, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def stream(self, path: str) -> tuple[int, int]:
        """GET a download, reading it in pieces: (status, bytes)."""
        size = 0
        with self.opener.open(self.server.url(path), timeout=600) as response:
            while piece := response.read(1 << 16):
                size += len(piece)
            return response.status, size

    def post(self, path: str, data: dict) -> tuple[int, str]:
        data = {**data, "csrfmiddlewaretoken": self.cookie("csrftoken") or ""}
        request = urllib.request.Request(
            self.server.url(path), data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.server.url(path)})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def sign_in(self, username: str) -> "Browser":
        self.get("/login/")
        status, body = self.post("/login/", {"username": username, "password": PASSWORD})
        assert status == 200 and self.cookie("sessionid"), body[:2000]
        return self


FORM_FIELDS = ("division_code", "address", "structure", "floors", "built_year", "build_method",
               "floor_area", "use", "business_sector", "occupancy")


def house_row(url: str, house_id: int) -> dict:
    with connect(url) as conn:
        cursor = conn.execute(
            f"SELECT version, household_id, is_only_house, {', '.join(FORM_FIELDS)} "
            "FROM registry_house WHERE id = %s", [house_id])
        names = [c.name for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def edit_house(browser: Browser, url: str, house_id: int, **changes) -> int:
    """Save a house through its edit page, as a clerk does; the status of the POST."""
    row = house_row(url, house_id)
    data = {k: "" if v is None else str(v) for k, v in row.items()
            if k not in ("household_id", "is_only_house")}
    data.update(household_id=row["household_id"] or "", lat="", lng="")
    if row["is_only_house"]:
        data["is_only_house"] = "on"
    data.update({k: str(v) for k, v in changes.items()})
    browser.get(f"/registry/houses/{house_id}/edit")
    status, _ = browser.post(f"/registry/houses/{house_id}/edit", data)
    return status


def county_houses(url: str, count: int) -> list[int]:
    """The first `count` houses of the tests' county, by id."""
    with connect(url) as conn:
        return [r[0] for r in conn.execute(
            "SELECT id FROM registry_house WHERE division_code LIKE %s ORDER BY id LIMIT %s",
            [COUNTY + "%", count])]


def wait_until(check, *, seconds: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.2)
