"""What /readyz checks: the database, a task worker's heartbeat, each scheduled job's last run
within its period, and free disk space for uploads. Each failure has a stable code."""

import shutil
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from anju.operations.heartbeat import worker_alive
from anju.operations.models import RunStatus, ScheduledRun
from anju.operations.schedule import JOBS, current_period


def _database() -> list[dict]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - the reason is the answer
        return [{"code": "database_unavailable", "message": f"数据库无法连接：{error}"}]
    return []


def _schedule(now) -> list[dict]:
    grace = timedelta(minutes=settings.SCHEDULE_GRACE_MINUTES)
    reasons = []
    runs = {}
    for run in ScheduledRun.objects.filter(period__gte=now - timedelta(days=2)).order_by("period"):
        runs[run.job] = run
    for job in JOBS:
        period = current_period(job, now)
        run = runs.get(job.name)
        if (run is None or run.period < period) and now > period + grace:
            reasons.append({"code": "schedule_late", "job": job.name,
                            "message": f"定时任务 {job.name} 本周期"
                            f"（{timezone.localtime(period):%Y-%m-%d %H:%M} 起）未运行"})
        elif run is not None and run.status == RunStatus.FAILED:
            reasons.append({"code": "schedule_failed", "job": job.name,
                            "message": f"定时任务 {job.name} 上次运行失败：{run.message[:200]}"})
    return reasons


def _disk() -> list[dict]:
    folder = settings.MEDIA_ROOT
    folder.mkdir(parents=True, exist_ok=True)
    free_mb = shutil.disk_usage(folder).free // (1024 * 1024)
    if free_mb < settings.MIN_FREE_DISK_MB:
        return [{"code": "disk_low", "message": f"上传文件目录剩余空间 {free_mb} MB，"
                 f"低于 ANJU_MIN_FREE_DISK_MB（{settings.MIN_FREE_DISK_MB} MB）"}]
    return []


def reasons_not_ready(now=None) -> list[dict]:
    now = now or timezone.now()
    reasons = _database()
    if reasons:
        return reasons
    if not worker_alive(now):
        reasons.append({"code": "worker_down", "message":
                        f"后台任务进程超过 {settings.WORKER_BEAT_STALE_SECONDS} 秒没有心跳"})
    return reasons + _schedule(now) + _disk()
