import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from anju.crypto import open_secret, seal_secret


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "安全审计员"
    PREFECTURE_OFFICER = "prefecture_officer", "州市干部"
    COUNTY_OFFICER = "county_officer", "县市干部"
    TOWNSHIP_OFFICER = "township_officer", "乡镇干部"
    VILLAGE_CADRE = "village_cadre", "村干部"
    APPRAISER = "appraiser", "鉴定人员"


class Department(models.TextChoices):
    HOUSING = "housing", "住建"
    CIVIL_AFFAIRS = "civil_affairs", "民政"
    RURAL_REVITALIZATION = "rural_revitalization", "乡村振兴"
    FINANCE = "finance", "财政"
    NATURAL_RESOURCES = "natural_resources", "自然资源"
    EDUCATION = "education", "教育"
    HEALTH = "health", "卫生健康"
    COMMERCE = "commerce", "商务"
    CULTURE_TOURISM = "culture_tourism", "文化和旅游"
    MARKET_REGULATION = "market_regulation", "市场监管"
    TOWNSHIP_GOVERNMENT = "township_government", "乡镇人民政府"
    # 六、责任分工: safe drinking water and the power connection of the new house
    WATER = "water", "水利"
    POWER = "power", "电力"


class User(AbstractUser):
    scope = models.CharField("管辖区划", max_length=12, db_index=True,
                             help_text="区划代码前缀：2/4/6/9/12 位")
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    department = models.CharField("部门", max_length=32, choices=Department.choices, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, so a database dump reveals no token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    @classmethod
    def issue(cls, user) -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, digest=_digest(key),
            expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS),
        )
        return token, key

    @classmethod
    def find(cls, key: str) -> "ApiToken | None":
        """The active token with this key, of an active user; None for anything else."""
        token = cls.objects.active().select_related("user").filter(digest=_digest(key)).first()
        if token is None or not token.user.is_active:
            return None
        return token

    @classmethod
    def user_for(cls, key: str):
        token = cls.find(key)
        return token.user if token else None


class Authenticator(TOTPDevice):
    """A user's authenticator app (django-otp TOTP), its secret encrypted at rest with the field
    keys like the ID numbers (docs/security.md): a database dump alone does not give anyone
    the codes. Anju reads and writes authenticators only through this model."""

    class Meta:
        proxy = True
        verbose_name = "身份验证器"
        verbose_name_plural = "身份验证器"

    def save(self, *args, **kwargs):
        self.key = seal_secret(self.key)
        super().save(*args, **kwargs)

    @property
    def bin_key(self) -> bytes:
        return open_secret(self.key)
