"""A long import never holds the database against a clerk's save, and is still imported whole
or not at all: it writes in short transactions, and takes them back when it cannot finish."""

import sqlite3
import threading
import time

import pytest

from anju.exchange import runner
from anju.exchange.importers import HouseholdImporter
from anju.exchange.models import Job, JobError
from anju.exchange.tests.conftest import HOUSEHOLD_HEADER, household_row, upload, xlsx
from anju.exchange.tests.realworker import run_worker, worker_database  # noqa: F401
from anju.registry.models import Household

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(runner, "CHUNK", 2)
    monkeypatch.setattr(runner, "FIRST_BATCH", 2)
    monkeypatch.setattr(runner, "MAX_BATCH", 2)


def fail_on_write(monkeypatch, call: int, before=lambda: None, error=RuntimeError):
    original, calls = HouseholdImporter.write, {"n": 0}

    def writing(self, rows):
        calls["n"] += 1
        if calls["n"] == call:
            before()
            if error is not None:
                raise error("the disk is full")
        return original(self, rows)

    monkeypatch.setattr(HouseholdImporter, "write", writing)
    return calls


def rows(n: int):
    return [household_row(name=f"户主{i}", phone=f"139000000{i:02d}") for i in range(n)]


def test_a_failure_while_writing_takes_back_the_rows_already_written(
        api, cast, monkeypatch, small_batches, nothing_written):
    calls = fail_on_write(monkeypatch, call=3)  # two batches of two rows are in by then
    client = api(cast.shancheng)
    with nothing_written(but=[Job, JobError]):
        r = upload(client, "households", xlsx(HOUSEHOLD_HEADER, rows(6)))
    assert calls["n"] == 3
    job = Job.objects.get(pk=r.json()["job_id"])
    assert (job.status, job.summary["code"], job.written) == ("failed", "internal_error", [])


def test_a_head_registered_by_a_clerk_during_the_writing_takes_the_whole_import_back(
        api, cast, monkeypatch, small_batches, make_household):
    file_rows = rows(6)
    # The clerk's household commits with the import's second batch; the third, rows 6 and 7,
    # then meets row 6's head registered.
    clerk = lambda: make_household(head_id_number=file_rows[4][2])  # noqa: E731
    fail_on_write(monkeypatch, call=2, before=clerk, error=None)
    client = api(cast.shancheng)
    r = upload(client, "households", xlsx(HOUSEHOLD_HEADER, file_rows))
    job = Job.objects.get(pk=r.json()["job_id"])
    assert (job.status, job.summary["code"], job.written) == (
        "failed", "id_number_duplicate", [])
    assert "未写入任何数据" in job.summary["message"]
    assert list(Household.objects.values_list("head_name", flat=True)) == ["王大山"]


def clerk_saves(path: str, stop: threading.Event, waits: list, failures: list) -> None:
    """A clerk's single saves, one every 50 ms, each in its own write transaction, waiting
    for the database at most 2 s (a generous bound: Anju's own timeout is 5 s)."""
    db = sqlite3.connect(path, timeout=2.0, isolation_level=None)
    try:
        while not stop.is_set():
            started = time.monotonic()
            try:
                db.execute("BEGIN IMMEDIATE")
                db.execute("UPDATE accounts_user SET last_login = CURRENT_TIMESTAMP "
                           "WHERE username = 'cadre'")
                db.execute("COMMIT")
            except sqlite3.OperationalError as error:
                failures.append(str(error))
            waits.append(time.monotonic() - started)
            time.sleep(0.05)
    finally:
        db.close()


def test_a_clerks_saves_go_through_while_a_long_import_writes_on_sqlite(
        worker_database):  # noqa: F811
    if worker_database.vendor != "sqlite":
        pytest.skip("PostgreSQL has no single writer lock")
    # 150 houses: each is re-checked by the apps above as it is written, tens of ms a house,
    # so written in one transaction they held the database for seconds.
    stop, waits, failures = threading.Event(), [], []
    clerk = threading.Thread(target=clerk_saves, args=(
        worker_database.url.removeprefix("sqlite:///"), stop, waits, failures))
    clerk.start()
    try:
        report = run_worker(worker_database, "imports", "--write", "--resource", "houses",
                            "--rows", "150", per_job_seconds=120)
    finally:
        stop.set()
        clerk.join()
    assert report == [["succeeded", 150, ""]]
    assert failures == []
    assert len(waits) > 20
