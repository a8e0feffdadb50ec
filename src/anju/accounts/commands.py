"""The acts of user administration and login security, one command each: the API's body (the
token), the page form's fields (anju.web.forms.CommandForm) and what `anju adduser` validates
with. A role or department stays text here: the verb refuses an unknown one with
`role_invalid` or `department_invalid`, naming the field."""

from typing import Annotated

from pydantic import ConfigDict, Field

from anju.accounts.models import Department, Role, User
from anju.kit.commands import Command, Ui
from anju.kit.fields import column_text, free_text

# Only checked, never stored as typed: a long one merely costs the hasher.
Password = free_text(256, "密码")
PASSWORD_HELP = "至少 8 位，含小写字母、大写字母、数字、符号中的至少 3 类"
# Each a type and its page marker, so that a change may take the type or null.
FullName, FULL_NAME = column_text(User, "first_name", label="姓名或单位"), Ui("姓名或单位")
Scope, SCOPE = column_text(User, "scope"), Ui("管辖区划代码", help="区划代码前缀：2/4/6/9/12 位")
RoleCode, ROLE = column_text(User, "role"), Ui("角色", choices=Role)
DepartmentCode, DEPARTMENT = column_text(User, "department"), Ui("部门", choices=Department)
# What an authenticator app shows (TOTP): six digits, eight for some apps.
OneTimeCode = Annotated[free_text(8, "动态口令"), Ui("动态口令")]


# POST /auth/token: a login over the API (api.md); the second factor as the role requires.
class Credentials(Command):
    # Other systems' clients may send more than these (grant_type, ...): ignored, as always.
    model_config = ConfigDict(extra="ignore")

    username: column_text(User, "username")
    password: Password
    otp: free_text(8, "动态口令") | None = Field(
        None, description="动态口令（TOTP）：管理员、可查看完整敏感信息的角色"
                          "以及已绑定动态口令的用户必填")


# A new user (the system administrator, or `anju adduser`): scope, role, department.
class CreateUser(Command):
    username: Annotated[column_text(User, "username"), Ui("用户名")]
    full_name: Annotated[FullName, FULL_NAME] = ""
    scope: Annotated[Scope, SCOPE]
    role: Annotated[RoleCode, ROLE]
    department: Annotated[DepartmentCode, DEPARTMENT] = ""
    password: Annotated[Password, Ui("初始密码", help=PASSWORD_HELP)]


# A change of a user's scope, role, department, name or active flag: the fields sent.
class UpdateUser(Command):
    full_name: Annotated[FullName | None, FULL_NAME] = None
    scope: Annotated[Scope | None, SCOPE] = None
    role: Annotated[RoleCode | None, ROLE] = None
    department: Annotated[DepartmentCode | None, DEPARTMENT] = None
    is_active: Annotated[bool | None, Ui("启用")] = None


# One's own password, knowing the old one.
class ChangeOwnPassword(Command):
    old_password: Annotated[Password, Ui("原密码")]
    new_password: Annotated[Password, Ui("新密码", help=PASSWORD_HELP)]


# The security administrator sets a user's password.
class ResetPassword(Command):
    new_password: Annotated[Password, Ui("新密码")]


# The first code of a new authenticator, which binds it.
class ConfirmSecondFactor(Command):
    token: OneTimeCode


# The second step of a login: the authenticator's current code.
class VerifySecondFactor(Command):
    token: OneTimeCode
