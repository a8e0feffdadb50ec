from django.core.management.base import BaseCommand, CommandError

from anju.accounts.actions import create_user
from anju.accounts.models import Department, Role
from anju.kit.errors import AnjuError


class Command(BaseCommand):
    help = ("创建用户：anju adduser USERNAME --password P --scope CODE --role ROLE"
            " [--department DEPT]")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--scope", required=True, help="管辖区划代码前缀")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", default="", choices=["", *Department.values])
        parser.add_argument("--name", default="", help="姓名")

    def handle(self, *args, **o):
        try:
            user = create_user(o["username"], o["password"], scope=o["scope"], role=o["role"],
                               department=o["department"], full_name=o["name"])
        except AnjuError as e:
            raise CommandError(f"{e.field or ''} {e.message}（{e.code}）") from None
        self.stdout.write(f"已创建用户 {user.username}（{user.get_role_display()}，{user.scope}）")
