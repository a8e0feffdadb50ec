"""Sensitive numbers become encrypted text columns, with a keyed hash beside the ID numbers.
The uniqueness of a head and the member index move to the hashes in 0007, once 0006 has
encrypted the rows and filled the hashes."""

import anju.crypto
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0004_house_awaiting_appraisal'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='household',
            name='household_head_id_unique',
        ),
        migrations.RemoveIndex(
            model_name='member',
            name='member_id_number_idx',
        ),
        migrations.AddField(
            model_name='household',
            name='head_id_hash',
            field=anju.crypto.LookupHashField(blank=True, default='', editable=False, max_length=32, source='head_id_number'),
        ),
        migrations.AddField(
            model_name='member',
            name='id_number_hash',
            field=anju.crypto.LookupHashField(blank=True, default='', editable=False, max_length=32, source='id_number'),
        ),
        migrations.AlterField(
            model_name='household',
            name='bank_account',
            field=anju.crypto.EncryptedCharField(blank=True, verbose_name='一卡通账号'),
        ),
        migrations.AlterField(
            model_name='household',
            name='head_id_number',
            field=anju.crypto.EncryptedCharField(verbose_name='户主身份证号'),
        ),
        migrations.AlterField(
            model_name='household',
            name='phone',
            field=anju.crypto.EncryptedCharField(blank=True, verbose_name='联系电话'),
        ),
        migrations.AlterField(
            model_name='member',
            name='id_number',
            field=anju.crypto.EncryptedCharField(blank=True, verbose_name='身份证号'),
        ),
        migrations.AlterField(
            model_name='responsibleperson',
            name='phone',
            field=anju.crypto.EncryptedCharField(blank=True, verbose_name='联系电话'),
        ),
    ]
