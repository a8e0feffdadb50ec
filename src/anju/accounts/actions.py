"""The verbs of user administration and login security. Each writes an audit row."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anju.accounts.access import check
from anju.accounts.commands import (
    ChangeOwnPassword,
    ConfirmSecondFactor,
    CreateUser,
    ResetPassword,
    UpdateUser,
    VerifySecondFactor,
)
from anju.accounts.models import ApiToken, Authenticator, Department, Role, User
from anju.audit.actions import record
from anju.audit.models import Action
from anju.divisions.models import Division
from anju.kit.errors import Code, Conflict, Forbidden, RuleViolation
from anju.kit.origin import Origin

USER_FIELDS = ("scope", "role", "department", "full_name", "is_active")
# A change of these gives the user new rights: they start from a new login.
RIGHTS = {"role", "scope", "is_active"}


def _check_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise RuleViolation(Code.PASSWORD_WEAK, "；".join(e.messages), field=field) from None


def _check_assignment(*, scope: str, role: str, department: str) -> None:
    if role not in Role.values:
        raise RuleViolation(Code.ROLE_INVALID, f"未知角色 {role}", field="role")
    if department and department not in Department.values:
        raise RuleViolation(Code.DEPARTMENT_INVALID, f"未知部门 {department}", field="department")
    if not Division.objects.filter(code=scope).exists():
        raise RuleViolation(Code.DIVISION_UNKNOWN, f"区划代码 {scope} 不在区划表中", field="scope")


@transaction.atomic
def create_user(cmd: CreateUser, *, acting_user=None, origin: Origin | None = None,
                check_password: bool = True) -> User:
    """A new user. From a page or the API `acting_user` is the system administrator; the
    command line (`anju adduser`, `anju demo`) passes none."""
    if acting_user is not None:
        check(acting_user, "accounts.manage")
    if User.objects.filter(username=cmd.username).exists():
        raise Conflict(Code.USERNAME_TAKEN, f"用户名 {cmd.username} 已存在", field="username")
    _check_assignment(scope=cmd.scope, role=cmd.role, department=cmd.department)
    user = User(username=cmd.username, scope=cmd.scope, role=cmd.role,
                department=cmd.department, first_name=cmd.full_name)
    if check_password:
        _check_password(cmd.password, user)
    user.set_password(cmd.password)
    user.save()
    record(Action.USER_CREATED, actor=acting_user, obj=user, origin=origin,
           details={"username": cmd.username, "scope": cmd.scope, "role": cmd.role,
                    "department": cmd.department,
                    "via": "web" if acting_user is not None else "command"})
    return user


@transaction.atomic
def change_user(user: User, cmd: UpdateUser, *, acting_user,
                origin: Origin | None = None) -> User:
    """Change the user's fields the command names (scope, role, department, name, active
    flag). A change of role, scope or a deactivation revokes the user's API tokens: new rights
    start from a new login."""
    check(acting_user, "accounts.manage")
    # A field sent as null is not changed.
    sent = {f: getattr(cmd, f) for f in cmd.model_fields_set if getattr(cmd, f) is not None}
    if user.pk == acting_user.pk and RIGHTS & set(sent):
        raise Forbidden("不能变更自己的角色、管辖范围或停用自己", code=Code.CANNOT_CHANGE_SELF)
    before = {"scope": user.scope, "role": user.role, "department": user.department,
              "full_name": user.first_name, "is_active": user.is_active}
    after = {**before, **sent}
    _check_assignment(scope=after["scope"], role=after["role"], department=after["department"])
    changed = {f: [before[f], after[f]] for f in USER_FIELDS if before[f] != after[f]}
    if not changed:
        return user
    user.scope, user.role, user.department = after["scope"], after["role"], after["department"]
    user.first_name, user.is_active = after["full_name"], after["is_active"]
    user.save(update_fields=["scope", "role", "department", "first_name", "is_active"])
    if RIGHTS & set(changed):
        _revoke_tokens(user)
    action = Action.ROLE_CHANGED if "role" in changed else Action.USER_CHANGED
    record(action, actor=acting_user, obj=user, origin=origin,
           details={"username": user.username, "changes": changed})
    return user


def _revoke_tokens(user: User) -> int:
    return ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())


@transaction.atomic
def change_own_password(cmd: ChangeOwnPassword, *, acting_user,
                        origin: Origin | None = None) -> User:
    """A user changes their own password. Their other sessions end (Django checks the password
    hash kept in each session), and their API tokens are revoked."""
    check(acting_user, "accounts.self")
    if not acting_user.check_password(cmd.old_password):
        raise RuleViolation(Code.PASSWORD_INCORRECT, "原密码不正确", field="old_password")
    if cmd.old_password == cmd.new_password:
        raise RuleViolation(Code.PASSWORD_UNCHANGED, "新密码不能与原密码相同", field="new_password")
    _check_password(cmd.new_password, acting_user, "new_password")
    acting_user.set_password(cmd.new_password)
    acting_user.save(update_fields=["password"])
    revoked = _revoke_tokens(acting_user)
    record(Action.PASSWORD_CHANGED, actor=acting_user, obj=acting_user, origin=origin,
           details={"tokens_revoked": revoked})
    return acting_user


@transaction.atomic
def reset_password(user: User, cmd: ResetPassword, *, acting_user,
                   origin: Origin | None = None) -> User:
    """The security administrator sets a new password: every session and token of the user
    ends."""
    check(acting_user, "accounts.security")
    _check_password(cmd.new_password, user, "new_password")
    user.set_password(cmd.new_password)
    user.save(update_fields=["password"])
    revoked = _revoke_tokens(user)
    record(Action.PASSWORD_RESET, actor=acting_user, obj=user, origin=origin,
           details={"username": user.username, "tokens_revoked": revoked})
    return user


@transaction.atomic
def reset_second_factor(user: User, *, acting_user, origin: Origin | None = None) -> int:
    """The security administrator removes a lost authenticator; the user sets up a new one at
    the next login."""
    check(acting_user, "accounts.security")
    count, _ = Authenticator.objects.filter(user=user).delete()
    record(Action.OTP_RESET, actor=acting_user, obj=user, origin=origin,
           details={"username": user.username, "devices": count})
    return count


@transaction.atomic
def unlock(user: User, *, acting_user, origin: Origin | None = None) -> int:
    """The security administrator lifts a lockout before its 30 minutes are over."""
    check(acting_user, "accounts.security")
    count = AxesProxyHandler.reset_attempts(username=user.username)
    record(Action.ACCOUNT_UNLOCKED, actor=acting_user, obj=user, origin=origin,
           details={"username": user.username, "attempts": count})
    return count


@transaction.atomic
def revoke_tokens(user: User, *, acting_user, origin: Origin | None = None) -> int:
    """Revoke all of a user's API tokens (the security administrator, or the user)."""
    if acting_user.pk != user.pk:
        check(acting_user, "accounts.security")
    count = _revoke_tokens(user)
    record(Action.TOKEN_REVOKED, actor=acting_user, obj=user, origin=origin,
           details={"username": user.username, "tokens": count})
    return count


@transaction.atomic
def revoke_token(token: ApiToken, *, acting_user, origin: Origin | None = None) -> None:
    """Revoke the one token a caller presents (DELETE /api/v1/auth/token)."""
    if token.user_id != acting_user.pk:
        raise Forbidden()
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
    record(Action.TOKEN_REVOKED, actor=acting_user, obj=acting_user, origin=origin,
           details={"tokens": 1, "token": token.pk})


@transaction.atomic
def confirm_second_factor(device: Authenticator, cmd: ConfirmSecondFactor, *, acting_user,
                          origin: Origin | None = None) -> bool:
    """Confirm a new authenticator with a first code; False if the code is wrong."""
    check(acting_user, "accounts.self")
    if device.user_id != acting_user.pk or device.confirmed:
        raise Forbidden()
    if not device.verify_token(cmd.token):
        record(Action.OTP_FAILED, actor=acting_user, result="failed", origin=origin,
               details={"step": "enrol"})
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # One authenticator per user: an older one stops working.
    Authenticator.objects.filter(user=acting_user).exclude(pk=device.pk).delete()
    record(Action.OTP_ENROLLED, actor=acting_user, obj=acting_user, origin=origin)
    return True


def verify_second_factor(user: User, cmd: VerifySecondFactor, *,
                         origin: Origin | None = None):
    """The user's authenticator device if the command's code is its current one, else None;
    both outcomes are audited, with the channel (a page or the API). django-otp slows
    repeated wrong codes down (throttling)."""
    from django_otp import verify_token

    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    verified = (verify_token(user, device.persistent_id, cmd.token.strip())
                if device is not None else None)
    channel = "api" if origin is not None and origin.channel == "api" else "web"
    record(Action.OTP_VERIFIED if verified else Action.OTP_FAILED, actor=user,
           result="ok" if verified else "failed", origin=origin,
           details={"channel": channel})
    return verified
