"""A photo stored before senders were kept was sent by its uploader, in the scope the uploader
holds now (the nearest to the one held then that is known)."""

from django.db import migrations


def forward(apps, schema_editor):
    Photo = apps.get_model("field", "Photo")
    PhotoSender = apps.get_model("field", "PhotoSender")
    rows = Photo.objects.values_list("pk", "uploaded_by_id", "uploaded_by__scope")
    PhotoSender.objects.bulk_create(
        (PhotoSender(photo_id=pk, user_id=user, scope=scope or "") for pk, user, scope in rows),
        batch_size=1000, ignore_conflicts=True)


def backward(apps, schema_editor):
    apps.get_model("field", "PhotoSender").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("field", "0002_photo_senders"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
