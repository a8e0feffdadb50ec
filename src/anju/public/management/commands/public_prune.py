from django.conf import settings
from django.core.management.base import BaseCommand

from anju.public.actions import prune_requests


class Command(BaseCommand):
    help = ("删除早于保留天数的公开访问记录（ANJU_PUBLIC_REQUEST_DAYS，默认 30 天；不少于限流的"
            "最长时段）；由内置计划每天运行")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="保留天数（默认取 ANJU_PUBLIC_REQUEST_DAYS）")

    def handle(self, *args, days=None, **options):
        kept = settings.PUBLIC_REQUEST_DAYS if days is None else days
        self.stdout.write(f"删除公开访问记录 {prune_requests(kept)} 条")
