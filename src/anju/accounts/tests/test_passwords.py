"""Password rules (等保 level 3): length, character classes, username, common passwords."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from anju.accounts.actions import create_user
from anju.accounts.commands import CreateUser
from anju.accounts.models import User
from anju.kit.errors import RuleViolation


def refusal_codes(password: str, username: str = "wangfang") -> list[str]:
    try:
        validate_password(password, User(username=username))
    except ValidationError as e:
        return sorted({error.code for error in e.error_list})
    return []


@pytest.mark.parametrize("password", ["Demo@2026!", "Cast@Test-2026", "hongmei-Ling88",
                                      "山城镇Zhen2026", "K9#qv7Lp"])
def test_strong_passwords_are_accepted(password):
    assert refusal_codes(password) == []


@pytest.mark.parametrize("password, code", [
    ("Ab1@xyz", "password_too_short"),  # 7 characters
    ("abcdefgh1", "password_too_simple"),  # two classes
    ("ABCDEFGH!", "password_too_simple"),
    ("qwertzuiopasd", "password_too_simple"),
])
def test_short_or_simple_passwords_are_refused(password, code):
    assert code in refusal_codes(password)


def test_a_password_containing_the_username_is_refused():
    assert "password_contains_username" in refusal_codes("Wangfang#2026", "wangfang")


@pytest.mark.parametrize("password", ["Admin@123", "P@ssw0rd!", "Password1!", "Qwer@1234",
                                      "Woaini1314!", "Anju@2026"])
def test_common_words_with_digits_around_them_are_refused(password):
    assert "password_too_common" in refusal_codes(password)


def test_creating_a_user_with_a_weak_password_is_refused_in_chinese(db):
    with pytest.raises(RuleViolation) as refused:
        create_user(CreateUser(username="lisi", password="lisi12345", scope="220581",
                               role="township_officer"))
    assert refused.value.code == "password_weak"
    assert refused.value.field == "password"
    assert "至少 3 类" in refused.value.message and "不能包含用户名" in refused.value.message
    assert not User.objects.filter(username="lisi").exists()


def test_passwords_are_stored_with_argon2(cast):
    assert cast.shancheng.password.startswith("argon2$argon2id$")
