"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS):
three of four character classes, not the username, not a common word with digits around it."""

import re

from django.core.exceptions import ValidationError

from anju.kit.errors import Code

CLASSES = (("小写字母", re.compile(r"[a-z]")), ("大写字母", re.compile(r"[A-Z]")),
           ("数字", re.compile(r"[0-9]")), ("符号", re.compile(r"[^a-zA-Z0-9]")))

# Words that common passwords are built on; "Admin@123" or "P@ssw0rd!" pass the class rule
# but are among the first an attacker tries (Django's CommonPasswordValidator has the rest).
BASE_WORDS = frozenset({
    "password", "passwd", "admin", "administrator", "root", "system", "super", "manager",
    "qwerty", "qwer", "asdf", "zxcv", "qazwsx", "abc", "abcd", "abcde", "abcdef", "aa", "qq",
    "iloveyou", "woaini", "welcome", "letmein", "test", "user", "guest", "anju", "china",
})
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s",
                       "5": "s", "7": "t"})
_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if sum(1 for _, pattern in CLASSES if pattern.search(password)) < self.min_classes:
            raise ValidationError(self.get_help_text(), code=Code.PASSWORD_TOO_SIMPLE)

    def get_help_text(self):
        return f"密码应包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。"


class UsernameNotContainedValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(self.get_help_text(), code=Code.PASSWORD_CONTAINS_USERNAME)

    def get_help_text(self):
        return "密码不能包含用户名。"


def base_word(password: str) -> str:
    """'P@ssw0rd123!' -> 'password': lower case, digits read as letters, edges stripped."""
    lowered = password.lower()
    stripped = _EDGES.sub("", lowered)
    return _EDGES.sub("", stripped.translate(_LEET)) if stripped else ""


class CommonBaseWordValidator:
    def validate(self, password, user=None):
        lowered = password.lower()
        candidates = {base_word(password), _EDGES.sub("", lowered), lowered.translate(_LEET)}
        if candidates & BASE_WORDS:
            raise ValidationError(self.get_help_text(), code=Code.PASSWORD_TOO_COMMON)

    def get_help_text(self):
        return "密码不能是常见单词加数字或符号（如 Admin@123、P@ssw0rd）。"
