from django import forms

from anju.accounts.models import Department, Role

BLANK = [("", "—— 请选择 ——")]


class CodeForm(forms.Form):
    token = forms.CharField(label="动态口令", max_length=8, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                          "inputmode": "numeric",
                                                          "autofocus": True}))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}),
        help_text="至少 8 位，含小写字母、大写字母、数字、符号中的至少 3 类，不能包含用户名")
    new_password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") != cleaned.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return cleaned


class UserForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名或单位", max_length=150, required=False)
    scope = forms.CharField(label="管辖区划代码", max_length=12,
                            help_text="区划代码前缀：2/4/6/9/12 位")
    role = forms.ChoiceField(label="角色", choices=BLANK + Role.choices)
    department = forms.ChoiceField(label="部门", choices=BLANK + Department.choices,
                                   required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}), required=False,
        help_text="至少 8 位，含小写字母、大写字母、数字、符号中的至少 3 类")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["username"]
            del self.fields["password"]
        else:
            del self.fields["is_active"]
            self.fields["password"].required = True


class PasswordResetForm(forms.Form):
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))
