"""Sessions end after 30 idle minutes and after 12 hours; a new password ends the others;
API tokens expire and can be revoked."""

import time

import pytest
from django.test import Client

from anju.accounts.middleware import SESSION_CLOCK
from anju.accounts.models import ApiToken
from anju.audit.models import AuditEvent
from anju.conftest import PASSWORD, sign_in

NEW_PASSWORD = "Tiger&Lake-2027"


def set_clock(client, *, started_ago: float, seen_ago: float) -> None:
    session = client.session
    user_id, _, _ = session[SESSION_CLOCK]
    now = time.time()
    session[SESSION_CLOCK] = [user_id, now - started_ago, now - seen_ago]
    session.save()


@pytest.fixture
def clerk(cast):
    client = sign_in(Client(), cast.shancheng)
    assert client.get("/").status_code == 200  # starts the clock
    return client


def test_clerk_idle_for_31_minutes_is_sent_to_the_login(clerk):
    set_clock(clerk, started_ago=40 * 60, seen_ago=31 * 60)
    r = clerk.get("/registry/houses/")
    assert r.status_code == 302
    assert r["Location"] == "/login/?next=%2Fregistry%2Fhouses%2F"
    assert "_auth_user_id" not in clerk.session
    event = AuditEvent.objects.get(action="session_expired")
    assert (event.username, event.details["reason"]) == ("shancheng", "idle_timeout")


def test_clerk_active_every_29_minutes_stays_logged_in(clerk):
    set_clock(clerk, started_ago=5 * 3600, seen_ago=29 * 60)
    assert clerk.get("/").status_code == 200


def test_session_ends_after_12_hours_however_active(clerk):
    set_clock(clerk, started_ago=12 * 3600 + 60, seen_ago=10)
    r = clerk.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert AuditEvent.objects.get(action="session_expired").details["reason"] == (
        "absolute_timeout")


def test_changing_the_password_ends_the_users_other_sessions_and_tokens(cast, api):
    here, elsewhere = sign_in(Client(), cast.shancheng), sign_in(Client(), cast.shancheng)
    _, key = ApiToken.issue(cast.shancheng)
    r = here.post("/accounts/password/", {"old_password": PASSWORD,
                                          "new_password": NEW_PASSWORD,
                                          "new_password2": NEW_PASSWORD})
    assert r.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/")["Location"].startswith("/login/")
    bearer = api()
    bearer.headers["Authorization"] = f"Bearer {key}"
    assert bearer.get("/api/v1/houses").status_code == 401
    event = AuditEvent.objects.get(action="password_changed")
    assert (event.username, event.details["tokens_revoked"]) == ("shancheng", 1)


def test_a_weak_new_password_is_refused_beside_its_field(cast):
    client = sign_in(Client(), cast.shancheng)
    r = client.post("/accounts/password/", {"old_password": PASSWORD,
                                            "new_password": "shancheng1",
                                            "new_password2": "shancheng1"})
    assert r.status_code == 200
    assert "不能包含用户名" in r.content.decode()
    cast.shancheng.refresh_from_db()
    assert cast.shancheng.check_password(PASSWORD)


def test_a_caller_revokes_its_own_token(api, cast):
    _, key = ApiToken.issue(cast.shancheng)
    client = api()
    client.headers["Authorization"] = f"Bearer {key}"
    assert client._send("delete", "/api/v1/auth/token").status_code == 204
    r = client.get("/api/v1/houses")
    assert (r.status_code, r.json()["error"]["code"]) == (401, "unauthorized")
    assert AuditEvent.objects.filter(action="token_revoked", username="shancheng").count() == 1


def test_a_change_of_role_revokes_the_users_tokens(api, cast):
    from anju.accounts.actions import change_user
    from anju.accounts.commands import UpdateUser

    _, key = ApiToken.issue(cast.hongmei)
    change_user(cast.hongmei, UpdateUser(role="village_cadre"), acting_user=cast.admin)
    client = api()
    client.headers["Authorization"] = f"Bearer {key}"
    assert client.get("/api/v1/houses").status_code == 401
