"""`anju serve` as a county server runs it: web, task worker and scheduler, one SIGTERM away
from a clean stop."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from anju.exchange.tests.realworker import worker_database  # noqa: F401 - a fixture
from anju.operations.processes import descendants, free_port

# The server runs on a copy of the test database; the mark has the test database made.
pytestmark = pytest.mark.django_db






def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _command(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_serve_runs_web_worker_and_scheduler_and_sigterm_stops_them_all(worker_database):  # noqa: F811
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**worker_database.env, "ANJU_MIN_FREE_DISK_MB": "1"}
    serve = subprocess.Popen([sys.executable, "-m", "anju.cli", "serve", "--bind",
                              f"127.0.0.1:{port}", "--workers", "2", "--stop-timeout", "20"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
    try:
        _wait(lambda: _get(f"{base}/readyz") == (200, {"status": "ok"}), 120, "/readyz ready")
        children = descendants(serve.pid)
        commands = sorted(_command(pid) for pid in children)
        assert sum("gunicorn" in c for c in commands) == 3  # the master and two web workers
        assert sum("anju.cli worker --interval " in c for c in commands) == 1
        assert sum(c.endswith("anju.cli scheduler ") for c in commands) == 1

        # A task worker killed with SIGKILL is started again.
        worker = next(p for p in children if " worker " in _command(p))
        os.kill(worker, signal.SIGKILL)
        _wait(lambda: any(" worker " in _command(p) for p in descendants(serve.pid)
                          if p != worker), 20, "a new task worker")

        everything = descendants(serve.pid)
        serve.send_signal(signal.SIGTERM)
        out, _ = serve.communicate(timeout=40)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
    assert serve.returncode == 0, out
    assert [pid for pid in everything if _alive(pid)] == []
    assert '"event": "serve.stop"' in out and "serve.kill" not in out
