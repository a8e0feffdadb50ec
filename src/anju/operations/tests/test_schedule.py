"""The built-in schedule: each job once per period, however many schedulers race for it."""

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from anju.exchange.liveness import this_worker
from anju.exchange.tests.realworker import worker_database  # noqa: F401 - a fixture
from anju.operations.models import RunStatus, ScheduledRun
from anju.operations.schedule import BY_NAME, JOBS, current_period, next_run, run_due

LOCAL = ZoneInfo("Asia/Shanghai")
JOB_NAMES = sorted(job.name for job in JOBS)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LOCAL)


def test_a_daily_job_period_starts_at_its_time_of_day():
    sweep = BY_NAME["ledger_sweep"]  # daily at 01:00
    assert current_period(sweep, at("2026-12-05 00:59")) == at("2026-12-04 01:00")
    assert current_period(sweep, at("2026-12-05 01:00")) == at("2026-12-05 01:00")
    assert next_run(sweep, at("2026-12-05 13:00")) == at("2026-12-06 01:00")


@pytest.mark.django_db
def test_each_job_runs_once_per_period_and_again_the_next_day():
    first = run_due(at("2026-12-05 09:00"))
    assert sorted(run.job for run in first) == JOB_NAMES
    assert {run.status for run in first} == {RunStatus.OK}
    # same period (the hourly jobs too): nothing runs twice
    assert run_due(at("2026-12-05 09:30")) == []
    second = run_due(at("2026-12-06 09:00"))
    assert sorted(run.job for run in second) == JOB_NAMES
    assert ScheduledRun.objects.count() == 2 * len(JOBS)


@pytest.mark.django_db
def test_after_three_days_down_each_missed_job_runs_once_not_three_times():
    run_due(at("2026-12-01 09:00"))
    caught_up = run_due(at("2026-12-05 09:00"))
    assert sorted(run.job for run in caught_up) == JOB_NAMES
    assert {run.period for run in caught_up if run.job == "ledger_sweep"} == {
        at("2026-12-05 01:00")}
    assert ScheduledRun.objects.count() == 2 * len(JOBS)


@pytest.mark.django_db
def test_a_failing_job_is_recorded_as_failed_with_its_message(monkeypatch):
    from anju.operations import schedule

    def broken(name, *args, **kwargs):
        if name == "field_prune":
            raise RuntimeError("磁盘已满")

    monkeypatch.setattr(schedule, "call_command", broken)
    runs = {run.job: run for run in run_due(at("2026-12-05 09:00"))}
    assert runs["field_prune"].status == RunStatus.FAILED
    assert runs["field_prune"].message == "RuntimeError: 磁盘已满"
    assert runs["ledger_sweep"].status == RunStatus.OK  # the others still ran


def _dead_worker() -> str:
    """The host:pid:start of a process that was killed with SIGKILL."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    stat = open(f"/proc/{process.pid}/stat").read().rsplit(")", 1)[1].split()
    process.kill()
    process.wait()
    return f"{this_worker().split(':')[0]}:{process.pid}:{stat[19]}"


@pytest.mark.django_db
def test_a_job_whose_scheduler_was_killed_runs_again_once_under_the_same_claim():
    now = at("2026-12-05 09:00")
    period = current_period(BY_NAME["stats_refresh"], now)
    left = ScheduledRun.objects.create(job="stats_refresh", period=period,
                                       worker=_dead_worker(), started_at=now, heartbeat_at=now)
    runs = [run for run in run_due(now) if run.job == "stats_refresh"]
    assert [(run.pk, run.status, run.attempts) for run in runs] == [
        (left.pk, RunStatus.OK, 2)]
    assert ScheduledRun.objects.filter(job="stats_refresh").count() == 1
    assert [run.job for run in run_due(now)] == []


@pytest.mark.django_db
def test_a_job_running_in_a_live_scheduler_is_not_taken_over():
    now = timezone.now()
    period = current_period(BY_NAME["jobs_prune"], now)
    ScheduledRun.objects.create(job="jobs_prune", period=period, worker=this_worker(),
                                started_at=now, heartbeat_at=now)
    assert "jobs_prune" not in [run.job for run in run_due(now)]
    assert ScheduledRun.objects.get(job="jobs_prune").status == RunStatus.RUNNING


@pytest.mark.django_db
def test_a_claim_with_a_stopped_heartbeat_from_another_machine_is_taken_over():
    now = timezone.now()
    period = current_period(BY_NAME["jobs_prune"], now)
    ScheduledRun.objects.create(job="jobs_prune", period=period, worker="other-host:42:1",
                                started_at=now - timedelta(hours=1),
                                heartbeat_at=now - timedelta(hours=1))
    assert "jobs_prune" in [run.job for run in run_due(now)]
    assert ScheduledRun.objects.get(job="jobs_prune").attempts == 2


@pytest.mark.django_db
def test_anju_schedule_lists_each_job_with_its_last_outcome_and_next_run(capsys):
    run_due()
    call_command("schedule")
    out = capsys.readouterr().out
    for job in JOBS:
        line = next(line for line in out.splitlines() if line.startswith(job.name))
        assert "成功" in line and f"{job.at:%H:%M}" in line


def _runs(database) -> list[tuple[str, str]]:
    query = "SELECT job, status FROM operations_scheduledrun ORDER BY job"
    if database.vendor == "sqlite":
        with sqlite3.connect(database.url.removeprefix("sqlite:///")) as conn:
            return conn.execute(query).fetchall()
    import psycopg

    with psycopg.connect(database.url) as conn:
        return conn.execute(query).fetchall()


@pytest.mark.django_db  # the schedulers run on a copy of the test database
def test_two_schedulers_racing_run_each_job_exactly_once(worker_database):  # noqa: F811
    racers = [subprocess.Popen([sys.executable, "-m", "anju.cli", "scheduler", "--once"],
                               env=worker_database.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [racer.communicate(timeout=120)[0] for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    ran = sorted(line.split(":")[0] for out in outputs for line in out.splitlines()
                 if ": ok" in line)
    assert ran == JOB_NAMES
    assert _runs(worker_database) == [(name, "ok") for name in JOB_NAMES]
