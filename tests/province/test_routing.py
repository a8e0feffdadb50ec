"""Reads on the province's read replica, against real servers (ADR 0043): a list page is
served by the replica, a clerk who just saved reads the primary, and a replica held back
beyond ANJU_REPLICA_MAX_LAG (or gone) is not read.

The replica is held back with pg_wal_replay_pause() (it keeps receiving WAL but does not apply
it), so what the primary has and the replica lacks shows which one a page read.
Run with `pytest -p no:django tests/province`.
"""

import contextlib
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from province_anju import (  # noqa: E402
    CLERK,
    VIEWER,
    Browser,
    Server,
    connect,
    county_houses,
    edit_house,
    free_port,
    need,
    prepare,
    wait_until,
)

LAG_CACHE_SECONDS = 5  # anju.operations.routing.LAG_CACHE_SECONDS
MAX_LAG = 8  # seconds: small, so the test waits little, and above a busy machine's pauses


@pytest.fixture(scope="module")
def province():
    prepare(houses=200)
    return need("ANJU_PROVINCE_PRIMARY_URL"), need("ANJU_PROVINCE_REPLICA_URL")


def mark(primary: str) -> str:
    marker = uuid.uuid4().hex
    with connect(primary) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS province_routing_mark (mark text)")
        conn.execute("INSERT INTO province_routing_mark VALUES (%s)", [marker])
    return marker


def resume(replica: str) -> None:
    # After a long pause the replica cancels the queries in its way as it resumes, and the
    # resuming statement may be one of them: ask again until replay runs.
    def resumed():
        try:
            with connect(replica) as conn:
                conn.execute("SELECT pg_wal_replay_resume()")
                return conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] \
                    == "not paused"
        except psycopg.errors.SerializationFailure:
            return False
    wait_until(resumed, what="the replica to resume replay")


@contextlib.contextmanager
def held_back(primary: str, replica: str):
    """The replica caught up with a transaction of a moment ago, then paused; resumed after.
    A pause takes effect at the next WAL record, so records are written until it has."""
    resume(replica)
    with connect(replica) as conn:
        marker = mark(primary)
        wait_until(lambda: conn.execute("SELECT 1 FROM province_routing_mark WHERE mark = %s",
                                        [marker]).fetchone(), what="the replica to catch up")
        conn.execute("SELECT pg_wal_replay_pause()")

        def paused():
            mark(primary)
            return conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] \
                == "paused"
        wait_until(paused, what="the replica to pause")
    try:
        yield
    finally:
        resume(replica)


def on_replica(replica: str, house_id: int) -> str:
    with connect(replica) as conn:
        return conn.execute("SELECT address FROM registry_house WHERE id = %s",
                            [house_id]).fetchone()[0]


def set_address(url: str, house_id: int, address: str) -> None:
    with connect(url) as conn:
        conn.execute("UPDATE registry_house SET address = %s WHERE id = %s", [address, house_id])


def lists(browser: Browser, address: str) -> bool:
    """Whether the house list shows `address` (searched by its stem, which the search box
    repeats: the whole address appears only in a row)."""
    status, body = browser.get("/registry/houses/", q=address[:-1])
    assert status == 200, body[:2000]
    return address in body


def test_a_list_reads_the_replica_and_a_clerk_who_just_saved_reads_the_primary(province):
    primary, replica = province
    house, other = county_houses(primary, 2)
    with (Server(primary, ANJU_REPLICA_URL=replica, ANJU_REPLICA_MAX_LAG=60) as server,
          held_back(primary, replica)):
        viewer, clerk = Browser(server).sign_in(VIEWER), Browser(server).sign_in(CLERK)
        old = f"旧址-{uuid.uuid4().hex[:8]}号"
        set_address(primary, house, old)
        # The replica is paused: it does not have the old address, only the primary does.
        assert on_replica(replica, house) != old
        assert lists(viewer, old) is False
        assert lists(clerk, old) is False

        # A clerk saves another house through Anju: their pages now read the primary.
        assert edit_house(clerk, primary, other, address=f"改-{uuid.uuid4().hex[:8]}") == 200
        assert clerk.cookie("anju_primary")
        assert lists(clerk, old) is True
        assert lists(viewer, old) is False  # the colleague still reads the replica

        # A page that did not declare any staleness (the house's own page) reads the primary.
        status, body = viewer.get(f"/registry/houses/{house}/")
        assert status == 200 and old in body

        resume(replica)
        wait_until(lambda: lists(viewer, old), seconds=30,
                   what="the replica to replay the new address")
    assert "Traceback" not in server.text_of_log(), server.text_of_log()


def test_a_replica_held_back_beyond_the_max_lag_is_not_read(province):
    primary, replica = province
    house = county_houses(primary, 3)[2]
    with Server(primary, ANJU_REPLICA_URL=replica, ANJU_REPLICA_MAX_LAG=MAX_LAG) as server:
        viewer = Browser(server).sign_in(VIEWER)
        with held_back(primary, replica):
            assert_lag_switch(viewer, primary, replica, house)
    assert "Traceback" not in server.text_of_log(), server.text_of_log()


def assert_lag_switch(viewer, primary, replica, house):
    address = f"新址-{uuid.uuid4().hex[:8]}号"
    set_address(primary, house, address)
    assert on_replica(replica, house) != address
    started = time.monotonic()
    assert lists(viewer, address) is False  # within the lag: the replica, without it
    # Beyond ANJU_REPLICA_MAX_LAG (and the lag's cache) the list reads the primary.
    wait_until(lambda: lists(viewer, address), seconds=MAX_LAG + 2 * LAG_CACHE_SECONDS + 5,
               what="the list to read the primary")
    assert time.monotonic() - started >= 1


def test_a_replica_that_does_not_answer_sends_reads_to_the_primary(province):
    primary, _ = province
    house = county_houses(primary, 4)[3]
    gone = f"postgres://postgres@127.0.0.1:{free_port()}/anju"
    with Server(primary, ANJU_REPLICA_URL=gone) as server:
        viewer = Browser(server).sign_in(VIEWER)
        address = f"无副本-{uuid.uuid4().hex[:8]}号"
        set_address(primary, house, address)
        assert lists(viewer, address) is True
        assert lists(viewer, address) is True  # the silent replica is not waited for again
    log = server.text_of_log()
    assert "does not answer, reading the primary" in log
