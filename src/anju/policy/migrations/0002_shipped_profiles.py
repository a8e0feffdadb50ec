from django.db import migrations

from anju.policy.profiles import SHIPPED, SHIPPED_ASSIGNMENTS


def install(apps, schema_editor):
    PolicyProfile = apps.get_model("policy", "PolicyProfile")
    for code, prefix, start, end in SHIPPED_ASSIGNMENTS:
        PolicyProfile.objects.get_or_create(
            division_prefix=prefix, effective_from=start,
            defaults={"base": code, "name": SHIPPED[code].name, "effective_to": end},
        )


def remove(apps, schema_editor):
    PolicyProfile = apps.get_model("policy", "PolicyProfile")
    for code, prefix, start, _end in SHIPPED_ASSIGNMENTS:
        PolicyProfile.objects.filter(division_prefix=prefix, effective_from=start, base=code).delete()


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
