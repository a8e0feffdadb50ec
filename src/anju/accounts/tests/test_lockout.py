"""Five wrong passwords in a row lock the account for 30 minutes (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

from anju.accounts.models import ApiToken
from anju.audit.models import AuditEvent
from anju.conftest import PASSWORD

URL = "/api/v1/auth/token"


def try_token(api, username, password):
    r = api().post(URL, {"username": username, "password": password})
    return r.status_code, (r.json().get("error") or {}).get("code")


def test_sixth_attempt_after_five_wrong_passwords_is_refused_even_with_the_right_one(api, cast):
    answers = [try_token(api, "shancheng", "Wrong@pass1") for _ in range(5)]
    assert answers == [(401, "invalid_credentials")] * 4 + [(429, "account_locked")]
    assert try_token(api, "shancheng", PASSWORD) == (429, "account_locked")
    assert not ApiToken.objects.filter(user=cast.shancheng).exists()
    failed = AuditEvent.objects.filter(action="login_failed", username="shancheng")
    assert [e.details["reason"] for e in failed.order_by("id")] == (
        ["bad_credentials"] * 4 + ["locked", "locked"])


def test_four_wrong_passwords_then_the_right_one_logs_in_and_resets_the_count(api, cast):
    for _ in range(4):
        try_token(api, "shancheng", "Wrong@pass1")
    assert try_token(api, "shancheng", PASSWORD) == (200, None)
    assert not AccessAttempt.objects.filter(username="shancheng").exists()


def test_lock_lifts_after_thirty_minutes(api, cast):
    for _ in range(5):
        try_token(api, "shancheng", "Wrong@pass1")
    assert try_token(api, "shancheng", PASSWORD) == (429, "account_locked")
    # 29 minutes later: still locked; 31 minutes after the fifth failure: open again.
    attempt = AccessAttempt.objects.get(username="shancheng")
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - timedelta(minutes=29))
    assert try_token(api, "shancheng", PASSWORD) == (429, "account_locked")
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - timedelta(minutes=31))
    assert try_token(api, "shancheng", PASSWORD) == (200, None)


def test_the_login_page_tells_a_locked_out_clerk_in_chinese(cast):
    client = Client()
    for _ in range(5):
        r = client.post("/login/", {"username": "hongmei", "password": "Wrong@pass1"})
    assert r.status_code == 429
    assert "账户已锁定，请 30 分钟后再试" in r.content.decode()
    r = client.post("/login/", {"username": "hongmei", "password": PASSWORD})
    assert r.status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_trying_many_accounts_is_refused(api, cast, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for name in ("mhk_civil", "mhk_rural", "mhk_finance"):
        try_token(api, name, "Wrong@pass1")
        try_token(api, name, "Wrong@pass1")
    # None of those accounts has five failures, but this address has six.
    assert try_token(api, "shancheng", PASSWORD) == (429, "account_locked")


def test_a_security_administrator_lifts_a_lock_early(api, cast):
    from anju.accounts.actions import unlock

    for _ in range(5):
        try_token(api, "shancheng", "Wrong@pass1")
    unlock(cast.shancheng, acting_user=cast.security)
    assert try_token(api, "shancheng", PASSWORD) == (200, None)
    event = AuditEvent.objects.get(action="account_unlocked")
    assert (event.username, event.object_id) == ("security", str(cast.shancheng.pk))


@pytest.mark.parametrize("username", ["admin", "mhk_housing"])
def test_lock_applies_to_the_account_whatever_the_second_factor(api, cast, username):
    for _ in range(5):
        try_token(api, username, "Wrong@pass1")
    assert try_token(api, username, PASSWORD)[0] == 429
