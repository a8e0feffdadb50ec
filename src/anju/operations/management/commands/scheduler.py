import signal
import threading

from django.core.management.base import BaseCommand

from anju.operations.schedule import run_due, run_forever


class Command(BaseCommand):
    help = "按内置时间表运行定时任务（每项每个周期只运行一次）；由 anju serve 启动"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一次并运行到期的任务")
        parser.add_argument("--interval", type=float, default=30.0, help="检查间隔（秒）")

    def handle(self, *args, once, interval, **options):
        if once:
            for run in run_due():
                self.stdout.write(f"{run.job}: {run.status}（{run.duration_ms} 毫秒）")
            return
        stop = threading.Event()
        # SIGTERM lets the job in hand finish; its claim then records the outcome.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        run_forever(stop, interval)
