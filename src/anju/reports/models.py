"""Rollup tables of the supervision statistics (docs/decisions/0023): one row of figures per
division, refreshed by a background task, and one snapshot row per division and day.

Dashboards and `GET /stats/summary` read these rows only, never the house table."""

from django.db import models
from django.db.models import Q

from anju.reports.figures import FIGURES


def _figures_base(name: str, *, daily_only: bool):
    """An abstract model with one counter column per figure of figures.FIGURES."""
    fields = {f.name: models.PositiveIntegerField(f.label, default=0)
              for f in FIGURES if f.daily or not daily_only}
    meta = type("Meta", (), {"abstract": True})
    return type(name, (models.Model,), {"__module__": __name__, "Meta": meta, **fields})


StatFigures = _figures_base("StatFigures", daily_only=False)
DailyFigures = _figures_base("DailyFigures", daily_only=True)


class DivisionStat(StatFigures):
    """The figures of one division. Village rows are counted from the records; the rows of
    townships and above are the sums of their children's rows."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    level = models.PositiveSmallIntegerField("级别")  # the code's length, as divisions.Level
    # A village whose records changed since it was counted. Each mark writes a new random
    # token, so that a refresh clears only the marks it has read (a mark made meanwhile stays).
    dirty = models.BooleanField(default=False)
    dirty_token = models.BigIntegerField(default=0)
    # The overdue figures hold until this day; after it a deadline has passed and the village
    # is counted again (null: nothing falls due).
    valid_until = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "区划统计"
        verbose_name_plural = "区划统计"
        indexes = [
            models.Index(fields=["level", "code"], name="stat_level_idx"),
            models.Index(fields=["code"], condition=Q(dirty=True), name="stat_dirty_idx"),
            models.Index(fields=["valid_until"], condition=Q(valid_until__isnull=False),
                         name="stat_valid_until_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class DivisionStatDay(DailyFigures):
    """The key figures of a division (township and above) as they stood at the last refresh of
    a day: the points of the progress-over-time charts. Never invented for days without one."""

    day = models.DateField("日期")
    code = models.CharField("区划代码", max_length=12)

    class Meta:
        verbose_name = "区划统计日快照"
        verbose_name_plural = "区划统计日快照"
        ordering = ["code", "day"]
        constraints = [models.UniqueConstraint(fields=["code", "day"], name="stat_day_once")]
