from datetime import date

from django.core.management.base import BaseCommand

from anju.assistance.sweep import flag_late_cases
from anju.assistance.tasks import sweep_late_cases


class Command(BaseCommand):
    help = "每日巡查危房改造案件：拨付逾期或临近期限、原房处置逾期、年度时限（R-MH-11/12/15）"

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)
        parser.add_argument("--enqueue", action="store_true", help="交给后台任务执行")

    def handle(self, *args, today=None, enqueue=False, **options):
        if enqueue:
            sweep_late_cases.enqueue(today.isoformat() if today else None)
            self.stdout.write("已加入后台任务队列")
            return
        changed = flag_late_cases(today)
        self.stdout.write(f"已更新 {changed} 个案件的逾期标记")
