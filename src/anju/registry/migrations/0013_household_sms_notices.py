from importlib import import_module

from django.db import migrations, models

# SQLite adds a NOT NULL column by rebuilding the table, which its triggers on the household
# (0011) do not survive: they are dropped before and made again after, as 0011 wrote them.
_0011 = import_module("anju.registry.migrations.0011_house_certified_low_income")


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0012_house_list_status_index")]

    operations = [
        migrations.RunPython(_run(_0011.SQLITE_DROP), _run(_0011.SQLITE)),
        migrations.AddField(
            model_name="household", name="sms_notices",
            field=models.BooleanField(db_default=False, default=False,
                                      verbose_name="同意接收短信通知")),
        migrations.RunPython(_run(_0011.SQLITE), _run(_0011.SQLITE_DROP)),
        migrations.AddField(
            model_name="household", name="sms_notices_on",
            field=models.DateField(blank=True, null=True, verbose_name="同意短信通知日期")),
    ]
