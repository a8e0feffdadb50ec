import time

from django.core.management.base import BaseCommand, CommandError

from anju.divisions.scope import LEVEL_LENGTHS
from anju.reports import rollup


class Command(BaseCommand):
    help = ("重新统计区划内所有村并汇总到上级（统计看板、/stats/summary 的数据），写入当天快照；"
            "不给区划时统计全部。--changed 只统计记录已变化或期限已过的村（每日定时运行）")

    def add_arguments(self, parser):
        parser.add_argument("division", nargs="?", default="",
                            help="区划代码（2、4、6、9 或 12 位）")
        parser.add_argument("--changed", action="store_true",
                            help="只统计记录已变化或期限已过的村")

    def handle(self, *args, division, changed, **options):
        if division and (not division.isdigit() or len(division) not in LEVEL_LENGTHS):
            raise CommandError("区划代码应为 2、4、6、9 或 12 位数字")
        started = time.monotonic()
        if changed:
            counted = rollup.refresh()
        else:
            counted = rollup.rebuild(division)
        self.stdout.write(f"已统计 {counted} 个村并汇总到上级区划"
                          f"（{time.monotonic() - started:.1f} 秒）")
