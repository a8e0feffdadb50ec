from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="house",
            index=models.Index(
                fields=["-is_priority", "division_code", "id"], name="house_list_order_idx"
            ),
        ),
    ]
