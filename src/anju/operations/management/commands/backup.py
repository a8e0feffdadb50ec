from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from anju.kit.errors import AnjuError
from anju.operations import backup


def report_differences(command: BaseCommand, src: str, differences: list[str]) -> None:
    if differences:
        raise CommandError(f"备份 {src} 校验未通过：\n" + "\n".join(differences))
    command.stdout.write(f"备份 {src} 校验通过：记录数、迁移版本与每个文件的校验和均与清单一致")


class Command(BaseCommand):
    help = ("在线备份数据库与上传文件到新目录 DEST（含清单与校验和，不含密钥）；"
            "--verify SRC 把已有备份恢复到临时位置并与清单核对")

    def add_arguments(self, parser):
        parser.add_argument("dest", help="新的备份目录（不得已存在）；--verify 时为要校验的备份")
        parser.add_argument("--verify", action="store_true", help="校验已有备份，不做新备份")

    def handle(self, *args, dest, verify, **options):
        db = connections["default"].settings_dict
        try:
            if verify:
                report_differences(self, dest, backup.verify_backup(Path(dest), db=db))
                return
            manifest = backup.create_backup(Path(dest), db=db, media_root=settings.MEDIA_ROOT)
        except AnjuError as e:
            raise CommandError(f"[{e.code}] {e.message}") from e
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"备份完成：{dest}（{manifest['engine']}，{len(manifest['counts'])} 张表 "
                          f"{rows} 行，{len(manifest['files'])} 个上传文件）")
        self.stdout.write(backup.KEYS_NOTE)
