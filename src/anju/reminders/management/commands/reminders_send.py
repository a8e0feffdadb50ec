from django.core.management.base import BaseCommand

from anju.reminders.outbox import send_due


class Command(BaseCommand):
    help = "发送到期的提醒：失败的按退避重试，超过次数标记为发送失败；已发送的不再发送"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="每批认领的条数")

    def handle(self, *args, limit=500, **options):
        outcome = send_due(limit)
        self.stdout.write(f"已发送 {outcome['sent']}，待重试 {outcome['queued']}，"
                          f"发送失败 {outcome['failed']}")
