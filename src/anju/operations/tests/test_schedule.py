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
from anju.operations.schedule import (
    BY_NAME,
    JOBS,
    RESUME,
    current_period,
    next_run,
    run_due,
    run_now,
)

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


@pytest.mark.django_db
def test_resuming_left_jobs_at_start_is_a_run_anju_schedule_shows_with_its_outcome(capsys):
    run = run_now(RESUME, at("2026-12-05 08:15"))
    assert (run.job, run.status, run.message) == ("jobs_resume", RunStatus.OK, "重新排队 0 个任务")
    call_command("schedule")
    line = next(line for line in capsys.readouterr().out.splitlines()
                if line.startswith("jobs_resume"))
    assert line.split()[1:5] == ["start", "2026-12-05", "08:15", "成功"]
    assert line.endswith("（anju serve 启动时）")
    assert "jobs_resume" not in [run.job for run in run_due(at("2026-12-05 09:00"))]


@pytest.mark.django_db
def test_a_failed_resume_at_start_is_recorded_as_failed(monkeypatch):
    from anju.exchange.management.commands import jobs_resume

    def broken(**kwargs):
        raise RuntimeError("数据库只读")

    monkeypatch.setattr(jobs_resume, "resume_stale", broken)
    run = run_now(RESUME)
    assert (run.status, run.message) == (RunStatus.FAILED, "RuntimeError: 数据库只读")


def _sql(database, query: str, params: tuple = ()) -> list[tuple]:
    if database.vendor == "sqlite":
        with sqlite3.connect(database.url.removeprefix("sqlite:///")) as conn:
            return conn.execute(query, params).fetchall()
    import psycopg

    with psycopg.connect(database.url) as conn:
        cursor = conn.execute(query.replace("?", "%s"), params)
        return cursor.fetchall() if cursor.description else []


def _runs(database) -> list[tuple[str, str]]:
    return _sql(database, "SELECT job, status FROM operations_scheduledrun ORDER BY job")


def _racing_schedulers(database) -> list[str]:
    """Two `anju scheduler --once` started together; the jobs each one ran, in one list."""
    racers = [subprocess.Popen([sys.executable, "-m", "anju.cli", "scheduler", "--once"],
                               env=database.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [racer.communicate(timeout=120)[0] for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    return sorted(line.split(":")[0] for out in outputs for line in out.splitlines()
                  if ": ok" in line)


@pytest.mark.django_db  # the schedulers run on a copy of the test database
def test_two_schedulers_racing_run_each_job_exactly_once(worker_database):  # noqa: F811
    _sql(worker_database, "DELETE FROM operations_scheduledrun")
    assert _racing_schedulers(worker_database) == JOB_NAMES
    assert _runs(worker_database) == [(name, "ok") for name in JOB_NAMES]


@pytest.mark.django_db  # the scheduler and its job run on a copy of the test database
def test_a_scheduler_killed_mid_job_leaves_it_unfinished_and_it_runs_again_once(
        worker_database):  # noqa: F811
    _sql(worker_database, "DELETE FROM operations_scheduledrun")
    stuck = subprocess.Popen([sys.executable, "-m", "anju.operations.tests.stuckjob",
                              "schedule", "stats_refresh"], env=worker_database.env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert stuck.stdout.readline().strip() == "STARTED", stuck.stdout.read()
    finally:
        stuck.kill()  # SIGKILL: no handler, no finally, no outcome written
        stuck.wait()
    left = "SELECT status, attempts, finished_at IS NULL FROM operations_scheduledrun " \
           "WHERE job = ?"
    assert _sql(worker_database, left, ("stats_refresh",)) == [("running", 1, 1)]
    # Two schedulers (another process, another machine) find it: one takes it over and
    # runs it; the other jobs of the period run once each as well.
    assert _racing_schedulers(worker_database) == JOB_NAMES
    assert _sql(worker_database, left, ("stats_refresh",)) == [("ok", 2, 0)]
    assert _racing_schedulers(worker_database) == []  # and never again in this period
