"""Session rules applied to every request: the idle and absolute timeouts, and the second
factor that administrators and full-view roles must pass before any page opens."""

import time
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse

from anju.accounts.rules import needs_second_factor

SESSION_CLOCK = "anju_clock"  # [user id, started, last seen] in epoch seconds
SEEN_RESOLUTION = 60  # write the session at most once a minute for the idle clock


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            if reason := self._expired(request):
                request.anju_logout_reason = reason  # the audit records a timeout, not a logout
                logout(request)
                if not _is_api(request):
                    messages.info(request, "登录已超时，请重新登录")
                    return redirect(f"{reverse(settings.LOGIN_URL)}?"
                                    f"{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _expired(request) -> str:
        now = time.time()
        clock = request.session.get(SESSION_CLOCK)
        if not clock or clock[0] != request.user.pk:
            request.session[SESSION_CLOCK] = [request.user.pk, now, now]
            return ""
        _, started, seen = clock
        if now - started > settings.SESSION_MAX_HOURS * 3600:
            return "absolute_timeout"
        if now - seen > settings.SESSION_IDLE_MINUTES * 60:
            return "idle_timeout"
        if now - seen > SEEN_RESOLUTION:
            request.session[SESSION_CLOCK] = [request.user.pk, started, now]
        return ""


class SecondFactorMiddleware:
    """A session that passed the password but still owes a one-time password reaches only the
    pages that take it (or set it up), the logout and the language switch; the API treats it
    as not logged in (401)."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def open_paths(self) -> tuple[str, ...]:
        return (reverse("accounts:otp_verify"), reverse("accounts:otp_setup"),
                reverse("logout"), reverse("set_language"), reverse("healthz"))

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not user.is_verified()
                and needs_second_factor(user)):
            if _is_api(request):
                request.user = AnonymousUser()
            elif not (request.path in self.open_paths
                      or request.path.startswith(f"/{settings.STATIC_URL.strip('/')}/")):
                from django_otp import user_has_device

                target = ("accounts:otp_verify" if user_has_device(user, confirmed=True)
                          else "accounts:otp_setup")
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
