"""The code lists of the monthly roster cycle (以人找房, national-exchange.md N4)."""

from django.db import models


class Change(models.TextChoices):
    IDENTIFIED = "identified", "新识别"
    REMOVED = "removed", "出列"


class LoadStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class PersonStatus(models.TextChoices):
    """A person's row, derived whenever it is read from the register, the appraisals, the
    ledger and the cases (never kept, so it cannot fall behind them)."""

    UNMATCHED = "unmatched", "未匹配到农户"
    NO_HOUSE = "no_house", "无在册住房"
    SEVERAL_HOUSES = "several_houses", "住房不唯一"
    AWAITING = "awaiting", "待鉴定"
    LATE = "late", "逾期未鉴定"
    DANGEROUS = "dangerous", "危房整治中"
    CLOSED = "closed", "已销号"
    REMOVED = "removed", "已出列"


class ClosedBy(models.TextChoices):
    APPRAISAL = "appraisal", "鉴定为A/B级"
    LEDGER = "ledger", "整治台账销号"
    CASE = "case", "改造验收"
