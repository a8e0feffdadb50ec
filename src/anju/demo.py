"""`anju demo`: the demo county in one command. It spans the apps (divisions, the register,
the ledger, housing security, data quality, statistics), so it lives above them and the
console command runs it (anju.cli); no app's domain reaches up to the others for it."""

import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from anju.accounts.actions import create_user
from anju.accounts.commands import CreateUser
from anju.accounts.models import User
from anju.assistance.demo import seed_demo as seed_assistance_demo
from anju.divisions.loader import load_divisions
from anju.kit.origin import COMMAND
from anju.registry.demo_data import generate_demo

DEMO_PASSWORD = "Demo@2026!"
# username -> (scope, role, department, name); api.md "Command line".
DEMO_USERS = {
    "admin": ("22", "admin", "", "系统管理员"),
    "mhk_housing": ("220581", "county_officer", "housing", "梅河口市住建局"),
    "mhk_civil": ("220581", "county_officer", "civil_affairs", "梅河口市民政局"),
    "mhk_rural": ("220581", "county_officer", "rural_revitalization", "梅河口市乡村振兴局"),
    "mhk_finance": ("220581", "county_officer", "finance", "梅河口市财政局"),
    "shancheng": ("220581100", "township_officer", "township_government", "山城镇"),
    "hongmei": ("220581101", "township_officer", "township_government", "红梅镇"),
    "cadre": ("220581100001", "village_cadre", "", "山城镇演示一村"),
    "appraiser1": ("220581", "appraiser", "", "鉴定人员"),
    "changji": ("6523", "prefecture_officer", "housing", "昌吉州住建局"),
    # 三员分立: the security and audit administrators beside the system administrator.
    "security": ("22", "security_admin", "", "安全管理员"),
    "auditor": ("22", "audit_admin", "", "安全审计员"),
}


def ensure_demo_users() -> list[str]:
    """The demo users of api.md; existing ones are left as they are. Returns those created."""
    created = []
    for username, (scope, role, department, name) in DEMO_USERS.items():
        if not User.objects.filter(username=username).exists():
            create_user(CreateUser(username=username, password=DEMO_PASSWORD, scope=scope,
                                   role=role, department=department, full_name=name),
                        origin=COMMAND, check_password=False)
            created.append(username)
    return created


class Command(BaseCommand):
    help = "准备演示数据库（区划、演示村、农户和房屋、演示用户）并启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--data-dir",
                            help="数据目录（默认 ./var；由 anju 命令在载入设置前处理）")
        parser.add_argument("--households", type=int, default=3000, help="演示农户数")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动服务")

    def step(self, label: str):
        self.stdout.write(f"{label}…", ending="")
        self.stdout.flush()
        return time.monotonic()

    def done(self, started: float, note: str = ""):
        self.stdout.write(f" {note}（{time.monotonic() - started:.1f} 秒）")

    def handle(self, *args, port, households, no_serve, data_dir=None, **options):
        from django.conf import settings

        if data_dir and Path(data_dir).resolve() != settings.DATA_DIR:
            raise CommandError("--data-dir 须经 anju 命令传入（或设置 ANJU_DATA_DIR）")
        self.stdout.write(f"数据库：{settings.DATABASES['default']['NAME']}")
        t = self.step("迁移数据库")
        call_command("migrate", verbosity=0, interactive=False)
        self.done(t)

        t = self.step("载入全国行政区划")
        created, renamed = load_divisions()
        self.done(t, f"新增 {created} 条，更名 {renamed} 条")

        self.stdout.write(f"生成演示村和 {households} 户演示农户、房屋：")

        def progress(done, total):
            self.stdout.write(f"\r  {done}/{total} 户", ending="")
            self.stdout.flush()

        t = time.monotonic()
        made_households, made_houses = generate_demo(households, progress=progress)
        self.stdout.write("")
        self.done(t, f"  新增农户 {made_households} 户、房屋 {made_houses} 栋"
                  + ("" if made_households else "（已有演示数据，未重复生成）"))

        # R-CJ-4: the demo's C/D houses (graded by the generator) onto the rectification ledger
        for county in ("220581", "6523"):
            call_command("ledger_backfill", county, stdout=self.stdout)
        created_users = ensure_demo_users()  # before the housing-security cases they act in
        self.stdout.write("住房安全保障演示：认定 {certified} 户，改造申请 {cases} 件".format(
            **seed_assistance_demo()))
        # R-CJ-3: the data-quality checks over the demo counties, so the quality page has work
        call_command("quality_sweep", "220581", "6523", quiet=True, stdout=self.stdout)
        call_command("stats_refresh", stdout=self.stdout)  # the dashboards' rollup tables
        self.stdout.write(f"演示用户：新建 {len(created_users)} 个，密码 {DEMO_PASSWORD}")
        for username, (scope, role, department, _) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<12} {scope:<10} {role:<18} {department}")
        if not settings.REQUIRE_TOTP:
            self.stderr.write(self.style.WARNING(
                "警告：演示模式未要求动态口令（ANJU_REQUIRE_TOTP=false），演示用户的密码是公开的。"
                "只可用于演示数据；正式部署必须要求管理员和可查看完整信息的角色使用动态口令"
                "（见 docs/security.md）。"))
        if no_serve:
            return
        self.stdout.write(f"\n打开 http://127.0.0.1:{port}/ （Ctrl-C 停止）\n")
        # The same production server a county runs (`anju serve`): web workers, one task worker
        # for exports, imports and the statistics, and the built-in schedule.
        call_command("serve", bind=f"127.0.0.1:{port}", task_workers=1)
