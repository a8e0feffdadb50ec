"""Encrypt the numbers already on the register and fill their lookup hashes; backwards,
decrypt them. Raw SQL in batches: the historical models would try to decrypt plain rows."""

from django.db import migrations

from anju.registry.sensitive import decrypt_table_columns, encrypt_table_columns


def forwards(apps, schema_editor):
    encrypt_table_columns(schema_editor.connection)


def backwards(apps, schema_editor):
    decrypt_table_columns(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_encrypted_columns'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
