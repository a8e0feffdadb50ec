import csv
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "screening_items.csv"


def load(apps, schema_editor):
    Kind = apps.get_model("appraisal", "ScreeningItemKind")
    with CATALOGUE.open(encoding="utf-8") as f:
        for position, row in enumerate(csv.DictReader(f)):
            Kind.objects.update_or_create(
                code=row["code"], defaults={"level": row["level"], "name": row["name"],
                                            "position": position})


def unload(apps, schema_editor):
    Kind = apps.get_model("appraisal", "ScreeningItemKind")
    Kind.objects.filter(region="").delete()


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
