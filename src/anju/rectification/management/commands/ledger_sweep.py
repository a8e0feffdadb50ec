from datetime import date

from django.core.management.base import BaseCommand

from anju.rectification.actions import flag_overdue_checks


class Command(BaseCommand):
    help = "每日巡查：标记管控检查逾期的整治台账（R-CJ-7）；--enqueue 交给后台任务执行"

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="按此日期计算（YYYY-MM-DD）")
        parser.add_argument("--enqueue", action="store_true", help="放入后台任务队列")

    def handle(self, *args, today=None, enqueue=False, **options):
        if enqueue:
            from anju.rectification.tasks import sweep_overdue_checks

            result = sweep_overdue_checks.enqueue(str(today) if today else None)
            self.stdout.write(f"已放入后台任务队列：{result.id}")
            return
        flagged = flag_overdue_checks(today)
        self.stdout.write(f"标记管控检查逾期 {flagged} 户")
