"""SQLite's REPLACE (and INSERT OR REPLACE, and an upsert) resolves a clash on the primary key
by deleting the old row without firing delete triggers (unless recursive_triggers is set, and
that pragma is per connection): an audit row could be rewritten past the triggers of 0002. So
an insert whose id is taken is refused before any conflict resolution runs. The id is the
table's only unique key. PostgreSQL has no REPLACE, and its upsert (ON CONFLICT DO UPDATE,
MERGE) fires the update trigger of 0002."""

from django.db import migrations

TABLE = "audit_auditevent"

FORWARD = {
    "sqlite": [
        f"CREATE TRIGGER audit_event_no_replace BEFORE INSERT ON {TABLE} "
        f"WHEN EXISTS (SELECT 1 FROM {TABLE} WHERE id = NEW.id) "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
}
BACKWARD = {
    "sqlite": ["DROP TRIGGER audit_event_no_replace"],
}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_append_only"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
