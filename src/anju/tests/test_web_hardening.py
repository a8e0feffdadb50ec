"""The default install is safe on the web: CSRF on every form, a Content-Security-Policy
without inline scripts, a clean `check --deploy` in production, upload limits, no stack
traces for users."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client

from anju.conftest import PASSWORD, sign_in
from anju.crypto import new_key

SRC = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(SRC.glob("anju/**/templates/**/*.html"))


def test_pages_carry_a_content_security_policy_without_inline_scripts(db):
    policy = Client().get("/login/")["Content-Security-Policy"]
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_template_has_inline_script_or_style(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text.replace(
        '<script type="application/json"', "")), "inline <script>"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"
    if '{% extends "base.html" %}' in text:  # pages; documents for PDF carry their own CSS
        assert not re.search(r"\sstyle=|<style", text), "inline style"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_post_form_carries_the_csrf_token(template):
    text = template.read_text()
    for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", text, re.S | re.I):
        assert "{% csrf_token %}" in form


def test_a_post_without_the_csrf_token_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    r = client.post("/login/", {"username": "shancheng", "password": PASSWORD})
    assert r.status_code == 403


def test_production_settings_pass_check_deploy(tmp_path):
    env = {**os.environ, "ANJU_DATA_DIR": str(tmp_path), "ANJU_HTTPS": "true",
           "ANJU_DEBUG": "false", "ANJU_ALLOWED_HOSTS": "anju.example.gov.cn",
           "ANJU_SECRET_KEY": secrets.token_urlsafe(50),
           "ANJU_FIELD_KEYS": new_key(),
           "ANJU_LOOKUP_KEY": secrets.token_urlsafe(32),
           "DJANGO_SETTINGS_MODULE": "anju.settings"}
    env.pop("ANJU_REQUIRE_TOTP", None)
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy",
                           "--fail-level", "WARNING"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "System check identified no issues" in done.stdout


def test_check_deploy_warns_about_keys_kept_beside_the_data(tmp_path):
    env = {**os.environ, "ANJU_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE":
           "anju.settings"}
    for name in ("ANJU_SECRET_KEY", "ANJU_FIELD_KEYS", "ANJU_LOOKUP_KEY"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "django", "check", "--deploy"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert "anju.W001" in done.stderr + done.stdout


def test_an_oversized_upload_is_refused_before_it_is_read(api, cast, make_house, settings):
    settings.MAX_REQUEST_BYTES = 4096
    house = make_house()
    r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments", {
        "kind": "photo", "file": ("big.jpg", b"\xff\xd8\xff" + b"0" * 8000)})
    assert (r.status_code, r.json()["error"]["code"]) == (413, "request_too_large")


def test_an_unexpected_error_shows_no_stack_trace_on_a_page(cast):
    client = sign_in(Client(raise_request_exception=False), cast.shancheng)
    with mock.patch("anju.views.children_for_user", side_effect=RuntimeError("secret detail")):
        r = client.get("/")
    body = r.content.decode()
    assert r.status_code == 500
    assert "服务器内部错误" in body
    assert "Traceback" not in body and "secret detail" not in body


def test_an_unexpected_error_shows_no_stack_trace_in_the_api(api, cast):
    with mock.patch("anju.registry.api.houses_for_user", side_effect=RuntimeError("secret")):
        r = api(cast.shancheng).get("/api/v1/houses")
    assert r.status_code == 500
    assert r.json() == {"error": {"code": "internal_error",
                                  "message": "服务器内部错误，请稍后再试或联系管理员",
                                  "field": None, "rule": None, "rule_url": None}}
