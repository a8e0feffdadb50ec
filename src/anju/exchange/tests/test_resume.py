"""A job left by a worker that stopped (a restart, a crash) is queued again and finishes with
every row written once: a good-rows import goes on after its last committed rows, an
all-or-nothing import takes back what it wrote and starts again from the first row."""

import socket
import subprocess
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from anju.exchange import jobs, liveness, runner
from anju.exchange.importers import HouseholdImporter
from anju.exchange.models import Job, JobError
from anju.exchange.tests.conftest import HOUSEHOLD_HEADER, household_row, upload, xlsx
from anju.registry.models import Household, RecordEvent

pytestmark = pytest.mark.django_db


class WorkerStopped(BaseException):
    """The process running the job ends (not an error the job could report)."""


def rows(n: int, bad: int | None = None):
    made = [household_row(name=f"户主{i}", phone=f"139000000{i:02d}") for i in range(n)]
    if bad is not None:
        made[bad][4] = 99  # persons out of range
    return made


def stop_worker(monkeypatch, method: str, on_call: int):
    original = getattr(HouseholdImporter, method)
    calls = {"n": 0}

    def stopping(self, *args):
        calls["n"] += 1
        if calls["n"] == on_call:
            raise WorkerStopped()
        return original(self, *args)

    monkeypatch.setattr(HouseholdImporter, method, stopping)
    return lambda: monkeypatch.setattr(HouseholdImporter, method, original)


def ended_worker() -> str:
    """The record of a worker process that was killed (as this host's jobs record them)."""
    process = subprocess.Popen(["sleep", "60"])
    try:
        state, started = liveness._process(process.pid)
    finally:
        process.kill()
        process.wait()
    return f"{socket.gethostname()}:{process.pid}:{started}"


def left_running(job_id: int) -> Job:
    job = Job.objects.get(pk=job_id)
    assert job.status == "running"
    Job.objects.filter(pk=job_id).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    return job


def test_a_good_rows_import_goes_on_after_its_last_committed_chunk(api, cast, monkeypatch):
    monkeypatch.setattr(runner, "CHUNK", 2)
    restore = stop_worker(monkeypatch, "check", on_call=2)  # while checking rows 4-5
    client = api(cast.shancheng)
    r = upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows(5, bad=0)), mode="good_rows")
    job = left_running(r.json()["job_id"])
    assert (job.resume_row, job.progress, job.error_count) == (3, 2, 1)
    assert Household.objects.count() == 1  # row 3; row 2 is bad
    restore()
    call_command("jobs_resume")
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress, job.error_count) == ("succeeded", 2, 5, 1)
    assert job.summary["created"] == 4
    assert Household.objects.count() == 4
    assert RecordEvent.objects.count() == 4
    assert list(JobError.objects.filter(job=job).values_list("row", "field")) == [(2, "persons")]


def test_an_all_or_nothing_import_takes_back_what_it_wrote_and_starts_again(api, cast,
                                                                           monkeypatch):
    monkeypatch.setattr(runner, "CHUNK", 2)
    monkeypatch.setattr(runner, "FIRST_BATCH", 2)
    monkeypatch.setattr(runner, "MAX_BATCH", 2)
    restore = stop_worker(monkeypatch, "write", on_call=2)  # in the middle of writing
    client = api(cast.shancheng)
    r = upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows(5)))
    job = left_running(r.json()["job_id"])
    assert job.stage == "writing"
    first = list(Household.objects.values_list("pk", flat=True))
    assert len(first) == 2 and job.written == [[min(first), max(first)]]
    restore()
    assert jobs.resume_stale() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress, job.written) == ("succeeded", 2, 5, [])
    assert Household.objects.count() == 5  # the first two taken back, then written again
    assert RecordEvent.objects.count() == 5


def test_a_job_whose_worker_process_is_gone_is_queued_again_without_waiting(api, cast,
                                                                          monkeypatch):
    restore = stop_worker(monkeypatch, "check", on_call=1)
    client = api(cast.shancheng)
    r = upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows(2)))
    job = Job.objects.get(pk=r.json()["job_id"])
    assert job.status == "running" and job.worker == liveness.this_worker()
    Job.objects.filter(pk=job.pk).update(worker=ended_worker())
    restore()
    call_command("jobs_resume")  # the heartbeat is fresh: only the process tells
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress) == ("succeeded", 2, 2)
    assert Household.objects.count() == 2


def test_a_job_whose_worker_is_alive_is_not_taken_over(api, cast, monkeypatch):
    stop_worker(monkeypatch, "check", on_call=1)
    client = api(cast.shancheng)
    r = upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows(2)))
    assert jobs.resume_stale() == []
    assert Job.objects.get(pk=r.json()["job_id"]).attempts == 1


def test_a_superseded_attempt_stops_at_its_next_chunk_and_writes_nothing(api, cast,
                                                                       monkeypatch):
    monkeypatch.setattr(runner, "CHUNK", 2)
    client = api(cast.shancheng)
    original = HouseholdImporter.check

    def taken_over(self, rows):
        Job.objects.update(attempts=9)  # another worker took the job while this one checked
        return original(self, rows)

    monkeypatch.setattr(HouseholdImporter, "check", taken_over)
    r = upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows(4)), mode="good_rows")
    job = Job.objects.get(pk=r.json()["job_id"])
    assert (job.status, job.progress) == ("running", 0)
    assert Household.objects.count() == 0
