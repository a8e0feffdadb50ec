from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("exchange", "0001_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="worker",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="job",
            name="written",
            field=models.JSONField(default=list),
        ),
    ]
