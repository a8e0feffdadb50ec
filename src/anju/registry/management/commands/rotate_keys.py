from django.core.management.base import BaseCommand
from django.db import connection, transaction

from anju.accounts.models import Authenticator
from anju.audit.actions import record
from anju.audit.models import Action
from anju.crypto import keyring, open_secret
from anju.registry.sensitive import encrypt_table_columns


class Command(BaseCommand):
    help = ("用 ANJU_FIELD_KEYS 的第一个密钥重新加密全部身份证号、电话、账号和身份验证器密钥，"
            "并按 ANJU_LOOKUP_KEY 重算查找哈希（轮换密钥后运行，见 docs/security.md）")

    def handle(self, *args, **options):
        with transaction.atomic():
            counts = encrypt_table_columns(connection)
            sealed = 0
            for pk, key in Authenticator.objects.values_list("pk", "key"):
                Authenticator.objects.filter(pk=pk).update(
                    key=keyring().encrypt(open_secret(key)))
                sealed += 1
            counts["otp_totp_totpdevice"] = sealed
            record(Action.KEYS_ROTATED, actor=None, details={"rows": counts})
        for table, count in counts.items():
            self.stdout.write(f"{table}：{count} 行已重新加密")
