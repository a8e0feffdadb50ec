import logging
import signal
import threading
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from anju.operations import pooler


class Command(BaseCommand):
    help = ("让 pgbouncer 跟随主库：向 pg_auto_failover 监控节点查询主库，主库变化时改写 "
            "pgbouncer.ini 的数据库行并重新加载（每台应用服务器一个）")
    requires_system_checks = []  # reads no Anju table: it runs beside pgbouncer

    def add_arguments(self, parser):
        parser.add_argument("--monitor", required=True,
                            help="监控节点连接串，如 postgres://autoctl_node@monitor:5432/pg_auto_failover")
        parser.add_argument("--ini", required=True, type=Path, help="pgbouncer.ini 路径")
        parser.add_argument("--database", default="anju", help="[databases] 中的库名")
        parser.add_argument("--formation", default="default")
        reload = parser.add_mutually_exclusive_group(required=True)
        reload.add_argument("--admin", help="pgbouncer 管理库连接串（执行 RELOAD）")
        reload.add_argument("--pidfile", type=Path, help="pgbouncer 的 pid 文件（发送 SIGHUP）")
        parser.add_argument("--every", type=float, default=5.0,
                            help="未收到通知时的查询间隔（秒）")
        parser.add_argument("--once", action="store_true", help="只查询、改写一次")

    def handle(self, *args, monitor, ini, database, formation, admin, pidfile, every, once,
               **options):
        if not ini.is_file():
            raise CommandError(f"找不到 pgbouncer 配置文件 {ini}")
        logging.getLogger("anju.pooler").setLevel(logging.INFO)
        reload = pooler.reload_by_admin(admin) if admin else pooler.reload_by_signal(pidfile)
        if once:
            import psycopg

            with psycopg.connect(monitor, autocommit=True, connect_timeout=5) as conn:
                moved = pooler.point(conn, ini, database, reload, formation)
            self.stdout.write(f"{database} → {moved[0]}:{moved[1]}" if moved else "未变")
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        pooler.follow(monitor, ini, database, reload, formation=formation, every=every,
                      stop=stop.is_set)
