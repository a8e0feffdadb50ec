from datetime import datetime

from django.contrib.auth import authenticate
from ninja import Router, Schema

from anju.accounts.access import public
from anju.accounts.models import ApiToken
from anju.apikit import ERRORS
from anju.errors import AnjuError

router = Router(tags=["认证"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    expires_at: datetime


@router.post("/token", auth=None, response={200: TokenOut, **ERRORS}, summary="获取访问令牌")
@public
def issue_token(request, payload: Credentials):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise AnjuError("invalid_credentials", "用户名或密码错误", status=401)
    token, key = ApiToken.issue(user)
    return {"token": key, "expires_at": token.expires_at}
