from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="PolicyProfile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("division_prefix", models.CharField(blank=True, help_text="留空表示全国默认", max_length=12, verbose_name="适用区划前缀")),
                ("base", models.CharField(choices=[("meihekou-2021", "梅河口市农村住房安全保障实施方案（2021）"), ("changji-2023", "昌吉州农村房屋安全隐患排查整治（2023）")], max_length=40, verbose_name="基础方案")),
                ("name", models.CharField(max_length=100, verbose_name="名称")),
                ("effective_from", models.DateField(verbose_name="生效日期")),
                ("effective_to", models.DateField(blank=True, null=True, verbose_name="失效日期")),
                ("overrides", models.JSONField(blank=True, default=dict, verbose_name="本地参数")),
            ],
            options={"verbose_name": "政策参数方案", "verbose_name_plural": "政策参数方案", "ordering": ["division_prefix", "effective_from"]},
        ),
        migrations.AddConstraint(
            model_name="policyprofile",
            constraint=models.UniqueConstraint(fields=("division_prefix", "effective_from"), name="policy_one_start_per_region"),
        ),
    ]
