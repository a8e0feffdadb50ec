import logging
import re
import time
import uuid

from django.conf import settings
from django.utils.functional import empty

from anju.kit import reads
from anju.operations.routing import LAG_CACHE_SECONDS

log = logging.getLogger("anju.request")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# An ID number (18 characters) or a long digit run (phone, bank account) in a path.
_PERSONAL = re.compile(r"\d{17}[\dXx]|\d{11,}")


def _request_id(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


class RequestLogMiddleware:
    """One JSON line per request: its id (the caller's X-Request-ID or a new one, echoed back),
    the user id, the path without query values, the status and the time taken."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.request_id = _request_id(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        log.info("request", extra={
            "request_id": request.request_id,
            "user_id": _user_id(request),
            "method": request.method,
            "path": _PERSONAL.sub("***", request.path),
            "query_keys": sorted(request.GET.keys()),
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        })
        return response


def _user_id(request) -> int | None:
    # Only a user the request already loaded: the log must not add queries of its own.
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


PRIMARY_COOKIE = "anju_primary"


class ReplicaReadsMiddleware:
    """Each request's read state (anju.kit.reads). A request that saved a record sets a signed
    cookie, and for ANJU_REPLICA_MAX_LAG seconds (plus the lag's cache) that browser's reads
    all go to the primary: by then any replica still in use has the record (ADR 0043)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.REPLICA_READS:
            return self.get_response(request)
        until = request.get_signed_cookie(PRIMARY_COOKIE, default="0", salt=PRIMARY_COOKIE)
        try:
            sticky = float(until) > time.time()
        except ValueError:
            sticky = False
        with reads.reads_of_request(sticky=sticky) as state:
            response = self.get_response(request)
        if state.wrote:
            window = settings.REPLICA_MAX_LAG + LAG_CACHE_SECONDS
            response.set_signed_cookie(
                PRIMARY_COOKIE, str(time.time() + window), salt=PRIMARY_COOKIE,
                max_age=window, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE)
        return response
