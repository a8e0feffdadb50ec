from django.conf import settings
from django.db import models
from django.utils import timezone


class Action(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    SESSION_EXPIRED = "session_expired", "会话超时"
    OTP_VERIFIED = "otp_verified", "动态口令验证"
    OTP_FAILED = "otp_failed", "动态口令错误"
    OTP_ENROLLED = "otp_enrolled", "绑定动态口令"
    OTP_RESET = "otp_reset", "重置动态口令"
    ACCESS_DENIED = "access_denied", "越权访问被拒绝"
    FULL_VIEW = "full_view", "查看完整敏感信息"
    TRANSITION = "transition", "状态变更"
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "下载附件"
    IMPORT = "import", "导入"
    USER_CREATED = "user_created", "新建用户"
    USER_CHANGED = "user_changed", "修改用户"
    ROLE_CHANGED = "role_changed", "变更角色"
    PASSWORD_CHANGED = "password_changed", "修改密码"
    PASSWORD_RESET = "password_reset", "重置密码"
    ACCOUNT_UNLOCKED = "account_unlocked", "解除锁定"
    TOKEN_REVOKED = "token_revoked", "吊销令牌"
    KEYS_ROTATED = "keys_rotated", "轮换密钥"


class Result(models.TextChoices):
    OK = "ok", "成功"
    FAILED = "failed", "失败"
    REFUSED = "refused", "拒绝"


class AuditEventQuerySet(models.QuerySet):
    # Append-only: the application has no way to change or remove a row. The database
    # refuses both as well (migration 0002), for anyone who goes around the ORM.
    def update(self, **kwargs):
        raise PermissionError("审计记录只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计记录只能追加，不能删除")


class AuditEvent(models.Model):
    """One security-relevant event: who, when (with offset), what, on what, with what result,
    from where. Written by anju.audit.actions.record only."""

    at = models.DateTimeField("时间", default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="用户")
    # Kept as written at the time: the name tried in a failed login, the role then held.
    username = models.CharField("用户名", max_length=150, blank=True)
    role = models.CharField("角色", max_length=32, blank=True)
    action = models.CharField("操作", max_length=32, choices=Action.choices)
    result = models.CharField("结果", max_length=8, choices=Result.choices, default=Result.OK)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    division_code = models.CharField("区划", max_length=12, blank=True)
    client_ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)
    details = models.JSONField("详情", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        indexes = [
            models.Index(fields=["at"], name="audit_at_idx"),
            models.Index(fields=["username", "at"], name="audit_user_idx"),
            models.Index(fields=["action", "at"], name="audit_action_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise PermissionError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计记录只能追加，不能删除")
