"""`anju check --deploy`: what a county server must have before it serves real households,
beside the keys and the second factor (anju.security.deploy_checks)."""

import os
import stat

from django.conf import settings
from django.core.checks import Error, Warning, register


@register(deploy=True)
def https_settings(app_configs, **kwargs):
    if not settings.HTTPS:
        return [Error("ANJU_HTTPS 未开启：正式部署须经 TLS 提供服务"
                      "（安全 Cookie、HSTS、跳转 https）",
                      hint="nginx 终止 TLS 并设置 X-Forwarded-Proto，然后设 ANJU_HTTPS=true",
                      id="anju.E003")]
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        return [Error("ANJU_HTTPS 已开启但 ANJU_SECURE_COOKIES=false：Cookie 会经明文发送",
                      id="anju.E004")]
    return []


@register(deploy=True)
def debug_off(app_configs, **kwargs):
    if settings.DEBUG:
        return [Error("ANJU_DEBUG 已开启：出错页面会显示设置和数据", id="anju.E005")]
    return []


@register(deploy=True)
def data_folder_private(app_configs, **kwargs):
    problems = []
    for folder in (settings.DATA_DIR, settings.MEDIA_ROOT):
        if not folder.exists():
            continue
        mode = stat.S_IMODE(os.stat(folder).st_mode)
        if mode & stat.S_IRWXO:
            problems.append(Warning(
                f"数据目录 {folder} 其他用户可访问（权限 {mode:o}）：数据库和上传文件含个人信息",
                hint=f"chmod o-rwx {folder}", id="anju.W003"))
    return problems
