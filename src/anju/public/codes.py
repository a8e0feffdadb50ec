"""Code lists of the villagers' pages (docs/decisions/0046)."""

from django.db import models


class ReportKind(models.TextChoices):
    # R-CJ-6: 危房不住人; R-CJ-5: the sign and the barrier are control measures
    OCCUPIED = "occupied", "有人居住或使用"
    SIGN_DAMAGED = "sign_damaged", "警示标志或围挡损坏"


class LeadStatus(models.TextChoices):
    OPEN = "open", "待核查"
    CLOSED = "closed", "已核查"


class LeadAction(models.TextChoices):
    FILE = "file", "村民反映"
    ANSWER = "answer", "乡镇核查"


class RequestKind(models.TextChoices):
    """What a public request asked for; every one is a row (and counts against its limit)."""

    SIGN_PAGE = "sign_page", "查看警示标志页面"
    REPORT = "report", "村民反映"
    STATUS = "status", "农户查询办理进度"
    NOTICE = "notice", "查看公示名单"


class RequestResult(models.TextChoices):
    OK = "ok", "成功"
    NOT_FOUND = "not_found", "未找到"
    MISS = "miss", "查询不符"
    LIMITED = "limited", "超过次数"
    INVALID = "invalid", "内容不合格"
