"""A task worker killed with SIGKILL in the middle of an import: the job is not left half-done
for ever; `jobs_resume` (run by `anju serve` at start and when a worker dies) queues it again,
the next worker finishes it, and every row is written once."""

import os
import selectors
import signal
import subprocess
import sys
import time

import pytest

from anju.exchange.tests.realworker import worker_database  # noqa: F401 - a fixture
from anju.operations.tests.test_schedule import _sql

pytestmark = pytest.mark.django_db  # the worker uses a copy of the test database
ROWS = 40


def _until_started(process, seconds: float = 90) -> list[str]:
    lines = []
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and selector.select(deadline - time.monotonic()):
            line = process.stdout.readline()
            lines.append(line)
            if not line or line == "STARTED\n":
                break
    return lines


def _anju(database, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "anju.cli", *args], env=database.env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_an_import_whose_worker_was_killed_is_queued_again_and_finished_once(
        worker_database):  # noqa: F811
    households = "SELECT COUNT(*) FROM registry_household"
    before = _sql(worker_database, households)[0][0]
    stuck = subprocess.Popen([sys.executable, "-m", "anju.operations.tests.stuckjob", "import",
                              str(ROWS)], env=worker_database.env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        seen = _until_started(stuck)
    finally:
        os.killpg(stuck.pid, signal.SIGKILL)  # the worker: no handler, no finally runs
        stuck.wait()
    assert seen[-1:] == ["STARTED\n"], "".join(seen) + stuck.stdout.read()
    job = "SELECT status, attempts FROM exchange_job ORDER BY id DESC LIMIT 1"
    assert _sql(worker_database, job) == [("running", 1)]

    assert _anju(worker_database, "jobs_resume").startswith("重新排队 1 个任务")
    assert _sql(worker_database, job) == [("queued", 1)]
    _anju(worker_database, "db_worker", "--batch", "--no-startup-delay", "--no-reload",
          "--interval", "0")
    assert _sql(worker_database, job) == [("succeeded", 2)]
    assert _sql(worker_database, households)[0][0] == before + ROWS
