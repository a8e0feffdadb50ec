"""Anju's side of the province tests, run in subprocesses with Anju's settings (the tests
themselves run without Django):
`python driver.py setup|enqueue N|write-loop OUT STOP RUN|write-once ADDRESS`."""

import json
import sys
import time

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.utils import InterfaceError, InternalError, OperationalError  # noqa: E402

from anju.accounts.actions import create_user  # noqa: E402
from anju.accounts.commands import CreateUser  # noqa: E402
from anju.accounts.models import User  # noqa: E402
from anju.divisions.demo import ensure_demo_villages  # noqa: E402
from anju.divisions.loader import load_divisions  # noqa: E402
from anju.registry.actions import register_house  # noqa: E402
from anju.registry.commands import RegisterHouse  # noqa: E402
from anju.registry.models import House  # noqa: E402

TOWNSHIP = "220581100"  # 山城镇, 梅河口市
VILLAGE = TOWNSHIP + "001"
CLERK = "province_clerk"


def setup():
    load_divisions(("220581",))
    ensure_demo_villages([TOWNSHIP], 1)
    if not User.objects.filter(username=CLERK).exists():
        create_user(CreateUser(username=CLERK, password="Province@2026", scope=TOWNSHIP,
                               role="township_officer", department="township_government"),
                    check_password=False)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS province_task_run (job int, pid int)")


def enqueue(count: int):
    from province_tasks import record_run

    with transaction.atomic():  # one commit: the workers find every job there at once
        for job in range(count):
            record_run.enqueue(job)


def _register(address: str, clerk) -> None:
    register_house(RegisterHouse(division_code=VILLAGE, address=address, structure="masonry_cast",
                                 floors=1, built_year=1995, floor_area="80", use="residence",
                                 occupancy="occupied"), acting_user=clerk)


def write_loop(out_path: str, stop_path: str, run: str, give_up_after: str = "120"):
    """Registers houses one after another until STOP exists, one line in OUT per house whose
    transaction committed. A write that failed is retried under the same address, first
    looking whether its commit went through before the error: then it is acknowledged once,
    not written twice. Gives up when no write succeeds for GIVE_UP_AFTER seconds."""
    from pathlib import Path

    clerk = User.objects.get(username=CLERK)
    stop = Path(stop_path)
    errors = in_doubt = 0
    n = 0
    with open(out_path, "a", buffering=1) as out:
        while not stop.exists():
            address = f"{run}-{n:05d}"
            failing_since = None
            while True:
                try:
                    if failing_since and House.objects.filter(address=address).exists():
                        in_doubt += 1
                    else:
                        _register(address, clerk)
                    break
                except (OperationalError, InterfaceError, InternalError) as error:
                    errors += 1
                    failing_since = failing_since or time.monotonic()
                    if time.monotonic() - failing_since > float(give_up_after):
                        raise
                    print(f"{address}: {type(error).__name__}: {str(error).strip()[:200]}",
                          file=sys.stderr)
                    connection.close()  # the next try connects afresh, to whichever is primary
                    time.sleep(0.2)
            out.write(json.dumps({"address": address, "at": time.time()}) + "\n")
            n += 1
    print(json.dumps({"written": n, "errors": errors, "in_doubt": in_doubt}))


def write_once(address: str, give_up_after: str = "60"):
    """Registers one house, retrying while the database (or the pooler before it) refuses;
    prints the seconds it took."""
    clerk = User.objects.get(username=CLERK)
    started = time.monotonic()
    while True:
        try:
            _register(address, clerk)
            break
        except (OperationalError, InterfaceError, InternalError) as error:
            if time.monotonic() - started > float(give_up_after):
                raise
            print(f"{type(error).__name__}: {str(error).strip()[:200]}", file=sys.stderr)
            connection.close()
            time.sleep(0.5)
    print(json.dumps({"address": address, "seconds": round(time.monotonic() - started, 1)}))


if __name__ == "__main__":
    verb, *args = sys.argv[1:]
    if verb == "setup":
        with transaction.atomic():
            setup()
    elif verb == "enqueue":
        enqueue(int(args[0]))
    elif verb == "write-loop":
        write_loop(*args)
    elif verb == "write-once":
        write_once(*args)
    else:
        sys.exit(f"unknown verb {verb}")
