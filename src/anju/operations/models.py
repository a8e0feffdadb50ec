from django.db import models


class RunStatus(models.TextChoices):
    RUNNING = "running", "运行中"
    OK = "ok", "成功"
    FAILED = "failed", "失败"


class ScheduledRun(models.Model):
    """One run of a scheduled job for one period. The row is the claim: the unique
    (job, period) lets only one scheduler of any machine run a job in a period."""

    job = models.CharField(max_length=40)
    period = models.DateTimeField()  # the start of the period this run is for
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    worker = models.CharField(max_length=100, blank=True)  # host:pid:start (exchange.liveness)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period"),
        ]
        indexes = [models.Index(fields=["job", "-period"], name="scheduled_run_latest_idx")]


class WorkerBeat(models.Model):
    """The last sign of life of each task worker process (`anju worker`), for /readyz."""

    worker = models.CharField(max_length=100, primary_key=True)
    beat_at = models.DateTimeField()


# The deploy checks register when the app's models load (`anju check --deploy`).
from anju.operations import checks  # noqa: E402, F401
