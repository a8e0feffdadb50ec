"""Background jobs of the data exchange: an import or an export, its progress, its row errors
and its file. A job's status only moves queued → running → succeeded/failed (running again
after a restart); the row errors are kept whole in JobError, the API shows the first ones."""

from django.conf import settings
from django.db import models

from anju.registry.village import VillageCopy


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class JobStage(models.TextChoices):
    CHECKING = "checking", "检查数据"
    WRITING = "writing", "写入数据"
    EXPORTING = "exporting", "生成文件"


class Job(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                              verbose_name="发起人")
    # import_households, import_houses, export_houses, export_rectification_ledger, ...
    kind = models.CharField("类型", max_length=40)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices,
                              default=JobStatus.QUEUED)
    stage = models.CharField("阶段", max_length=10, choices=JobStage.choices, blank=True)
    division_code = models.CharField("区划", max_length=12, blank=True)
    # dry_run, mode (all / good_rows), division, format: what the job was asked to do
    params = models.JSONField(default=dict)
    input_file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    input_name = models.CharField("上传文件名", max_length=200, blank=True)
    result_file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    progress = models.PositiveIntegerField("已处理行数", default=0)
    total = models.PositiveIntegerField("总行数", null=True, blank=True)
    # The last file row whose chunk is committed (good-rows imports); a restart goes on after it.
    resume_row = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    # created / duplicates / ignored columns / the reason of a failure
    summary = models.JSONField(default=dict)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Written with every chunk: a running job whose heartbeat stopped was left by a dead worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The process running the attempt (host:pid:start): a job whose process is gone is
    # queued again at once, without waiting for its heartbeat to age.
    worker = models.CharField(max_length=100, blank=True)
    # The ids an all-or-nothing import has written so far, as [first, last] runs: it writes
    # in short transactions, and takes them back if it cannot finish.
    written = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入导出任务"
        verbose_name_plural = "导入导出任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_import(self) -> bool:
        return self.kind.startswith("import_")

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class JobError(models.Model):
    """One problem of one row of an imported file (row numbers as in the file, header = 1);
    `row` is empty for a problem of the whole file."""

    job = models.ForeignKey(Job, models.CASCADE, related_name="errors")
    row = models.PositiveIntegerField(null=True, blank=True)
    field = models.CharField(max_length=60, blank=True)
    code = models.CharField(max_length=40)
    rule = models.CharField(max_length=20, blank=True)
    message = models.CharField(max_length=300)

    class Meta:
        verbose_name = "导入错误"
        verbose_name_plural = "导入错误"
        ordering = ["id"]


class DifferenceKind(models.TextChoices):
    FIELD = "national_difference", "字段差异"
    MISSING_IN_FILE = "missing_in_file", "国家系统缺"
    MISSING_IN_ANJU = "missing_in_anju", "安居缺"


class DifferenceState(models.TextChoices):
    OPEN = "open", "待处理"
    ACCEPTED = "accepted", "已采纳到安居"
    UPSTREAM = "upstream", "待国家系统更正"


class Difference(models.Model):
    """One difference a reconciliation (对账) found between a national file and Anju, for a
    clerk to act on: accepted into Anju through the ordinary act, or marked for correction in
    the national system. Loading the file writes these rows, never the house."""

    job = models.ForeignKey(Job, models.CASCADE, related_name="differences")
    kind = models.CharField("类别", max_length=20, choices=DifferenceKind.choices,
                            default=DifferenceKind.FIELD)
    house = models.ForeignKey("registry.House", models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="房屋")
    division_code = models.CharField("区划", max_length=12, blank=True)
    row = models.PositiveIntegerField("文件行号", null=True, blank=True)
    column = models.CharField("列", max_length=60, blank=True)  # the layout's title
    field = models.CharField(max_length=60, blank=True)  # the column's accessor (national.py)
    national_value = models.CharField("国家系统", max_length=300, blank=True)
    anju_value = models.CharField("安居", max_length=300, blank=True)
    state = models.CharField("处理状态", max_length=10, choices=DifferenceState.choices,
                             default=DifferenceState.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    # the house's village: a difference follows its house when the household moves
    village_copy = VillageCopy(house="house_id")

    class Meta:
        verbose_name = "对账差异"
        verbose_name_plural = "对账差异"
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "state"], name="difference_job_state_idx")]
