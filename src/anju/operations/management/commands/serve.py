import json
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connections

from anju.operations.schedule import RESUME, run_now


def default_web_workers() -> int:
    # gunicorn's advice: (2 × cores) + 1 synchronous workers.
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = ("正式运行：gunicorn 网页进程、后台任务进程和内置时间表，收到 SIGTERM 时全部平稳停止"
            "（ADR 0040）")

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("ANJU_BIND", "127.0.0.1:8000"),
                            help="监听地址（默认 ANJU_BIND 或 127.0.0.1:8000）")
        parser.add_argument("--workers", type=int,
                            default=int(os.environ.get("ANJU_WEB_WORKERS", 0)) or None,
                            help="网页进程数（默认 ANJU_WEB_WORKERS 或 2×CPU 核数+1）")
        parser.add_argument("--task-workers", type=int,
                            default=int(os.environ.get("ANJU_TASK_WORKERS", 1)),
                            help="后台任务进程数（默认 ANJU_TASK_WORKERS 或 1）")
        parser.add_argument("--task-interval", type=float, default=1.0,
                            help="后台任务进程空闲时查询新任务的间隔（秒）")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="不运行内置时间表（另一台机器运行时也可不关：每项每周期只运行一次）")
        parser.add_argument("--stop-timeout", type=float,
                            default=float(os.environ.get("ANJU_STOP_TIMEOUT", 30)),
                            help="停止时等待进程结束的秒数，超时强制结束")
        parser.add_argument("--data-dir", help="数据目录（由 anju 命令在载入设置前处理）")

    def _log(self, event: str, **fields):
        self.stderr.write(json.dumps({"logger": "anju.serve", "event": event, **fields},
                                     ensure_ascii=False))

    def handle(self, *args, bind, workers=None, task_workers=1, no_scheduler=False,
               stop_timeout=30.0, task_interval=1.0, **options):
        # Jobs a stopped worker left are queued again before the workers start (ADR 0021).
        self._resume()
        anju = [sys.executable, "-m", "anju.cli"]
        web = [sys.executable, "-m", "gunicorn", "anju.wsgi:application", "--bind", bind,
               "--workers", str(workers or default_web_workers()),
               "--graceful-timeout", str(int(stop_timeout)), "--timeout", "120",
               "--max-requests", "5000", "--max-requests-jitter", "500",
               # Django is imported once in the master, then forked: a faster start, shared pages
               "--preload",
               # the request lines come from Anju's own JSON log (anju.request)
               "--error-logfile", "-", "--log-level", "warning",
               "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else "/tmp"]
        roles = {"web": web}
        for n in range(task_workers):
            roles[f"worker-{n + 1}"] = [*anju, "worker", "--interval", str(task_interval)]
        if not no_scheduler:
            roles["scheduler"] = [*anju, "scheduler"]

        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, _: stopping.append(signum))
        running = {role: subprocess.Popen(command) for role, command in roles.items()}
        self._log("serve.start", bind=bind, processes={r: p.pid for r, p in running.items()},
                  data_dir=str(settings.DATA_DIR))
        code = 0
        try:
            while not stopping:
                time.sleep(0.5)
                for role, process in list(running.items()):
                    if process.poll() is None:
                        continue
                    self._log("serve.exited", role=role, returncode=process.returncode)
                    if role == "web":
                        code = 1
                        stopping.append("web")
                        break
                    if role.startswith("worker"):
                        # the job it had in hand goes back on the queue (ADR 0021)
                        self._resume()
                    time.sleep(1)  # a worker or the scheduler that died is started again
                    running[role] = subprocess.Popen(roles[role])
        finally:
            self._stop(running, stop_timeout)
        self._log("serve.stop", reason=str(stopping[0]) if stopping else "")
        if code:
            sys.exit(code)

    def _resume(self):
        """`jobs_resume`, recorded as a run of its own (`anju schedule` shows its outcome)."""
        run = run_now(RESUME)
        if run is not None:
            self._log("serve.resume", outcome=run.status, message=run.message)
        connections.close_all()

    def _stop(self, running: dict, timeout: float):
        for process in running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for role, process in running.items():
            try:
                process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                self._log("serve.kill", role=role)
                process.kill()
                process.wait()
