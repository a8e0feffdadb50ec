"""Who may do what (accounts/access.py) and how users are created."""

import pytest

from anju.accounts.access import can
from anju.accounts.actions import create_user
from anju.accounts.commands import CreateUser
from anju.kit.errors import Conflict, RuleViolation


@pytest.mark.parametrize("username, capability, allowed", [
    ("admin", "registry.edit", False),
    ("admin", "registry.view", False),
    ("security", "registry.view", False),
    ("auditor", "registry.view", False),
    ("mhk_housing", "registry.edit", True),
    ("shancheng", "registry.edit", True),
    ("cadre", "registry.edit", True),
    ("appraiser1", "registry.edit", False),
    ("changji", "registry.edit", False),
    ("appraiser1", "registry.view", True),
    ("changji", "registry.view", True),
    # full ID, phone and account numbers: the county departments that certify, approve and pay
    ("mhk_civil", "registry.reveal", True),
    ("mhk_rural", "registry.reveal", True),
    ("mhk_housing", "registry.reveal", True),
    ("mhk_finance", "registry.reveal", True),
    ("shancheng", "registry.reveal", False),
    ("cadre", "registry.reveal", False),
    ("appraiser1", "registry.reveal", False),
    ("admin", "registry.reveal", False),
    ("admin", "accounts.manage", True),
    ("security", "accounts.manage", False),
    ("auditor", "accounts.manage", False),
    ("mhk_housing", "accounts.manage", False),
    ("security", "accounts.security", True),
    ("admin", "accounts.security", False),
    ("auditor", "audit.view", True),
    ("admin", "audit.view", False),
    ("security", "audit.view", False),
])
def test_capabilities_follow_role_and_department(cast, username, capability, allowed):
    assert can(getattr(cast, username), capability) is allowed


def test_only_the_departments_of_a_housing_case_record_its_applications_and_notices(cast):
    health = cast.mhk_health
    assert not can(health, "assistance.apply")
    assert can(health, "assistance.view")
    for username in ("cadre", "shancheng", "mhk_civil", "mhk_rural", "mhk_housing"):
        assert can(getattr(cast, username), "assistance.apply"), username


def test_deactivated_user_may_do_nothing(cast):
    user = cast.mhk_housing
    user.is_active = False
    assert not can(user, "registry.view")


def test_user_is_created_with_scope_role_and_department(db):
    user = create_user(CreateUser(username="mhk_housing2", password="Anju@Strong-2026",
                                  scope="220581", role="county_officer", department="housing",
                                  full_name="赵工"))
    assert (user.scope, user.role, user.department, user.first_name) == (
        "220581", "county_officer", "housing", "赵工")
    assert user.check_password("Anju@Strong-2026")


@pytest.mark.parametrize("fields, error, code, field", [
    ({"username": "mhk_housing"}, Conflict, "username_taken", "username"),
    ({"role": "mayor"}, RuleViolation, "role_invalid", "role"),
    ({"department": "army"}, RuleViolation, "department_invalid", "department"),
    ({"scope": "229999"}, RuleViolation, "division_unknown", "scope"),
    ({"password": "12345678"}, RuleViolation, "password_weak", "password"),
])
def test_user_with_bad_details_is_refused(cast, fields, error, code, field):
    values = {"username": "newcomer", "password": "Anju@Strong-2026", "scope": "220581",
              "role": "county_officer", "department": "housing", **fields}
    with pytest.raises(error) as refused:
        create_user(CreateUser(**values))
    assert (refused.value.code, refused.value.field) == (code, field)
