"""The built-in schedule: the periodic jobs as data, and the claim that runs each of them once
per period however many schedulers (processes or machines) share the database. A period that
was missed while Anju was down runs once when it comes back, not once per missed day."""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock

from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from anju.exchange.liveness import this_worker, worker_gone
from anju.operations.models import RunStatus, ScheduledRun

log = logging.getLogger("anju.schedule")

HOURLY, DAILY, AT_START = "hourly", "daily", "start"


@dataclass(frozen=True)
class Job:
    name: str
    command: str
    args: tuple[str, ...]
    period: str  # HOURLY, DAILY or AT_START
    at: clock  # local time of day (DAILY) or minute past the hour (HOURLY)
    label: str


# The periods the commands' own help gives; nightly jobs after the daily sweeps they follow.
JOBS = (
    Job("ledger_sweep", "ledger_sweep", (), DAILY, clock(1, 0), "整治台账管控检查逾期（R-CJ-7）"),
    Job("assistance_sweep", "assistance_sweep", (), DAILY, clock(1, 30),
        "改造案件拨付与期限（R-MH-11/12/15）"),
    Job("stats_refresh", "stats_refresh", ("--changed",), DAILY, clock(2, 0), "统计看板刷新"),
    Job("jobs_prune", "jobs_prune", ("--days", "7"), DAILY, clock(3, 0), "删除旧的导入导出文件"),
    Job("field_prune", "field_prune", (), DAILY, clock(3, 30), "删除采集助手不再需要的变更记录"),
    # ADR 0046: keeps settings.PUBLIC_REQUEST_DAYS (ANJU_PUBLIC_REQUEST_DAYS, default 30)
    Job("public_prune", "public_prune", (), DAILY, clock(3, 45), "删除过期的公开访问记录"),
    # Reminders (ADR 0047): queued each hour (once per object and due date), sent after.
    Job("reminders_queue", "reminders_queue", (), HOURLY, clock(0, 40),
        "生成提醒（管控检查、数据问题、拨付期限、名单期限、案件进展）"),
    Job("reminders_send", "reminders_send", (), HOURLY, clock(0, 45), "发送提醒（失败按退避重试）"),
)
# Run by `anju serve` as it starts and after a task worker died, not by the clock; recorded
# like the others so `anju schedule` shows when the queue was last put right and how.
RESUME = Job("jobs_resume", "jobs_resume", (), AT_START, clock(0, 0),
             "启动时把中断的导入导出任务重新排队（ADR 0021）")
BY_NAME = {job.name: job for job in (*JOBS, RESUME)}


def period_length(job: Job) -> timedelta:
    return timedelta(hours=1) if job.period == HOURLY else timedelta(days=1)


def current_period(job: Job, now: datetime | None = None) -> datetime:
    """The start of the period `now` falls in: the latest scheduled time at or before now."""
    now = timezone.localtime(now or timezone.now())
    if job.period == HOURLY:
        start = now.replace(minute=job.at.minute, second=0, microsecond=0)
    else:
        start = now.replace(hour=job.at.hour, minute=job.at.minute, second=0, microsecond=0)
    if start > now:
        start -= period_length(job)
    return start


def next_run(job: Job, now: datetime | None = None) -> datetime:
    return current_period(job, now) + period_length(job)


def last_run(job: Job) -> ScheduledRun | None:
    return ScheduledRun.objects.filter(job=job.name).order_by("-period").first()


def _claim(job: Job, period: datetime, now: datetime) -> ScheduledRun | None:
    """The run of this period, if this scheduler is the one to run it. A running claim left
    by a process that ended (kill -9, power cut) is taken over once and run again."""
    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(job=job.name, period=period, worker=this_worker(),
                                               started_at=now, heartbeat_at=now)
    except IntegrityError:
        pass
    left = ScheduledRun.objects.filter(job=job.name, period=period,
                                       status=RunStatus.RUNNING).first()
    if left is None:
        return None
    stale = now - timedelta(minutes=settings.JOB_STALE_MINUTES)
    if not (worker_gone(left.worker) or left.heartbeat_at < stale):
        return None
    # Compare-and-set on the old claimant: of two schedulers taking over, one wins.
    taken = ScheduledRun.objects.filter(pk=left.pk, status=RunStatus.RUNNING,
                                        worker=left.worker, attempts=left.attempts).update(
        worker=this_worker(), attempts=left.attempts + 1, started_at=now, heartbeat_at=now)
    if taken != 1:
        return None
    left.refresh_from_db()
    log.warning("schedule.retry", extra={"job": job.name, "attempt": left.attempts})
    return left


def _beat(run_id: int, stop: threading.Event):
    while not stop.wait(30):
        ScheduledRun.objects.filter(pk=run_id).update(heartbeat_at=timezone.now())
    close_old_connections()


def run_job(job: Job, run: ScheduledRun) -> ScheduledRun:
    """Run the job's command under its claim and record the outcome on the claim."""
    started = time.monotonic()
    stop = threading.Event()
    beat = threading.Thread(target=_beat, args=(run.pk, stop), daemon=True)
    beat.start()
    status, message = RunStatus.OK, ""
    try:
        from io import StringIO

        out = StringIO()
        call_command(job.command, *job.args, stdout=out, stderr=out)
        message = out.getvalue().strip()[-2000:]
    except Exception as error:  # noqa: BLE001 - the outcome is recorded, the schedule goes on
        status, message = RunStatus.FAILED, f"{type(error).__name__}: {error}"[:2000]
    finally:
        stop.set()
        beat.join()
    duration = round((time.monotonic() - started) * 1000)
    ScheduledRun.objects.filter(pk=run.pk).update(
        status=status, finished_at=timezone.now(), duration_ms=duration, message=message)
    run.refresh_from_db()
    log.info("schedule.run", extra={"job": job.name, "outcome": status,
                                    "duration_ms": duration, "period": run.period.isoformat()})
    return run


def run_now(job: Job, now: datetime | None = None) -> ScheduledRun | None:
    """Run a job outside its clock (RESUME at start) as a run of its own, with its outcome."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(job=job.name, period=now, worker=this_worker(),
                                              started_at=now, heartbeat_at=now)
    except IntegrityError:  # another process started in the same microsecond: it runs it
        return None
    return run_job(job, run)


def run_due(now: datetime | None = None, jobs=JOBS) -> list[ScheduledRun]:
    """Run every job whose current period has no finished run yet; returns the runs made."""
    done = []
    for job in jobs:
        at = now or timezone.now()
        run = _claim(job, current_period(job, at), at)
        if run is not None:
            done.append(run_job(job, run))
    return done


def run_forever(stop: threading.Event, interval: float = 30.0):
    """The scheduler's loop (`anju scheduler`, started by `anju serve`)."""
    while not stop.is_set():
        close_old_connections()
        try:
            run_due()
        except Exception:  # noqa: BLE001 - a database hiccup must not end the schedule
            log.exception("schedule.error")
        stop.wait(interval)
