"""Imports run by the real task worker (`anju db_worker`, with its signal handlers) end, and
never hold it: the worker processes that check a large file leave when the job is done."""

import pytest

from anju.exchange.tests.realworker import run_worker, worker_database  # noqa: F401

# The worker uses a copy of the test database; the mark has the test database made.
pytestmark = pytest.mark.django_db

# Files of 1,000 rows checked by two worker processes in chunks of 200, as a file of
# ANJU_IMPORT_PARALLEL_ROWS rows is in chunks of 1,000: before the workers reset their
# signals, 6 of 114 such runs hung at the end of checking (and 1 of 19 of 5,000 rows).
RUNS, ROWS, CHUNK = 50, 1000, 200


def test_fifty_imports_checked_by_worker_processes_under_the_task_worker_each_end(
        worker_database):  # noqa: F811
    # A run whose worker hangs fails the test after 30 s instead of freezing the suite.
    report = run_worker(worker_database, "imports", "--runs", str(RUNS), "--rows", str(ROWS),
                        "--chunk", str(CHUNK), per_job_seconds=30,
                        extra_env={"ANJU_IMPORT_PROCESSES": "2",
                                   "ANJU_IMPORT_PARALLEL_ROWS": str(ROWS)})
    assert report == [["succeeded", ROWS, ""]] * RUNS
