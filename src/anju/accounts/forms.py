"""The account pages' forms, generated from the account commands (CommandForm): validating
reads only, saving runs the verb, each error beside its field."""

from django import forms

from anju.accounts import actions
from anju.accounts.commands import (
    PASSWORD_HELP,
    ChangeOwnPassword,
    ConfirmSecondFactor,
    CreateUser,
    ResetPassword,
    UpdateUser,
    VerifySecondFactor,
)
from anju.web.forms import CommandForm


def _password(label: str, autocomplete: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text,
                           widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}))


def _code() -> forms.CharField:
    return forms.CharField(label="动态口令", max_length=8, min_length=6,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                         "inputmode": "numeric",
                                                         "autofocus": True}))


class VerifyCodeForm(CommandForm):
    """The second step of a login; `saved` is the user's (`target`) authenticator when the
    code is right, else None (the page says so)."""

    command = VerifySecondFactor
    token = _code()

    def act(self, cmd):
        return actions.verify_second_factor(self.target, cmd, origin=self.origin)


class ConfirmCodeForm(CommandForm):
    """The first code of a new authenticator (`target`); `saved` says whether it bound."""

    command = ConfirmSecondFactor
    verb = actions.confirm_second_factor
    token = _code()


class PasswordChangeForm(CommandForm):
    command = ChangeOwnPassword
    verb = actions.change_own_password
    old_password = _password("原密码", "current-password")
    new_password = _password("新密码", "new-password",
                             f"{PASSWORD_HELP}，不能包含用户名")
    new_password2 = _password("再次输入新密码", "new-password")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") != cleaned.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return cleaned


class UserForm(CommandForm):
    """A new user, made by the system administrator."""

    command = CreateUser
    verb = actions.create_user
    password = _password("初始密码", "new-password", PASSWORD_HELP)


class UserChangeForm(CommandForm):
    """The system administrator's change of a user (`target`): every field on the page is
    sent, as the page shows them all."""

    command = UpdateUser
    verb = actions.change_user

    def setup(self):
        user = self.target
        for name, value in (("full_name", user.first_name), ("scope", user.scope),
                            ("role", user.role), ("department", user.department),
                            ("is_active", user.is_active)):
            self.initial.setdefault(name, value)

    def command_data(self, values):
        return {name: self.cleaned_data.get(name) for name in self.specs}


class PasswordResetForm(CommandForm):
    command = ResetPassword
    verb = actions.reset_password
    new_password = _password("新密码", "new-password")
