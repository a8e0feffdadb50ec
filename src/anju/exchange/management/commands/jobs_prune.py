from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from anju.exchange.models import Job, JobStatus


class Command(BaseCommand):
    help = ("删除已结束多日的导入导出任务的文件（上传的文件和导出的文件都含有个人信息），"
            "任务记录和错误报告保留；可由 cron 每天运行")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="结束多少天后删除文件（默认 7）")

    def handle(self, *args, days, **options):
        before = timezone.now() - timedelta(days=days)
        old = Job.objects.filter(status__in=(JobStatus.SUCCEEDED, JobStatus.FAILED),
                                 finished_at__lt=before)
        removed = 0
        for job in old.exclude(input_file="", result_file="").iterator():
            for stored in (job.input_file, job.result_file):
                if stored.name:
                    stored.storage.delete(stored.name)
                    removed += 1
            Job.objects.filter(pk=job.pk).update(input_file="", result_file="")
        self.stdout.write(f"删除文件 {removed} 个")
