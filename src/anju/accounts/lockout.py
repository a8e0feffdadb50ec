"""Lockout after repeated failed logins (django-axes), and how a lockout is answered."""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render

from anju.kit.errors import Code


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return f"连续登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试或联系安全管理员解锁"


class LoginAttempts(AxesDatabaseHandler):
    """django-axes counts failures per username (AXES_LOCKOUT_PARAMETERS); this adds a limit
    per client address over all usernames, so one address cannot try every account."""

    def get_failures(self, request, credentials=None) -> int:
        failures = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address and failures < settings.AXES_FAILURE_LIMIT:
            from_address = (AccessAttempt.objects
                            .filter(ip_address=address,
                                    attempt_time__gte=get_cool_off_threshold(request))
                            .aggregate(n=Sum("failures_since_start"))["n"] or 0)
            if from_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
                return settings.AXES_FAILURE_LIMIT
        return failures


def lockout_response(request, original_response=None, credentials=None):
    """429 with the API's error body for the API, the login page with the reason for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": Code.ACCOUNT_LOCKED, "message": lockout_message(),
                                       "field": None, "rule": None}}, status=429)
    return render(request, "registration/login.html",
                  {"form": AuthenticationForm(request), "lockout": lockout_message()},
                  status=429)
