"""The code lists of supervision (domain.md R-CJ-9, §6)."""

from django.db import models

# Look-back and the work summary are §6 of domain.md, which names no rule id of its own.
RULE_PLAN = "R-CJ-9"
RULE_SUPERVISION = "§6"


class PlanState(models.TextChoices):
    LISTED = "listed", "已列入计划"
    IN_CASE = "in_case", "已立项改造"
    COMPLETED = "completed", "已完成"


class PlanSource(models.TextChoices):
    DRAWN = "drawn", "按认定名单列入"
    ADDED = "added", "县级增补"


class PlanAction(models.TextChoices):
    DRAW = "draw", "列入计划"
    ADD = "add", "增补列入"
    REMOVE = "remove", "移出计划"


class LookbackReason(models.TextChoices):
    SIGNED_OFF = "signed_off", "已销号"
    CONTROLLED = "controlled", "已管控"
    PRIORITY = "priority", "重点区域未发现隐患"


class SummaryStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"


class Receipt(models.TextChoices):
    # what the prefecture sees per county
    RECEIVED = "received", "已按时报送"
    LATE = "late", "逾期报送"
    MISSING = "missing", "未报送"
