from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.accounts.models import User
from anju.kit.errors import AnjuError
from anju.reports import national, rollup


class Command(BaseCommand):
    help = ("导出全省汇总（报全国，docs/national-rollup.md）：省、市州、县三级的统计数，不含任何"
            "个人信息；先统计记录已变化的村。只有省级或全国用户可以导出")

    def add_arguments(self, parser):
        parser.add_argument("province", help="省级区划代码（2 位）")
        parser.add_argument("--user", required=True, help="导出人（省级或全国用户）的用户名")
        parser.add_argument("--output", "-o", help="写入的文件（.json 或 .csv）；不给时输出到屏幕")
        parser.add_argument("--format", choices=("json", "csv"),
                            help="文件格式；不给时按文件扩展名，默认 json")
        parser.add_argument("--no-refresh", action="store_true",
                            help="不先统计记录已变化的村")

    def handle(self, *args, province, user, output, format, no_refresh, **options):
        acting_user = User.objects.filter(username=user, is_active=True).first()
        if acting_user is None:
            raise CommandError(f"用户 {user} 不存在或已停用")
        fmt = format or ("csv" if output and output.lower().endswith(".csv") else "json")
        try:
            if not no_refresh:
                national.get_province_for_export(province, acting_user)
                rollup.refresh()
            document = national.province_rollup(province, acting_user=acting_user)
        except AnjuError as error:
            raise CommandError(f"{error.message}（{error.code}）") from None
        text = national.dumps(document, fmt)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"已导出 {province} 的汇总：{len(document['divisions'])} 个区划，"
                              f"{document['as_of']} → {output}")
        else:
            self.stdout.write(text, ending="")
