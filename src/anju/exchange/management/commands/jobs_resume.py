from django.core.management.base import BaseCommand

from anju.exchange.jobs import resume_stale


class Command(BaseCommand):
    help = ("把停止的后台进程留下的导入导出任务重新排队（进行中但本机的后台进程已不在、"
            "或心跳已停、或排队过久的任务）；在启动 db_worker 之前运行，也可由 cron 定时运行")

    def add_arguments(self, parser):
        parser.add_argument("--stale-minutes", type=int, default=None,
                            help="心跳停止多少分钟算作中断（默认 ANJU_JOB_STALE_MINUTES）")

    def handle(self, *args, stale_minutes=None, **options):
        resumed = resume_stale(stale_minutes=stale_minutes)
        self.stdout.write(f"重新排队 {len(resumed)} 个任务" + (
            f"：{', '.join(map(str, resumed))}" if resumed else ""))
