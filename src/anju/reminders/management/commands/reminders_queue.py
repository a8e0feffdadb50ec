from datetime import date

from django.core.management.base import BaseCommand

from anju.reminders.producers import queue_all


class Command(BaseCommand):
    help = ("生成提醒：管控检查、数据问题、补助拨付、名单鉴定期限、案件进展短信"
            "（每个对象每个期限只生成一次）")

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="按此日期计算（YYYY-MM-DD）")

    def handle(self, *args, today=None, **options):
        counts = queue_all(today)
        self.stdout.write("新生成提醒 " + "，".join(f"{k} {v}" for k, v in counts.items()))
