from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from anju.kit.errors import AnjuError
from anju.operations import backup
from anju.operations.management.commands.backup import report_differences


class Command(BaseCommand):
    help = ("把备份 SRC 恢复到空的数据目录或空数据库（先核对校验和，目标非空则拒绝）；"
            "--verify 只恢复到临时位置核对")

    def add_arguments(self, parser):
        parser.add_argument("src", help="anju backup 写出的备份目录")
        parser.add_argument("--verify", action="store_true", help="只校验，不恢复")

    def handle(self, *args, src, verify, **options):
        db = connections["default"].settings_dict
        connections.close_all()
        try:
            if verify:
                report_differences(self, src, backup.verify_backup(Path(src), db=db))
                return
            manifest = backup.restore_backup(Path(src), db=db, media_root=settings.MEDIA_ROOT)
        except AnjuError as e:
            raise CommandError(f"[{e.code}] {e.message}") from e
        self.stdout.write(f"恢复完成：{sum(manifest['counts'].values())} 行、"
                          f"{len(manifest['files'])} 个上传文件，与清单一致（备份于 "
                          f"{manifest['created']}，安居 {manifest['anju_version']}）")
        if settings.KEYS_FROM_ENVIRONMENT:
            self.stdout.write("请确认 /etc/anju/anju.env 中是备份时使用的同一组密钥，然后启动服务")
        else:
            self.stdout.write(f"注意：密钥不在环境变量中，{settings.DATA_DIR} 里的密钥文件"
                              "是新生成的；启动前请换成原实例的 secret.key、field.keys、"
                              "lookup.key，"
                              "否则身份证号等加密字段无法读出")
