"""三员分立: the system, security and audit administrators are separate roles, none of them
sees household data, and every change of a user or role is audited."""

import pytest
from django.test import Client

from anju.accounts.access import ADMINISTRATORS, CAPABILITIES
from anju.accounts.models import User
from anju.audit.models import AuditEvent
from anju.conftest import CAST, PASSWORD, sign_in

# What the administrators may be granted: the division tree (to set a user's scope), the
# accounts, the audit log, and the reminders' delivery (status and errors, never the text or
# the number: reminders/tests/test_pages.py). Anything else touches households, houses or cases.
ADMINISTRATIVE = ("divisions.view", "accounts.", "audit.", "reminders.outbox")


def test_none_of_the_three_administrators_is_granted_household_data():
    granted = {capability: sorted(roles & ADMINISTRATORS)
               for capability, (roles, _) in CAPABILITIES.items()
               if not capability.startswith(ADMINISTRATIVE) and roles & ADMINISTRATORS}
    assert granted == {}


@pytest.mark.parametrize("username", ["admin", "security", "auditor"])
def test_administrators_are_refused_household_records(api, cast, username, make_household):
    household = make_household()
    assert api(getattr(cast, username)).get("/api/v1/households").status_code == 403
    r = api(getattr(cast, username)).get(f"/api/v1/households/{household.pk}")
    assert r.status_code == 403
    client = sign_in(Client(), getattr(cast, username))
    assert client.get("/registry/households/").status_code == 403


@pytest.mark.parametrize("username, lands_on", [
    ("admin", "/accounts/users/"), ("security", "/accounts/users/"), ("auditor", "/audit/"),
])
def test_administrators_land_on_their_own_pages(cast, username, lands_on):
    r = sign_in(Client(), getattr(cast, username)).get("/")
    assert (r.status_code, r["Location"]) == (302, lands_on)


def test_no_account_exists_that_the_tests_did_not_create(db):
    # Migrations create no user: there is no built-in account with a known password.
    assert set(User.objects.values_list("username", flat=True)) == set(CAST)


def test_system_administrator_creates_a_user_and_changes_the_role(cast):
    admin = sign_in(Client(), cast.admin)
    r = admin.post("/accounts/users/new", {
        "username": "zhaoli", "full_name": "赵丽", "scope": "220581100",
        "role": "township_officer", "department": "", "password": "Zhao#Li-2026x"})
    user = User.objects.get(username="zhaoli")
    assert (r.status_code, r["Location"]) == (302, f"/accounts/users/{user.pk}/")
    r = admin.post(f"/accounts/users/{user.pk}/", {
        "full_name": "赵丽", "scope": "220581100001", "role": "village_cadre",
        "department": "", "is_active": "on"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.scope) == ("village_cadre", "220581100001")
    assert list(AuditEvent.objects.filter(object_id=str(user.pk), object_type="accounts.user")
                .order_by("id").values_list("action", "username")) == [
        ("user_created", "admin"), ("role_changed", "admin")]


def test_system_administrator_cannot_change_their_own_role(cast):
    admin = sign_in(Client(), cast.admin)
    r = admin.post(f"/accounts/users/{cast.admin.pk}/", {
        "full_name": "", "scope": "22", "role": "audit_admin", "department": "",
        "is_active": "on"})
    assert r.status_code == 403
    assert cast.admin.role == "admin"
    assert AuditEvent.objects.get(action="access_denied").details["code"] == (
        "cannot_change_self")


def test_security_administrator_may_not_create_users_nor_the_admin_reset_passwords(cast):
    security = sign_in(Client(), cast.security)
    assert security.get("/accounts/users/new").status_code == 403
    admin = sign_in(Client(), cast.admin)
    r = admin.post(f"/accounts/users/{cast.hongmei.pk}/reset-password",
                   {"new_password": "Reset#Pass-2026"})
    assert r.status_code == 403
    assert cast.hongmei.check_password(PASSWORD)


def test_security_administrator_resets_a_password_and_the_users_sessions_end(cast):
    clerk = sign_in(Client(), cast.hongmei)
    assert clerk.get("/").status_code == 200
    security = sign_in(Client(), cast.security)
    r = security.post(f"/accounts/users/{cast.hongmei.pk}/reset-password",
                      {"new_password": "Reset#Pass-2026"})
    assert r.status_code == 302
    assert clerk.get("/")["Location"].startswith("/login/")
    event = AuditEvent.objects.get(action="password_reset")
    assert (event.username, event.object_id) == ("security", str(cast.hongmei.pk))
