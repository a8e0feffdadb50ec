from django.core.management.base import BaseCommand

from anju.field.sync import FULL_DOWNLOAD_AFTER, prune_changes


class Command(BaseCommand):
    help = (f"删除信息采集助手不再用到的房屋变更记录（早于 {FULL_DOWNLOAD_AFTER.days} 天的；"
            "更早同步过的手机会重新完整下载）；可由 cron 每天运行")

    def handle(self, *args, **options):
        self.stdout.write(f"删除变更记录 {prune_changes()} 条")
