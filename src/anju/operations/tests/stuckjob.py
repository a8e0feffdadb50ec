"""A scheduler or a task worker stuck in the middle of its job (a sweep waiting on a lock, an
import on a slow disk), in a process of its own, for the tests that end it with SIGKILL:

    python -m anju.operations.tests.stuckjob schedule JOB   # the scheduler, stuck in JOB
    python -m anju.operations.tests.stuckjob import ROWS    # db_worker, stuck in an import

It prints STARTED once the job is under way (its claim or its running row written), then
waits for ever.
"""

import sys
import time


def _stuck():
    print("STARTED", flush=True)
    time.sleep(600)


def schedule(name: str) -> None:
    from anju.operations import schedule

    original = schedule.call_command

    def stuck(command, *args, **kwargs):
        if command == schedule.BY_NAME[name].command:
            _stuck()
        return original(command, *args, **kwargs)

    schedule.call_command = stuck
    schedule.run_due(jobs=(schedule.BY_NAME[name],))


def queued_import(rows: int) -> None:
    from django.core.management import call_command

    from anju.exchange.importers import HouseholdImporter
    from anju.exchange.tests.realworker import _queue_imports

    _queue_imports(1, rows, dry_run=False, resource="households")
    HouseholdImporter.check = lambda self, rows: _stuck()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0")


if __name__ == "__main__":
    import django

    django.setup()
    what, arg = sys.argv[1:3]
    schedule(arg) if what == "schedule" else queued_import(int(arg))
