import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("field", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PhotoSender",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("scope", models.CharField(max_length=12)),
                ("sent_at", models.DateTimeField(auto_now_add=True)),
                ("photo", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                            related_name="senders", to="field.photo")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                           related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "indexes": [models.Index(fields=["scope", "photo"],
                                         name="field_photo_sender_scope_idx")],
                "constraints": [models.UniqueConstraint(fields=("photo", "user"),
                                                        name="field_photo_sender_once")],
            },
        ),
    ]
