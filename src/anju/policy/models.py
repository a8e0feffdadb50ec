from django.db import models

from anju.policy.profiles import SHIPPED


class PolicyProfile(models.Model):
    """A region's policy numbers for a period: a shipped base profile plus local overrides."""

    division_prefix = models.CharField("适用区划前缀", max_length=12, blank=True,
                                       help_text="留空表示全国默认")
    base = models.CharField("基础方案", max_length=40,
                            choices=[(k, v.name) for k, v in SHIPPED.items()])
    name = models.CharField("名称", max_length=100)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    overrides = models.JSONField("本地参数", default=dict, blank=True)

    class Meta:
        verbose_name = "政策参数方案"
        verbose_name_plural = "政策参数方案"
        ordering = ["division_prefix", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["division_prefix", "effective_from"],
                                    name="policy_one_start_per_region"),
        ]

    def __str__(self) -> str:
        return self.name
