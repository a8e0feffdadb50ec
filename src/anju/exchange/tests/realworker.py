"""The real task worker (`anju db_worker`, its signal handlers installed) in a process of its
own, on a copy of the test database: the schema, the divisions and the cast, committed.

`worker_database` makes the copy once per module (SQLite: the backup API into a file;
PostgreSQL: a database made from the test database as its template). `run_worker` starts
`python -m anju.exchange.tests.realworker ...` there, which queues the jobs and then runs
`db_worker --batch`, and fails the test, killing the worker, when no job ends in time.
"""

import json
import os
import selectors
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest


@dataclass
class WorkerDatabase:
    env: dict
    vendor: str
    url: str


def _copy_database(django_db_blocker, folder: Path):
    """(DATABASE_URL of a copy of the test database, a function that drops it)."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            path = folder / "worker.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(path)
            with target:
                connection.connection.backup(target)
            target.close()
            return f"sqlite:///{path}", lambda: None
        import psycopg

        params = connection.settings_dict
        name = f"{params['NAME']}_worker"
        connection.close()  # a template database must have no other session
        admin = psycopg.connect(dbname="postgres", user=params["USER"],
                                password=params["PASSWORD"] or None, host=params["HOST"],
                                port=params["PORT"] or None, autocommit=True)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{params["NAME"]}"')

        def drop():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

        auth = quote(params["USER"]) + (f":{quote(params['PASSWORD'])}"
                                        if params["PASSWORD"] else "")
        return f"postgres://{auth}@{params['HOST']}:{params['PORT']}/{name}", drop


@pytest.fixture(scope="module")
def worker_database(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.db import connection

    folder = tmp_path_factory.mktemp("worker-db")
    url, drop = _copy_database(django_db_blocker, folder)
    env = {**os.environ, "DATABASE_URL": url, "ANJU_DATA_DIR": str(folder),
           "ANJU_MEDIA_ROOT": str(folder / "media"), "DJANGO_SETTINGS_MODULE": "anju.settings",
           "ANJU_SECRET_KEY": settings.SECRET_KEY, "ANJU_FIELD_KEYS": ",".join(
               settings.FIELD_KEYS), "ANJU_LOOKUP_KEY": settings.LOOKUP_KEY,
           "ANJU_TASK_BACKEND": "django_tasks_db.DatabaseBackend", "PYTHONUNBUFFERED": "1"}
    try:
        yield WorkerDatabase(env=env, vendor=connection.vendor, url=url)
    finally:
        drop()


def run_worker(database: WorkerDatabase, *args: str, per_job_seconds: float,
               extra_env: dict | None = None) -> dict:
    """Queue jobs and run them with the real worker; returns what the driver reports at the
    end. Fails the test when no job ends within `per_job_seconds` (the worker hangs)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "anju.exchange.tests.realworker", *args],
        env={**database.env, **(extra_env or {})}, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines, ended = [], 0
    deadline = time.monotonic() + per_job_seconds + 30  # the first also waits for startup
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not selector.select(timeout=left):
                os.killpg(process.pid, signal.SIGKILL)  # the worker and its pool
                process.wait()
                pytest.fail(f"the worker hung: {ended} jobs ended, then none in "
                            f"{per_job_seconds} s\n" + "".join(lines[-30:]))
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "state=SUCCESSFUL" in line or "state=FAILED" in line:
                ended += 1
                deadline = time.monotonic() + per_job_seconds
    process.wait()
    assert process.returncode == 0, "".join(lines[-30:])
    report = [line for line in lines if line.startswith("REPORT ")]
    assert report, "".join(lines[-30:])
    return json.loads(report[-1][len("REPORT "):])


# --- the driver, in the worker's process ----------------------------------------------------


def household_file(rows: int, *, first: int = 0) -> bytes:
    """An xlsx of `rows` good households with distinct heads (ID numbers and names)."""
    from anju.conftest import SHANCHENG_V1, valid_id_number
    from anju.exchange.tests.conftest import xlsx

    header = ["division_code", "head_name", "head_id_number", "persons"]
    made = []
    for i in range(first, first + rows):
        born = f"{1930 + i // 300}{1 + i % 12:02d}{1 + i % 25:02d}"
        made.append([SHANCHENG_V1, f"户主{i}", valid_id_number(born), 3])
    return xlsx(header, made)


def house_file(rows: int) -> bytes:
    """An xlsx of `rows` good houses (no household named), each at its own address."""
    from anju.conftest import SHANCHENG_V1
    from anju.exchange.tests.conftest import xlsx

    header = ["division_code", "address", "structure", "floors", "floor_area", "use",
              "occupancy"]
    return xlsx(header, [[SHANCHENG_V1, f"山城镇一村 {i} 号", "masonry_cast", 1, 80,
                          "residence", "occupied"] for i in range(rows)])


def _queue_imports(runs: int, rows: int, dry_run: bool, resource: str) -> list[int]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anju.accounts.models import User
    from anju.exchange.commands import StartImport
    from anju.exchange.jobs import _enqueue, start_import
    from anju.exchange.models import Job

    user = User.objects.get(username="shancheng")
    content = household_file(rows) if resource == "households" else house_file(rows)
    first = start_import(StartImport(resource=resource, dry_run=dry_run), acting_user=user,
                         upload=SimpleUploadedFile(f"{resource}.xlsx", content))
    jobs = [first.pk]
    for _ in range(runs - 1):  # dry runs keep their file: the same one, checked again
        job = Job.objects.create(owner=user, kind=first.kind, total=first.total,
                                 division_code=first.division_code, params=first.params,
                                 input_file=first.input_file.name)
        _enqueue(job)
        jobs.append(job.pk)
    return jobs


def main(argv: list[str]) -> None:
    import argparse

    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["imports"])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--chunk", type=int, default=0)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--resource", default="households")
    options = parser.parse_args(argv)
    django.setup()
    from django.core.management import call_command

    from anju.exchange import runner
    from anju.exchange.models import Job

    if options.chunk:
        runner.CHUNK = options.chunk
    jobs = _queue_imports(options.runs, options.rows, dry_run=not options.write,
                          resource=options.resource)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval",
                 "0", verbosity=1)
    found = {pk: (status, progress, summary.get("code", "")) for pk, status, progress, summary
             in Job.objects.filter(pk__in=jobs).values_list("pk", "status", "progress",
                                                            "summary")}
    print("REPORT " + json.dumps([found[pk] for pk in jobs]), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
