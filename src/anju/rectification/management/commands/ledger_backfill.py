import time

from django.core.management.base import BaseCommand, CommandError

from anju.divisions.scope import LEVEL_LENGTHS
from anju.rectification.actions import backfill_ledger


class Command(BaseCommand):
    help = "将区划内尚未列入整治台账的 C、D 级危房批量列入台账（R-CJ-4；可重复执行）"

    def add_arguments(self, parser):
        parser.add_argument("division", help="区划代码（2、4、6、9 或 12 位）")

    def handle(self, *args, division, **options):
        if not division.isdigit() or len(division) not in LEVEL_LENGTHS:
            raise CommandError("区划代码应为 2、4、6、9 或 12 位数字")
        started = time.monotonic()
        made = backfill_ledger(division)
        self.stdout.write(f"新列入整治台账 {made} 户（{time.monotonic() - started:.1f} 秒）")
