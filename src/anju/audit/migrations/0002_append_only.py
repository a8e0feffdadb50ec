"""The database itself refuses to change or remove an audit row (and, on PostgreSQL, to
truncate the table), whoever asks: the application, a shell, or `manage.py flush`."""

from django.db import migrations

TABLE = "audit_auditevent"

FORWARD = {
    "sqlite": [
        f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_event_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit_event is append-only' "
        "USING ERRCODE = 'insufficient_privilege'; END $$",
        f"CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()",
        f"CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse()",
    ],
}
BACKWARD = {
    "sqlite": ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"],
    "postgresql": [f"DROP TRIGGER audit_event_no_truncate ON {TABLE}",
                   f"DROP TRIGGER audit_event_no_change ON {TABLE}",
                   "DROP FUNCTION audit_event_refuse()"],
}


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
