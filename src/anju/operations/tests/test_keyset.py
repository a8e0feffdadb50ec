"""Exports behind pgbouncer read in keyset chunks: the same rows in the same order as the plain
query, a bounded number of rows per query (ADR 0043)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anju.audit.models import AuditEvent
from anju.conftest import HONGMEI_V1, SHANCHENG_V1, SHANCHENG_V2
from anju.exchange import exporters
from anju.kit import keyset
from anju.registry.models import House


@pytest.fixture
def houses(make_house):
    # Interleaved villages, so (division_code, id) order differs from id order.
    made = []
    for i in range(11):
        made.append(make_house(division_code=(SHANCHENG_V2, HONGMEI_V1, SHANCHENG_V1)[i % 3]))
    return made


def test_keyset_chunks_give_the_same_rows_in_the_same_order_as_the_query(houses):
    ordered = House.objects.order_by("division_code", "id")
    expected = list(ordered.values_list("id", "division_code", "address"))
    assert len(expected) == 11
    assert [h.division_code for h in houses[:3]] == [SHANCHENG_V2, HONGMEI_V1, SHANCHENG_V1]
    assert list(keyset.keyset(ordered.values_list("id", "division_code", "address"), 3)) \
        == expected
    assert [h.pk for h in keyset.keyset(ordered, 4)] == [row[0] for row in expected]
    assert list(keyset.keyset(ordered.values_list("address", flat=True), 5)) \
        == [row[2] for row in expected]
    assert list(keyset.keyset(ordered.values("id", "address"), 2)) \
        == [{"id": i, "address": a} for i, _, a in expected]


def test_keyset_chunks_follow_a_descending_order_and_a_default_ordering(houses):
    newest_first = AuditEvent.objects.order_by("-at", "-id")
    assert list(keyset.keyset(newest_first.values_list("id", flat=True), 3)) \
        == list(newest_first.values_list("id", flat=True))
    # No ordering given: by primary key, so every row comes once.
    assert list(keyset.keyset(House.objects.values_list("id", flat=True), 4)) \
        == sorted(h.pk for h in houses)


def test_each_keyset_query_reads_at_most_one_chunk(houses):
    ordered = House.objects.order_by("division_code", "id").values_list("id")
    with CaptureQueriesContext(connection) as queries:
        rows = list(keyset.keyset(ordered, 4))
    assert len(rows) == 11
    # 4 + 4 + 3 rows: the last chunk is short, so no fourth query.
    assert len(queries.captured_queries) == 3
    assert all("LIMIT 4" in q["sql"] for q in queries.captured_queries)


def test_an_export_reads_in_keyset_chunks_when_server_side_cursors_are_off(
        houses, cast, monkeypatch):
    exporter = exporters.get_exporter("houses")
    before = list(exporters.column_rows(exporter, cast.mhk_housing, None, reveal=False))
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    monkeypatch.setattr(exporters, "CHUNK", 4)
    with CaptureQueriesContext(connection) as queries:
        after = list(exporters.column_rows(exporter, cast.mhk_housing, None, reveal=False))
    assert after == before
    assert len(after) == 11
    chunked = [q for q in queries.captured_queries if "LIMIT 4" in q["sql"]]
    # Keyset chunks where Django's iterator would fetch everything at once (PostgreSQL
    # without server-side cursors); SQLite's iterator streams by itself.
    assert len(chunked) == (3 if connection.vendor == "postgresql" else 0)


def test_keyset_chunks_refuse_an_ordering_that_may_be_empty(houses):
    with pytest.raises(ValueError, match="built_year"):
        list(keyset.keyset(House.objects.order_by("built_year", "id"), 3))
