"""The field app as the browser gets it: the shell for those who may capture, the service worker
and manifest that make it installable and offline, and the session + CSRF token its API calls
use."""

import json
import re
import uuid
from datetime import date

from django.test import Client

from anju.conftest import SHANCHENG_V1, sign_in
from anju.field.views import client_version


def page(user, path="/field/"):
    return sign_in(Client(), user).get(path)


def test_the_app_asks_for_a_login_first(db):
    response = Client().get("/field/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/field/"


def test_village_cadre_opens_the_app_in_chinese_on_a_phone_page(cast):
    response = page(cast.cadre)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-Hans">' in body
    assert 'name="viewport" content="width=device-width, initial-scale=1' in body
    assert '<link rel="manifest" href="/field/manifest.webmanifest">' in body
    assert 'data-sw="/field/sw.js" data-scope="/field/"' in body
    assert 'data-user="cadre"' in body
    for tab in ("我的房屋", "采集队列", "设置"):
        assert tab in body
    assert re.search(r'data-csrf="[A-Za-z0-9]{32,}"', body)


def test_the_app_runs_no_inline_script_and_allows_only_blob_images_beyond_the_site(cast):
    response = page(cast.cadre)
    body = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body) == []
    assert re.search(r"<[^>]*\son[a-z]+=", body) is None
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "img-src 'self' data: blob:;" in policy
    # Other pages keep the site-wide policy, without blob: images.
    other = sign_in(Client(), cast.cadre).get("/registry/houses/")
    assert "blob:" not in other["Content-Security-Policy"]


def test_roles_that_hold_no_household_data_get_no_field_app(cast):
    for user in (cast.admin, cast.auditor, cast.security):
        client = sign_in(Client(), user)
        assert client.get("/field/").status_code == 403
        assert client.get("/field/session").status_code == 403


def test_the_top_menu_links_to_the_field_app_for_those_who_capture(cast):
    assert 'href="/field/"' in page(cast.shancheng, "/").content.decode()
    assert 'href="/field/"' not in page(cast.auditor, "/audit/").content.decode()


def test_the_service_worker_is_served_from_the_app_path_with_its_scope(db):
    response = Client().get("/field/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/field/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert f'const VERSION = "{client_version()}";' in body
    assets = json.loads(re.search(r"const ASSETS = (\[.*?\]);", body).group(1))
    for name in ("app.js", "db.js", "queue.js", "validate.js", "forms.js", "photos.js",
                 "app.css", "icons/icon-192.png"):
        assert f"/static/field/{name}" in assets
    assert "/field/manifest.webmanifest" in assets
    assert 'const SHELL = "/field/";' in body


def test_the_manifest_makes_an_installable_chinese_app(db):
    response = Client().get("/field/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["start_url"] == manifest["scope"] == "/field/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "zh-CN" and "信息采集" in manifest["name"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert Client().get(icon["src"]).status_code == 200


def test_the_session_gives_a_token_that_lets_the_app_send_a_capture(cast, make_house):
    house = make_house(SHANCHENG_V1)
    client = sign_in(Client(enforce_csrf_checks=True), cast.cadre)
    who = client.get("/field/session")
    assert who.status_code == 200 and who["Cache-Control"].startswith("max-age=0")
    data = who.json()
    assert data["username"] == "cadre"
    capture = {"client_uuid": str(uuid.uuid4()), "kind": "screening",
               "captured_at": "2026-11-20T09:30:00+08:00", "lat": 42.5, "lng": 125.7,
               "accuracy_m": 9.0, "base_version": house.version, "photos": [],
               "payload": {"house_id": house.pk, "checked_on": date.today().isoformat(),
                           "level": "village", "items": []}}
    url = "/api/v1/field/submissions"
    refused = client.post(url, capture, content_type="application/json")
    assert refused.status_code == 403  # the session alone is not enough to write
    sent = client.post(url, capture, content_type="application/json",
                       headers={"X-CSRFToken": data["csrf_token"]})
    assert sent.status_code == 201, sent.content
    assert sent.json()["status"] == "applied"


def test_an_ended_session_sends_the_app_to_the_login_not_an_error(db):
    response = Client().get("/field/session")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
