import time

from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from anju.kit.errors import AnjuError
from anju.kit.origin import COMMAND
from anju.quality.actions import sweep
from anju.quality.commands import RunSweep


class Command(BaseCommand):
    help = "对一个区划的全部房屋运行数据质量核查（错评、漏填、错填），新发现的问题交乡镇整改"

    def add_arguments(self, parser):
        parser.add_argument("division", nargs="+", help="区划代码，如 220581（可写多个）")
        parser.add_argument("--quiet", action="store_true", help="不显示进度")

    def handle(self, *args, division, quiet, **options):
        for code in division:
            started = time.monotonic()

            def progress(done, total, code=code, started=started):
                rate = done / max(time.monotonic() - started, 1e-9)
                self.stdout.write(f"\r{code}：{done}/{total} 栋  {rate:,.0f} 栋/秒", ending="")
                self.stdout.flush()

            try:
                result = sweep(RunSweep(division=code), origin=COMMAND,
                               progress=None if quiet else progress)
            except AnjuError as e:
                raise CommandError(f"{code}：{e.message}") from None
            except ValidationError as e:
                raise CommandError(f"{code}：{e.errors(include_url=False)[0]['msg']}") from None
            elapsed = time.monotonic() - started
            if not quiet:
                self.stdout.write("")
            self.stdout.write(
                f"{code}：核查房屋 {result['checked']} 栋，新发现问题 {result['opened']} 个，"
                f"已整改销号 {result['closed']} 个，用时 {elapsed:.1f} 秒"
                f"（{result['checked'] / max(elapsed, 1e-9):,.0f} 栋/秒）")
