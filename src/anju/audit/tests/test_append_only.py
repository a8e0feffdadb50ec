"""The audit log is append-only in the database too: no statement rewrites a row, including
SQLite's REPLACE and an upsert, which resolve a clash on the id by replacing the old row."""

import pytest
from django.db import DatabaseError, connection, transaction

from anju.audit.actions import record
from anju.audit.models import AuditEvent

COLUMNS = "id, at, username, role, action, result, object_type, object_id, division_code, details"
# The same row again with another result: what a rewrite of the log would look like.
SAME_ROW_FAILED = ("SELECT id, at, username, role, action, 'failed', object_type, object_id, "
                   "division_code, details FROM audit_auditevent WHERE id = %s")

UPSERT = (f"INSERT INTO audit_auditevent ({COLUMNS}) {SAME_ROW_FAILED} "
          "ON CONFLICT (id) DO UPDATE SET result = 'failed'")
REWRITES = [
    pytest.param("sqlite", f"REPLACE INTO audit_auditevent ({COLUMNS}) {SAME_ROW_FAILED}",
                 id="sqlite-replace"),
    pytest.param("sqlite", f"INSERT OR REPLACE INTO audit_auditevent ({COLUMNS}) "
                 f"{SAME_ROW_FAILED}", id="sqlite-insert-or-replace"),
    pytest.param("sqlite", UPSERT, id="sqlite-upsert"),
    pytest.param("postgresql", UPSERT, id="postgresql-upsert"),
    pytest.param("postgresql", f"INSERT INTO audit_auditevent ({COLUMNS}) {SAME_ROW_FAILED} "
                 "ON CONFLICT (id) DO UPDATE SET result = EXCLUDED.result",
                 id="postgresql-upsert-excluded"),
    pytest.param("postgresql", "MERGE INTO audit_auditevent a USING (SELECT %s::bigint AS id) s "
                 "ON a.id = s.id WHEN MATCHED THEN UPDATE SET result = 'failed'",
                 id="postgresql-merge-update"),
    pytest.param("postgresql", "MERGE INTO audit_auditevent a USING (SELECT %s::bigint AS id) s "
                 "ON a.id = s.id WHEN MATCHED THEN DELETE", id="postgresql-merge-delete"),
]


def row():
    return record("export", actor=None, details={"what": "test"})


@pytest.mark.parametrize(("vendor", "statement"), REWRITES)
def test_an_audit_row_cannot_be_replaced_nor_upserted_in_the_database(db, vendor, statement):
    if connection.vendor != vendor:
        pytest.skip(f"a statement of {vendor}")
    if statement.startswith("MERGE") and connection.pg_version < 150000:
        pytest.skip("MERGE came with PostgreSQL 15")
    event = row()
    before = AuditEvent.objects.filter(pk=event.pk).values().get()
    count = AuditEvent.objects.count()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).values().get() == before
    assert AuditEvent.objects.count() == count


def test_new_audit_rows_are_still_written(db):
    first = row()
    count = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO audit_auditevent ({COLUMNS}) SELECT %s, at, username, role, "
                       "action, result, object_type, object_id, division_code, details "
                       "FROM audit_auditevent WHERE id = %s", [first.pk + 100, first.pk])
    second = row()
    assert AuditEvent.objects.count() == count + 2
    assert AuditEvent.objects.filter(pk__in=[first.pk + 100, second.pk]).count() == 2
