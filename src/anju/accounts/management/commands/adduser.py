from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from anju.accounts.actions import create_user
from anju.accounts.commands import CreateUser
from anju.accounts.models import Department, Role
from anju.kit.errors import AnjuError
from anju.kit.origin import COMMAND


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
            cmd = CreateUser(username=o["username"], password=o["password"], scope=o["scope"],
                             role=o["role"], department=o["department"], full_name=o["name"])
        except ValidationError as e:
            raise CommandError("；".join(
                f"{'.'.join(map(str, error['loc']))} {error['msg']}" for error in e.errors()
            )) from None
        try:
            user = create_user(cmd, origin=COMMAND)
        except AnjuError as e:
            raise CommandError(f"{e.field or ''} {e.message}（{e.code}）") from None
        self.stdout.write(f"已创建用户 {user.username}（{user.get_role_display()}，{user.scope}）")
