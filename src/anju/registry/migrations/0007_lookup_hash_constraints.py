from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_encrypt_sensitive_numbers'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='member',
            index=models.Index(fields=['id_number_hash'], name='member_id_hash_idx'),
        ),
        migrations.AddConstraint(
            model_name='household',
            constraint=models.UniqueConstraint(fields=('head_id_hash',), name='household_head_hash_unique'),
        ),
    ]
