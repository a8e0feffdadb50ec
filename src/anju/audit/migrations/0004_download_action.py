"""The `download` action: a photo or scan served from a house's or a household's file. Only
the choices change; no SQL runs (so the triggers of 0002 and 0003 stay as they are)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_no_replace"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(choices=[
                ("login", "登录"), ("login_failed", "登录失败"), ("logout", "退出"),
                ("session_expired", "会话超时"), ("otp_verified", "动态口令验证"),
                ("otp_failed", "动态口令错误"), ("otp_enrolled", "绑定动态口令"),
                ("otp_reset", "重置动态口令"), ("access_denied", "越权访问被拒绝"),
                ("full_view", "查看完整敏感信息"), ("transition", "状态变更"), ("export", "导出"),
                ("download", "下载附件"), ("import", "导入"), ("user_created", "新建用户"),
                ("user_changed", "修改用户"), ("role_changed", "变更角色"),
                ("password_changed", "修改密码"), ("password_reset", "重置密码"),
                ("account_unlocked", "解除锁定"), ("token_revoked", "吊销令牌"),
                ("keys_rotated", "轮换密钥"),
            ], max_length=32, verbose_name="操作"),
        ),
    ]
