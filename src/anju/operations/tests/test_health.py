"""/readyz, the JSON request log and `anju check --deploy`, as an operator meets them."""

import json
import logging
from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.test import Client
from django.utils import timezone

from anju.conftest import valid_id_number
from anju.operations.heartbeat import beat
from anju.operations.logs import JsonFormatter
from anju.operations.models import WorkerBeat
from anju.operations.schedule import run_due


def readyz():
    response = Client().get("/readyz")
    return response.status_code, response.json()


@pytest.fixture
def running(db, settings, tmp_path):
    """A worker beating and every scheduled job run in its current period."""
    settings.MEDIA_ROOT = tmp_path
    settings.MIN_FREE_DISK_MB = 1
    beat("host:1:1")
    run_due()


def test_ready_when_the_worker_beats_and_the_schedule_is_on_time(running):
    assert readyz() == (200, {"status": "ok"})


def test_not_ready_when_the_worker_heartbeat_stops_and_it_says_so(running):
    WorkerBeat.objects.update(beat_at=timezone.now() - timedelta(minutes=2))
    status, body = readyz()
    assert status == 503
    assert [reason["code"] for reason in body["reasons"]] == ["worker_down"]
    assert body["reasons"][0]["message"] == "后台任务进程超过 60 秒没有心跳"


def test_not_ready_when_no_worker_ever_started(db, settings, tmp_path):
    settings.MEDIA_ROOT, settings.MIN_FREE_DISK_MB = tmp_path, 1
    run_due()
    assert [r["code"] for r in readyz()[1]["reasons"]] == ["worker_down"]


def test_not_ready_when_a_scheduled_job_missed_its_period(running):
    from anju.operations.models import ScheduledRun

    ScheduledRun.objects.filter(job="stats_refresh").update(
        period=timezone.now() - timedelta(days=2))
    status, body = readyz()
    assert status == 503
    assert [(r["code"], r["job"]) for r in body["reasons"]] == [("schedule_late", "stats_refresh")]


def test_not_ready_when_the_uploads_disk_is_nearly_full(running, settings):
    settings.MIN_FREE_DISK_MB = 10**12
    assert [r["code"] for r in readyz()[1]["reasons"]] == ["disk_low"]


def test_healthz_answers_without_a_worker(db):
    assert Client().get("/healthz").json() == {"status": "ok"}


@pytest.fixture
def request_log():
    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(JsonFormatter().format(record)))

    handler = Collect()
    logger = logging.getLogger("anju.request")
    logger.addHandler(handler)
    yield lines
    logger.removeHandler(handler)


def test_a_request_is_one_json_line_with_its_id_user_and_duration_and_no_id_number(
        cast, browser, request_log):
    number = valid_id_number()
    client = browser(cast.shancheng)
    response = client.get(f"/registry/households/{number}/?id_number={number}&page=2",
                          headers={"X-Request-ID": "req-42"})
    assert response["X-Request-ID"] == "req-42"
    [line] = request_log
    assert line["request_id"] == "req-42"
    assert line["user_id"] == cast.shancheng.pk
    assert line["method"] == "GET" and line["status"] == response.status_code
    assert line["path"] == "/registry/households/***/"
    assert line["query_keys"] == ["id_number", "page"]
    assert line["duration_ms"] > 0
    assert number not in json.dumps(line) and number[6:14] not in json.dumps(line)


def test_a_request_without_an_id_is_given_one(db, request_log):
    response = Client().get("/healthz", headers={"X-Request-ID": "bad id; drop"})
    assert len(response["X-Request-ID"]) == 32
    assert request_log[0]["request_id"] == response["X-Request-ID"]


def _deploy_codes() -> set[str]:
    return {m.id for m in run_checks(include_deployment_checks=True)
            if m.id and m.id.startswith("anju.")}


def test_check_deploy_names_what_a_county_server_lacks(settings, tmp_path):
    settings.KEYS_FROM_ENVIRONMENT = False
    settings.REQUIRE_TOTP = False
    settings.HTTPS = False
    settings.DEBUG = True
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    tmp_path.chmod(0o755)
    assert _deploy_codes() == {"anju.W001", "anju.W002", "anju.E003", "anju.E005",
                               "anju.W003"}


def test_check_deploy_is_clean_for_a_county_server_set_up_as_the_guide_says(settings, tmp_path):
    settings.KEYS_FROM_ENVIRONMENT = True
    settings.REQUIRE_TOTP = True
    settings.HTTPS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.DEBUG = False
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    tmp_path.chmod(0o750)
    assert _deploy_codes() == set()


def test_a_fresh_install_makes_its_data_folder_private_and_check_deploy_does_not_warn(tmp_path):
    import os
    import stat
    import subprocess
    import sys

    data = tmp_path / "var" / "anju"
    env = {k: v for k, v in os.environ.items()
           if k not in ("ANJU_MEDIA_ROOT", "DATABASE_URL", "ANJU_SECRET_KEY", "ANJU_FIELD_KEYS",
                        "ANJU_LOOKUP_KEY")}
    checked = subprocess.run(
        [sys.executable, "-c", "from anju.cli import main; main()", "check", "--deploy"],
        env={**env, "ANJU_DATA_DIR": str(data)}, capture_output=True, text=True, timeout=120)
    assert "anju.W003" not in checked.stdout + checked.stderr
    assert "anju.W001" in checked.stdout + checked.stderr  # the check ran: keys are files here
    modes = {path.name: stat.S_IMODE(path.stat().st_mode)
             for path in (data, data / "media", data / "secret.key")}
    assert modes == {"anju": 0o700, "media": 0o700, "secret.key": 0o600}
