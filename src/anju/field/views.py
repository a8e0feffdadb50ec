"""The field app's pages (信息采集助手, ADR 0022): the app shell, a login page like any other,
and the service worker and manifest that make it installable and usable with no signal. The
data comes from the field API; these views only serve the client."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from anju.accounts.access import public, requires
from anju.divisions.models import Division
from anju.kit import glossary
from anju.security import CONTENT_SECURITY_POLICY

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static" / "field"
TEMPLATES = (HERE / "templates" / "field" / "app.html", HERE / "templates" / "field" / "sw.js")
# Photos waiting in the phone's store are shown from blob: URLs; nothing else is widened.
FIELD_CSP = CONTENT_SECURITY_POLICY.replace("img-src 'self' data:", "img-src 'self' data: blob:")
APP_NAME = "安居 · 信息采集助手"


def _asset_files() -> list[Path]:
    return sorted(p for p in STATIC_DIR.rglob("*") if p.is_file())


def _compute_version() -> str:
    digest = hashlib.sha256()
    for path in [*_asset_files(), *TEMPLATES]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_cached_version = lru_cache(maxsize=1)(_compute_version)


def client_version() -> str:
    """A fingerprint of the client's files: a new one makes phones fetch the new client."""
    return _compute_version() if settings.DEBUG else _cached_version()


def _asset_urls() -> list[str]:
    return [static(f"field/{p.relative_to(STATIC_DIR).as_posix()}") for p in _asset_files()]


@require_GET
@requires("field.sync")
def app(request):
    scope = request.user.scope
    place = Division.objects.filter(code=scope).values_list("name", flat=True).first() or scope
    response = render(request, "field/app.html", {
        "place": place, "version": client_version(), "house_unit": glossary.HOUSE,
        "name": request.user.get_full_name() or request.user.username})
    response["Content-Security-Policy"] = FIELD_CSP
    # The service worker keeps its own copy; the browser cache must not hold an old shell.
    response["Cache-Control"] = "no-cache, private"
    return response


@require_GET
@never_cache
@requires("field.sync")
def session(request):
    """Who is logged in, with a fresh CSRF token for the API's writes (the shell the service
    worker kept may carry an older one)."""
    from django.middleware.csrf import get_token

    user = request.user
    return JsonResponse({"username": user.username, "name": user.get_full_name(),
                         "scope": user.scope, "csrf_token": get_token(request)})


@require_GET
@public
def service_worker(request):
    # Served from /field/ rather than /static/, so that its scope covers the app.
    body = render(request, "field/sw.js", {
        "version": client_version(),
        "shell": reverse("field:app"),
        "assets": json.dumps(_asset_urls() + [reverse("field:manifest")]),
    }).content
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("field:app")
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@public
def manifest(request):
    start = reverse("field:app")
    icons = [
        {"src": static("field/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("field/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {"src": static("field/icons/icon-maskable-512.png"), "sizes": "512x512",
         "type": "image/png", "purpose": "maskable"},
    ]
    body = {"name": APP_NAME, "short_name": "信息采集", "lang": "zh-CN", "dir": "ltr",
            "description": "农村房屋安全排查、检查、核实的离线采集", "start_url": start,
            "scope": start, "id": start, "display": "standalone", "orientation": "portrait",
            "background_color": "#f5f6f8", "theme_color": "#1b5e8c", "icons": icons}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    return response
