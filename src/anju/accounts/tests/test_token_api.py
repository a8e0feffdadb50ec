"""Bearer tokens for other systems and the field app (api.md: Auth)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.accounts.models import ApiToken
from anju.conftest import PASSWORD

URL = "/api/v1/auth/token"


def error_of(response) -> tuple:
    e = response.json()["error"]
    return response.status_code, e["code"], e["field"]


def bearer(api, key):
    client = api()
    client.headers["Authorization"] = f"Bearer {key}"
    return client


def test_officer_gets_a_token_that_opens_the_api(api, cast, settings):
    before = timezone.now()
    r = api().post(URL, {"username": "shancheng", "password": PASSWORD})
    assert r.status_code == 200
    key = r.json()["token"]
    token = ApiToken.objects.get(user=cast.shancheng)
    expected = before + timedelta(hours=settings.API_TOKEN_HOURS)
    assert abs(token.expires_at - expected) < timedelta(seconds=5)
    assert bearer(api, key).get("/api/v1/houses").status_code == 200


def test_only_a_digest_of_the_token_is_stored(api, cast):
    key = api().post(URL, {"username": "shancheng", "password": PASSWORD}).json()["token"]
    assert not ApiToken.objects.filter(digest=key).exists()
    assert ApiToken.objects.filter(user=cast.shancheng).count() == 1


@pytest.mark.parametrize("username, password", [
    ("mhk_housing", "wrong-password"), ("nobody", PASSWORD), ("mhk_housing", ""),
])
def test_wrong_credentials_get_no_token(api, cast, username, password):
    r = api().post(URL, {"username": username, "password": password})
    assert error_of(r) == (401, "invalid_credentials", None)
    assert not ApiToken.objects.exists()


def test_deactivated_user_gets_no_token(api, cast):
    user = cast.hongmei
    user.is_active = False
    user.save(update_fields=["is_active"])
    r = api().post(URL, {"username": "hongmei", "password": PASSWORD})
    assert r.status_code == 401


def test_token_request_without_password_is_refused(api):
    r = api().post(URL, {"username": "mhk_housing"})
    assert error_of(r) == (422, "field_required", "password")


def test_unreadable_token_request_is_a_400(api):
    r = api().post(URL, '{"username": ')
    assert error_of(r) == (400, "malformed_json", None)


def test_expired_token_is_refused(api, cast):
    token, key = ApiToken.issue(cast.mhk_housing)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    r = bearer(api, key).get("/api/v1/houses")
    assert error_of(r) == (401, "unauthorized", None)


def test_revoked_token_is_refused(api, cast):
    token, key = ApiToken.issue(cast.mhk_housing)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    r = bearer(api, key).get("/api/v1/houses")
    assert error_of(r) == (401, "unauthorized", None)


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nonsense", "Token abc", "Basic eDp5"])
def test_missing_or_bad_authorization_is_refused(api, header):
    client = api()
    if header:
        client.headers["Authorization"] = header
    r = client.get("/api/v1/households")
    assert error_of(r) == (401, "unauthorized", None)
