from datetime import datetime

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from ninja import Router, Schema

from anju.accounts import actions
from anju.accounts.access import public, requires
from anju.accounts.commands import Credentials, VerifySecondFactor
from anju.accounts.models import ApiToken
from anju.accounts.rules import needs_second_factor
from anju.kit.errors import AnjuError, Code
from anju.web.apikit import ERRORS, ErrorOut

router = Router(tags=["认证"])


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post("/token", auth=None, response={200: TokenOut, 429: ErrorOut, **ERRORS},
             summary="获取访问令牌（连续失败 5 次锁定 30 分钟）")
@public
def issue_token(request, payload: Credentials):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise AnjuError(Code.INVALID_CREDENTIALS, "用户名或密码错误", status=401)
    if needs_second_factor(user):
        if not payload.otp:
            raise AnjuError(Code.OTP_REQUIRED, "请提供动态口令（双因素认证）", field="otp",
                            status=401)
        if actions.verify_second_factor(user, VerifySecondFactor(token=payload.otp),
                                        origin=request.origin) is None:
            raise AnjuError(Code.OTP_INVALID, "动态口令不正确、已用过或尚未在网页上绑定",
                            field="otp", status=401)
    token, key = ApiToken.issue(user)
    # A token is a login: the same signal as a page login resets the failure count
    # (django-axes), writes the audit row and the user's last login.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return {"token": key, "expires_at": token.expires_at}


@router.delete("/token", response={204: None, **ERRORS}, summary="吊销当前访问令牌")
@requires("accounts.self")
def revoke_token(request):
    token = getattr(request, "api_token", None)
    if token is None:
        raise AnjuError(Code.BEARER_REQUIRED, "请用 Authorization: Bearer 令牌调用此接口",
                        status=400)
    actions.revoke_token(token, acting_user=request.user, origin=request.origin)
    return 204, None
