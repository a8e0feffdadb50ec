from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from anju.accounts.models import Department, Role, User
from anju.divisions.models import Division
from anju.errors import Conflict, RuleViolation


@transaction.atomic
def create_user(username: str, password: str, *, scope: str, role: str, department: str = "",
                full_name: str = "", check_password: bool = True) -> User:
    if User.objects.filter(username=username).exists():
        raise Conflict("username_taken", f"用户名 {username} 已存在", field="username")
    if role not in Role.values:
        raise RuleViolation("role_invalid", f"未知角色 {role}", field="role")
    if department and department not in Department.values:
        raise RuleViolation("department_invalid", f"未知部门 {department}", field="department")
    if not Division.objects.filter(code=scope).exists():
        raise RuleViolation("division_unknown", f"区划代码 {scope} 不在区划表中", field="scope")
    user = User(username=username, scope=scope, role=role, department=department,
                first_name=full_name)
    if check_password:
        try:
            validate_password(password, user)
        except ValidationError as e:
            raise RuleViolation("password_weak", "；".join(e.messages), field="password") from None
    user.set_password(password)
    user.save()
    return user
