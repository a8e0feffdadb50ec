"""Logins, failed logins and logouts, from Django's own authentication signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from anju.audit.actions import record
from anju.audit.models import Action, Result
from anju.kit.origin import Origin


def _channel(request) -> str:
    return "api" if request is not None and request.path.startswith("/api/") else "web"


def _origin(request) -> Origin | None:
    # Django's signals hand over the request; it carries its origin once the middleware ran.
    if request is None:
        return None
    return getattr(request, "origin", None) or Origin(
        "page", request.META.get("REMOTE_ADDR"), request.path[:200], request.method)


@receiver(user_logged_in, dispatch_uid="anju.audit.login")
def on_login(sender, request, user, **kwargs):
    record(Action.LOGIN, actor=user, origin=_origin(request),
           details={"channel": _channel(request)})


@receiver(user_login_failed, dispatch_uid="anju.audit.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    # django-axes runs first (installed before anju.audit) and marks a locked-out request.
    locked = bool(getattr(request, "axes_locked_out", False))
    record(Action.LOGIN_FAILED, actor=None, result=Result.REFUSED if locked else Result.FAILED,
           origin=_origin(request), username=str(credentials.get("username") or ""),
           details={"channel": _channel(request),
                    "reason": "locked" if locked else "bad_credentials"})


@receiver(user_logged_out, dispatch_uid="anju.audit.logout")
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        reason = getattr(request, "anju_logout_reason", "")
        action = Action.SESSION_EXPIRED if reason else Action.LOGOUT
        record(action, actor=user, origin=_origin(request),
               details={"reason": reason} if reason else None)
