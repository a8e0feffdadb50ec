"""Account pages: the second factor, one's own password, and the administrators' user pages."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device

from anju.accounts import actions
from anju.accounts.access import can, requires
from anju.accounts.forms import (
    ConfirmCodeForm,
    PasswordChangeForm,
    PasswordResetForm,
    UserChangeForm,
    UserForm,
    VerifyCodeForm,
)
from anju.accounts.models import Authenticator, User
from anju.accounts.rules import needs_second_factor, second_factor_required
from anju.divisions.queries import names_for
from anju.kit.errors import Forbidden
from anju.web.pages import paginate, query_without_page


def _next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return default


@requires("accounts.self")
def otp_verify(request):
    """The second step of a login: the code from the user's authenticator."""
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    if not user_has_device(user, confirmed=True):
        return redirect("accounts:otp_setup")
    form = VerifyCodeForm(request.POST or None, user=user, target=user, origin=request.origin)
    if request.method == "POST" and form.submitted():
        if (device := form.saved) is not None:
            otp_login(request, device)
            request.session.cycle_key()
            return redirect(_next(request))
        form.add_error("token", "动态口令不正确或已用过，请输入验证器上当前显示的 6 位数字")
    return render(request, "accounts/otp_verify.html", {"form": form,
                                                         "next": _next(request, "")})


@requires("accounts.self")
def otp_setup(request):
    """Bind an authenticator app (TOTP): scan the code, type the first number it shows."""
    user = request.user
    if user_has_device(user, confirmed=True) and not user.is_verified():
        # Replacing an authenticator takes the current one first.
        return redirect("accounts:otp_verify")
    device = (Authenticator.objects.filter(user=user, confirmed=False).first()
              or Authenticator.objects.create(user=user, name="身份验证器", confirmed=False))
    form = ConfirmCodeForm(request.POST or None, user=user, target=device,
                           origin=request.origin)
    if request.method == "POST" and form.submitted():
        if form.saved:
            otp_login(request, device)
            messages.success(request, "动态口令已绑定，以后登录时需输入验证器上的数字")
            return redirect(_next(request))
        form.add_error("token", "动态口令不正确，请输入验证器上当前显示的 6 位数字")
    return render(request, "accounts/otp_setup.html", {
        "form": form, "next": _next(request, ""),
        "secret": b32encode(device.bin_key).decode(),
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
        "required": second_factor_required(user),
    })


@requires("accounts.self")
def account(request):
    """One's own account: role, second factor, password."""
    user = request.user
    return render(request, "accounts/account.html", {
        "has_device": user_has_device(user, confirmed=True),
        "needs_second_factor": needs_second_factor(user),
        "tokens": user.api_tokens.active().count(),
    })


@requires("accounts.self")
def password_change(request):
    form = PasswordChangeForm(request.POST or None, user=request.user, origin=request.origin)
    if request.method == "POST" and form.submitted():
        # This session stays; every other session of the user ends with the old hash.
        update_session_auth_hash(request, form.saved)
        messages.success(request, "密码已修改，您在其他地方的登录已退出")
        return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@requires("accounts.view")
def user_list(request):
    q = request.GET.get("q", "").strip()
    users = User.objects.order_by("username")
    if q:
        users = users.filter(username__contains=q)
    page = paginate(request, users)
    names = names_for(u.scope for u in page)
    return render(request, "accounts/user_list.html", {
        "page": page, "rows": [(u, names.get(u.scope, "")) for u in page],
        "q": q, "query": query_without_page(request),
        "can_manage": can(request.user, "accounts.manage"),
    })


@requires("accounts.manage")
def user_create(request):
    form = UserForm(request.POST or None, user=request.user, origin=request.origin)
    if request.method == "POST" and form.submitted():
        messages.success(request, f"已创建用户 {form.saved.username}")
        return redirect("accounts:user_detail", form.saved.pk)
    return render(request, "accounts/user_form.html", {"form": form, "target": None})


@requires("accounts.view")
def user_detail(request, user_id: int):
    target = get_object_or_404(User, pk=user_id)
    form = None
    if can(request.user, "accounts.manage"):
        form = UserChangeForm(request.POST or None, user=request.user, target=target,
                              origin=request.origin)
        if request.method == "POST" and form.submitted():
            messages.success(request, "用户信息已保存")
            return redirect("accounts:user_detail", target.pk)
    elif request.method == "POST":
        raise Forbidden()
    return render(request, "accounts/user_detail.html", {
        "target": target, "form": form,
        "can_secure": can(request.user, "accounts.security"),
        "has_device": user_has_device(target, confirmed=True),
        "tokens": target.api_tokens.active().count(),
        "reset_form": PasswordResetForm(user=request.user, target=target),
    })


@requires("accounts.security")
@require_POST
def user_security(request, user_id: int, operation: str):
    """The security administrator's operations on an account."""
    target = get_object_or_404(User, pk=user_id)
    if operation == "unlock":
        actions.unlock(target, acting_user=request.user, origin=request.origin)
        messages.success(request, f"已解除 {target.username} 的登录锁定")
    elif operation == "reset-otp":
        actions.reset_second_factor(target, acting_user=request.user, origin=request.origin)
        messages.success(request, f"已重置 {target.username} 的动态口令，其下次登录时重新绑定")
    elif operation == "revoke-tokens":
        count = actions.revoke_tokens(target, acting_user=request.user, origin=request.origin)
        messages.success(request, f"已吊销 {target.username} 的 {count} 个接口令牌")
    elif operation == "reset-password":
        form = PasswordResetForm(request.POST, user=request.user, target=target,
                                 origin=request.origin)
        if form.submitted():
            messages.success(request, f"已重置 {target.username} 的密码，其所有登录已退出")
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"密码未重置：{error}")
    else:
        raise Forbidden()
    return redirect("accounts:user_detail", target.pk)
