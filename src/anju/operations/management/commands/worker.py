from django_tasks_db.management.commands.db_worker import Command as DbWorker

from anju.exchange.liveness import this_worker
from anju.operations.heartbeat import start_beating


class Command(DbWorker):
    help = "后台任务进程（db_worker），并定时写入心跳供 /readyz 检查；由 anju serve 启动"

    def handle(self, *args, **options):
        stop = start_beating(this_worker())
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
