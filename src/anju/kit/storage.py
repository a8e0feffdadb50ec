"""The one place every upload is written (Django's default storage): photos, attachments,
exchange and roster files. A full disk refuses the file whole, before any record points to it."""

import errno
import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage

from anju.kit.errors import AnjuError, Code

FULL = "服务器存储空间不足，文件未保存；请联系县级系统管理员清理磁盘后重试"


class StorageFull(AnjuError):
    """507: the upload folder has no room; nothing of the file is kept."""

    status = 507

    def __init__(self, message: str = FULL):
        super().__init__(Code.STORAGE_FULL, message, field="file")


def free_bytes(folder: Path) -> int:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


class UploadStorage(FileSystemStorage):
    """FileSystemStorage that keeps ANJU_UPLOAD_MIN_FREE_MB free and removes a half-written
    file when the disk fills while it is written."""

    def _save(self, name, content):
        reserve = settings.UPLOAD_MIN_FREE_MB * 1024 * 1024
        size = getattr(content, "size", None) or 0
        if free_bytes(Path(self.location)) < size + reserve:
            raise StorageFull()
        try:
            return super()._save(name, content)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            # FileSystemStorage writes in place: take away what was written, then refuse.
            try:
                os.remove(self.path(name))
            except FileNotFoundError:
                pass
            raise StorageFull() from exc
