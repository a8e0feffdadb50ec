"""The second factor (TOTP): required of the administrators and of the roles that may see
full ID and account numbers, offered to everyone."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from anju.accounts import actions
from anju.accounts.commands import VerifySecondFactor
from anju.accounts.models import ApiToken, Authenticator
from anju.audit.models import AuditEvent
from anju.conftest import PASSWORD

TOKEN_URL = "/api/v1/auth/token"


def code_of(device: Authenticator) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def device_for(user) -> Authenticator:
    return Authenticator.objects.create(user=user, name="phone", confirmed=True)


def logged_in(user) -> Client:
    client = Client()
    r = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302
    return client


def test_admin_without_totp_cannot_reach_admin_pages(cast):
    client = logged_in(cast.admin)
    for path in ("/accounts/users/", "/accounts/users/new", "/"):
        r = client.get(path)
        assert r.status_code == 302, path
        assert r["Location"].startswith("/accounts/otp/setup/?next="), path


def test_admin_with_an_authenticator_enters_the_code_before_admin_pages(cast):
    device = device_for(cast.admin)
    client = logged_in(cast.admin)
    r = client.get("/accounts/users/")
    assert r["Location"] == "/accounts/otp/?next=%2Faccounts%2Fusers%2F"

    r = client.post("/accounts/otp/", {"token": "000000", "next": "/accounts/users/"})
    assert r.status_code == 200
    assert "动态口令不正确" in r.content.decode()
    assert client.get("/accounts/users/").status_code == 302
    # django-otp makes the next try wait after a wrong code (1 s, doubling each time); the
    # wait is set long and from now, so a slow machine does not outlast it.
    Authenticator.objects.filter(pk=device.pk).update(
        throttling_failure_count=4, throttling_failure_timestamp=timezone.now())
    r = client.post("/accounts/otp/", {"token": code_of(device), "next": "/accounts/users/"})
    assert r.status_code == 200
    Authenticator.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=60))

    r = client.post("/accounts/otp/", {"token": code_of(device), "next": "/accounts/users/"})
    assert r.status_code == 302 and r["Location"] == "/accounts/users/"
    assert client.get("/accounts/users/").status_code == 200
    assert list(AuditEvent.objects.filter(username="admin").order_by("id")
                .values_list("action", "result")) == [
        ("login", "ok"), ("otp_failed", "failed"), ("otp_failed", "failed"),
        ("otp_verified", "ok")]


def test_admin_binds_an_authenticator_at_first_login(cast):
    client = logged_in(cast.admin)
    page = client.get("/accounts/otp/setup/").content.decode()
    assert "必须使用动态口令" in page
    assert re.search(r'<img src="data:image/svg\+xml[^"]+"', page)
    device = Authenticator.objects.get(user=cast.admin, confirmed=False)
    assert re.search(r'id="otp-secret">([A-Z2-7]{32,})<', page)

    r = client.post("/accounts/otp/setup/", {"token": code_of(device), "next": "/"})
    assert r.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/accounts/users/").status_code == 200
    assert AuditEvent.objects.filter(action="otp_enrolled", username="admin").count() == 1


def test_a_password_alone_cannot_replace_an_enrolled_authenticator(cast):
    device_for(cast.admin)
    client = logged_in(cast.admin)
    r = client.get("/accounts/otp/setup/")
    assert r.status_code == 302 and r["Location"] == "/accounts/otp/"
    assert Authenticator.objects.filter(user=cast.admin).count() == 1


@pytest.mark.parametrize("username", ["mhk_housing", "mhk_finance", "admin", "security",
                                      "auditor"])
def test_full_view_roles_and_administrators_need_a_code_for_an_api_token(api, cast, username):
    r = api().post(TOKEN_URL, {"username": username, "password": PASSWORD})
    assert r.status_code == 401
    assert (r.json()["error"]["code"], r.json()["error"]["field"]) == ("otp_required", "otp")

    r = api().post(TOKEN_URL, {"username": username, "password": PASSWORD, "otp": "123456"})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "otp_invalid")

    device = device_for(getattr(cast, username))
    r = api().post(TOKEN_URL, {"username": username, "password": PASSWORD,
                               "otp": code_of(device)})
    assert r.status_code == 200
    assert ApiToken.objects.filter(user__username=username).count() == 1


def test_a_township_officer_logs_in_with_the_password_alone(cast):
    client = logged_in(cast.shancheng)
    assert client.get("/").status_code == 200


def test_anyone_may_bind_an_authenticator_and_then_needs_it(api, cast):
    client = logged_in(cast.shancheng)
    client.get("/accounts/otp/setup/")
    device = Authenticator.objects.get(user=cast.shancheng)
    client.post("/accounts/otp/setup/", {"token": code_of(device)})
    r = api().post(TOKEN_URL, {"username": "shancheng", "password": PASSWORD})
    assert (r.status_code, r.json()["error"]["code"]) == (401, "otp_required")
    assert logged_in(cast.shancheng).get("/")["Location"].startswith("/accounts/otp/?next=")


def test_a_session_still_owing_the_code_is_not_logged_in_for_the_api(cast):
    client = logged_in(cast.mhk_housing)
    r = client.get("/api/v1/houses")
    assert (r.status_code, r.json()["error"]["code"]) == (401, "unauthorized")


def test_the_demo_can_turn_the_requirement_off(api, cast, settings):
    settings.REQUIRE_TOTP = False
    r = api().post(TOKEN_URL, {"username": "mhk_housing", "password": PASSWORD})
    assert r.status_code == 200
    assert logged_in(cast.admin).get("/accounts/users/").status_code == 200


def test_an_authenticator_secret_is_stored_encrypted_and_still_gives_the_codes(cast):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = device_for(cast.admin)
    stored = TOTPDevice.objects.values_list("key", flat=True).get(pk=device.pk)
    assert stored.startswith("enc1:") and len(stored) <= 80  # django-otp's column
    code = VerifySecondFactor(token=code_of(device))
    assert actions.verify_second_factor(cast.admin, code) is not None


def test_secrets_of_an_older_install_are_sealed_and_survive_a_key_rotation(cast, settings):
    from importlib import import_module

    from django.apps import apps
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from anju.crypto import new_key

    old = TOTPDevice.objects.create(user=cast.auditor, name="old", confirmed=True)  # plain hex
    secret = bytes.fromhex(old.key)
    import_module("anju.accounts.migrations.0003_authenticator").seal(apps, None)
    sealed = Authenticator.objects.get(pk=old.pk)
    assert sealed.key.startswith("enc1:") and sealed.bin_key == secret
    settings.FIELD_KEYS = [new_key(), *settings.FIELD_KEYS]
    call_command("rotate_keys", stdout=open("/dev/null", "w"))
    settings.FIELD_KEYS = settings.FIELD_KEYS[:1]  # the old key can go now
    assert Authenticator.objects.get(pk=old.pk).bin_key == secret
    assert actions.verify_second_factor(cast.auditor,
                                        VerifySecondFactor(token=code_of(sealed))) is not None
