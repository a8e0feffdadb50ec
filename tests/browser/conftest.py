"""Browser tests: a real server on a temporary database, driven by Debian's Chromium.

Run apart from the other tests (`pytest -q tests/browser`): they start `anju serve`
in a subprocess on a database of their own, so nothing here touches the test database.
"""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect

from anju.operations.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "Demo@2026!"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _browser_database(url: str) -> str:
    """A database of the browser run's own beside the one in DATABASE_URL, made afresh."""
    import psycopg

    name = "anju_browser"
    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return urlunsplit(parts._replace(path=f"/{name}"))


def _run(env, *args):
    result = subprocess.run([str(BIN / "anju"), *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"anju {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


SEEDED: dict[str, str] = {}


@pytest.fixture(scope="session")
def seeded(server) -> dict[str, str]:
    """What seed.py made that a test reaches by its id or token ("seeded-value NAME VALUE")."""
    return SEEDED


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The base URL of a running Anju with the demo county and the seeded records."""
    data_dir = tmp_path_factory.mktemp("anju-browser")
    # The demo users as `make demo` serves them: no second factor required (docs/security.md).
    env = {**os.environ, "ANJU_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
           "ANJU_REQUIRE_TOTP": "false"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        env["DATABASE_URL"] = _browser_database(os.environ["DATABASE_URL"])
    _run(env, "demo", "--no-serve", "--households", "200", "--data-dir", str(data_dir))
    seeded = subprocess.run([sys.executable, str(Path(__file__).with_name("seed.py"))],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    SEEDED.update(line.split()[1:3] for line in seeded.stdout.splitlines()
                  if line.startswith("seeded-value "))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env["ANJU_CSRF_TRUSTED_ORIGINS"] = base
    log = open(data_dir / "server.log", "w")
    # The production server with its task worker, as a county runs it (`anju serve`); without
    # the schedule, whose sweeps would move the seeded records under the tests.
    process = subprocess.Popen([str(BIN / "anju"), "serve", "--bind", f"127.0.0.1:{port}",
                                "--workers", "3", "--task-interval", "0.2", "--no-scheduler"],
                               env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120  # a busy machine starts gunicorn slowly
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((data_dir / "server.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()  # anju serve stops its web and task workers
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.failed_call = report.failed
    return report


@pytest.fixture
def page(request, chromium, server):
    """A fresh page (its own cookies) at desktop size; a screenshot is kept on failure."""
    context = chromium.new_context(base_url=server, locale="zh-CN",
                                   viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    if getattr(request.node, "failed_call", False):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(scope="session")
def log_in():
    """log_in(page, username): sign in through the login page as a clerk does."""

    def sign_in(page, username: str, password: str = PASSWORD) -> None:
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/$"))

    return sign_in


@pytest.fixture(scope="session")
def shot():
    """shot(page, name): keep a full-page screenshot in test-artifacts/ to look at."""

    def take(page, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


SOMEWHERE = (42.53, 125.67)  # a house with no recorded position is not judged by distance


def capture_on_site(page, act_label: str, seed: int) -> None:
    """ADR 0048: from the case page, the official's phone captures the act at the house (a
    camera photo, a good fix where the house is recorded), then back to the case page; the
    act's form then offers that capture."""
    import io
    import random

    from PIL import Image

    back = page.url
    page.get_by_role("link", name=f"手机现场取证（{act_label}）").click()
    position = page.locator("[data-house-position]")
    lat, lng = SOMEWHERE
    if position.count():
        lat, lng = float(position.get_attribute("data-lat")), float(
            position.get_attribute("data-lng"))
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": lat, "longitude": lng, "accuracy": 8})
    page.reload()
    expect(page.locator("[data-gps-status]")).to_contain_text("已定位")
    rng = random.Random(seed)
    small = Image.new("L", (16, 12))
    small.putdata([rng.randrange(256) for _ in range(16 * 12)])
    out = io.BytesIO()
    small.resize((640, 480)).convert("RGB").save(out, "JPEG", quality=85)
    page.locator("#camera").set_input_files(
        {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()})
    page.get_by_role("button", name="提交取证").click()
    page.wait_for_url(re.compile(r"/evidence/\d+/$"))
    expect(page.locator("h1")).to_contain_text("无疑点")
    page.goto(back)


@pytest.fixture
def on_site():
    """on_site(page, act label, seed): capture_on_site as a fixture for the tests."""
    return capture_on_site


# The accessibility check's pages are independent of one another and many; the other files are
# flows whose tests may follow one another.
SPLIT_BY_TEST = {"test_accessibility.py"}


def pytest_collection_modifyitems(config, items):
    """ANJU_BROWSER_SHARD=K/N keeps one share of the browser tests, so that `make test` runs
    each once across its two databases: whole files in turn, and the pages of the
    accessibility check one by one (scripts/test.sh)."""
    shard = os.environ.get("ANJU_BROWSER_SHARD")
    if not shard:
        return
    k, n = map(int, shard.split("/"))
    files = sorted({item.path.name for item in items} - SPLIT_BY_TEST)
    seen: dict[str, int] = {}
    keep, drop = [], []
    for item in items:
        name = item.path.name
        if name in SPLIT_BY_TEST:
            index = seen[name] = seen.get(name, -1) + 1
        else:
            index = files.index(name)
        (keep if index % n == k else drop).append(item)
    config.hook.pytest_deselected(items=drop)
    items[:] = keep
