import time

from django.core.management.base import BaseCommand, CommandError

from anju.registry.demo_data import seed


class Command(BaseCommand):
    help = "批量生成基准测试用的演示房屋和农户（PostgreSQL 用 COPY）"

    def add_arguments(self, parser):
        parser.add_argument("--houses", type=int, required=True, help="房屋栋数")
        parser.add_argument("--division", default="220581", help="区划代码（默认梅河口市）")
        parser.add_argument("--batch", type=int, default=20000, help="每个事务的行数")
        parser.add_argument("--seed", type=int, default=1, help="随机数种子")

    def handle(self, *args, houses, division, batch, **options):
        if houses <= 0 or batch <= 0:
            raise CommandError("--houses 和 --batch 应为正整数")
        started = time.monotonic()

        def progress(done, total):
            rate = done / max(time.monotonic() - started, 1e-9)
            self.stdout.write(f"\r{done}/{total} 栋  {rate:,.0f} 栋/秒", ending="")
            self.stdout.flush()

        try:
            count = seed(division, houses, batch_size=batch, seed=options["seed"],
                         progress=progress)
        except ValueError as e:
            raise CommandError(str(e)) from None
        elapsed = time.monotonic() - started
        self.stdout.write(f"\n已生成房屋 {count} 栋（及农户 {count} 户），用时 {elapsed:.1f} 秒，"
                          f"{count / elapsed:,.0f} 栋/秒（{2 * count / elapsed:,.0f} 行/秒）")
