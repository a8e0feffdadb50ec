from django.db import models


class Level(models.IntegerChoices):
    PROVINCE = 2, "省级"
    PREFECTURE = 4, "地级"
    COUNTY = 6, "县级"
    TOWNSHIP = 9, "乡级"
    VILLAGE = 12, "村级"

    @property
    def code(self) -> str:
        return self.name.lower()


class Division(models.Model):
    """A division of the national statistical code table; the code length is its level."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=60, db_index=True)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name="上级区划",
    )
    # Generated villages of the demo; never shown as real ones.
    is_demo = models.BooleanField("演示数据", default=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def level_code(self) -> str:
        return Level(self.level).code
