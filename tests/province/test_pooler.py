"""Anju behind pgbouncer in transaction mode (ADR 0043): a clerk's full request cycle, and a
streamed export of many rows in constant memory (keyset chunks, no server-side cursors), with
no "prepared statement does not exist" nor cursor errors.
Run with `pytest -p no:django tests/province`.
"""

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from province_anju import (  # noqa: E402
    CLERK,
    COUNTY,
    Browser,
    Server,
    connect,
    county_houses,
    edit_house,
    need,
    peak_rss_mb,
    prepare,
)

MANY = 40_000  # houses of the county: the large export
GROWTH_MB = 40  # what the large export may add to the worker's peak over a small one


@pytest.fixture(scope="module")
def pooler():
    prepare(houses=MANY)
    return need("ANJU_PROVINCE_POOLER_URL")


def village() -> str:
    """A village of the county with houses (one of its demo villages)."""
    with connect(need("ANJU_PROVINCE_PRIMARY_URL")) as conn:
        return conn.execute("SELECT min(division_code) FROM registry_house "
                            "WHERE division_code LIKE %s", [COUNTY + "%"]).fetchone()[0]


def no_pooler_errors(log: str) -> None:
    for sign in ("prepared statement", "cursor", "Traceback", "server closed the connection"):
        assert sign not in log, log[-4000:]


def test_a_clerk_signs_in_saves_and_finds_the_saved_house_through_pgbouncer(pooler):
    house = county_houses(need("ANJU_PROVINCE_PRIMARY_URL"), 5)[4]
    with Server(pooler, ANJU_DB_POOLER="pgbouncer") as server:
        clerk = Browser(server).sign_in(CLERK)
        address = f"池-{uuid.uuid4().hex[:8]}号"
        for _ in range(3):  # more requests than one server connection's life
            assert edit_house(clerk, pooler, house, address=address) == 200
            status, body = clerk.get("/registry/houses/", q=address[:-1])
            assert status == 200 and address in body
            address = f"池-{uuid.uuid4().hex[:8]}号"
    no_pooler_errors(server.text_of_log())


def test_a_large_export_streams_in_constant_memory_through_pgbouncer(pooler):
    with Server(pooler, ANJU_DB_POOLER="pgbouncer") as server:
        clerk = Browser(server).sign_in(CLERK)
        worker = server.web_worker()
        # A small export first: the worker's peak with the export code loaded.
        status, small = clerk.stream(f"/api/v1/exports/houses.csv?division={village()}")
        assert status == 200
        before = peak_rss_mb(worker)
        status, size = clerk.stream("/api/v1/exports/houses.csv")
        assert status == 200
        after = peak_rss_mb(worker)
        assert server.web_worker() == worker  # the same process served both
        print(f"export: small {small} bytes, large {size} bytes; worker peak RSS "
              f"{before:.1f} MB -> {after:.1f} MB")
        assert size > 20 * small and size > 2_000_000
        assert after - before < GROWTH_MB
    no_pooler_errors(server.text_of_log())
