from django.core.management.base import BaseCommand
from django.utils import timezone

from anju.operations.schedule import AT_START, JOBS, RESUME, last_run, next_run


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


class Command(BaseCommand):
    help = "列出内置时间表：每项任务的周期、上次运行、结果和下次运行时间"

    def handle(self, *args, **options):
        self.stdout.write(
            f"{'任务':<18}{'周期':<12}{'上次运行':<14}{'结果':<6}{'用时':>7}  下次运行")
        for job in (*JOBS, RESUME):
            run = last_run(job)
            at_start = job.period == AT_START
            period = "start" if at_start else f"{job.period} {job.at:%H:%M}"
            took = f"{run.duration_ms} ms" if run and run.duration_ms is not None else "—"
            self.stdout.write(
                f"{job.name:<18}{period:<14}{_when(run.started_at if run else None):<18}"
                f"{(run.get_status_display() if run else '未运行'):<8}{took:>9}  "
                f"{'（anju serve 启动时）' if at_start else _when(next_run(job))}")
