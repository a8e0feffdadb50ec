"""Photos from the field: stored once under their SHA-256 (content-addressed), sent whole or in
parts numbered from 0 that resume after a lost connection. When a photo is stored, the
captures that waited for it are applied. A stored photo counts as present only for those who
may name it by hash (field.queries.photos_known_to); anyone else is asked for the bytes."""

import hashlib
import tempfile

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from anju.accounts.access import check
from anju.field import rules
from anju.field.actions import apply_waiting
from anju.field.models import Photo, PhotoSender, Upload, UploadPart, photo_path
from anju.field.queries import photos_known_to
from anju.kit.errors import Code, RuleViolation
from anju.kit.origin import Origin
from anju.registry.rules import sniff_content_type

PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MAX_PARTS = 1000
CHUNK = 64 * 1024


def _max_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def _mismatch() -> RuleViolation:
    return RuleViolation(Code.PHOTO_HASH_MISMATCH,
                         "照片内容与其 SHA-256 不符，可能传输中损坏，请重新上传",
                         field="sha256")


def checked_sha(value) -> str:
    sha = (value or "").strip().lower()
    if not rules.SHA256.match(sha):
        raise RuleViolation(Code.INVALID_VALUE, "sha256 应为 64 位十六进制数", field="sha256")
    return sha


def _digest(stream) -> tuple[str, int, bytes]:
    """(sha256, size, first bytes) of a file-like object, read in chunks from the start."""
    stream.seek(0)
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := stream.read(CHUNK):
        if not head:
            head = chunk[:16]
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size, head


def _content_type(head: bytes, size: int) -> str:
    if size > _max_bytes():
        raise RuleViolation(Code.FILE_TOO_LARGE, f"照片不能超过 {settings.MAX_UPLOAD_MB} MB",
                            field="file")
    content_type = sniff_content_type(head)
    if content_type not in PHOTO_TYPES:
        raise RuleViolation(Code.FILE_TYPE_INVALID, "只接受 JPEG、PNG 或 WebP 照片", field="file")
    return content_type


def _note_sender(photo: Photo, user) -> bool:
    """Record that `user` sent the photo's bytes; False if they had before."""
    try:
        with transaction.atomic():
            _, created = PhotoSender.objects.get_or_create(
                photo=photo, user=user, defaults={"scope": user.scope or ""})
    except IntegrityError:
        return False  # the same user's other connection, a moment ago
    return created


def _keep(user, sha: str, stream, size: int, content_type: str) -> tuple[Photo, bool]:
    """Store the bytes under their hash unless they are stored already, and note who sent
    them; (photo, new to this sender)."""
    found = Photo.objects.filter(sha256=sha).first()
    if found is not None:
        return found, _note_sender(found, user)
    name = photo_path(sha, PHOTO_TYPES[content_type])
    stored = name if default_storage.exists(name) else default_storage.save(name, File(stream))
    try:
        with transaction.atomic():
            photo = Photo.objects.create(sha256=sha, file=stored, size=size,
                                         content_type=content_type, uploaded_by=user)
    except IntegrityError:
        # The same photo arrived on another connection at the same moment.
        photo = Photo.objects.get(sha256=sha)
        if stored != photo.file.name:
            default_storage.delete(stored)
    return photo, _note_sender(photo, user)


def _known(user, sha: str) -> Photo | None:
    return photos_known_to(user, [sha]).get(sha)


def store_photo(*, acting_user, upload, sha256: str,
                origin: Origin | None = None) -> tuple[Photo, bool]:
    """Store a whole photo; (photo, duplicate). Its hash must match its content."""
    check(acting_user, "field.sync")
    sha = checked_sha(sha256)
    digest, size, head = _digest(upload)
    if digest != sha:
        raise _mismatch()
    content_type = _content_type(head, size)
    known = _known(acting_user, sha) is not None
    photo, _ = _keep(acting_user, sha, upload, size, content_type)
    apply_waiting(sha, origin=origin)
    return photo, known


# --- in parts -------------------------------------------------------------------------------


def _state(sha: str, upload: Upload | None, *, complete: bool, duplicate: bool = False,
           size: int | None = None) -> dict:
    received = (list(upload.parts.order_by("number").values_list("number", flat=True))
                if upload is not None and upload.pk and not complete else [])
    return {"sha256": sha, "size": upload.size if upload is not None else size,
            "total_parts": upload.total_parts if upload is not None else None,
            "received_parts": received, "complete": complete, "stored": complete,
            "duplicate": duplicate}


def upload_state(*, acting_user, sha256: str) -> dict:
    """What the server holds of a photo: stored whole, or which parts of the caller's upload
    have arrived (a phone resumes from there)."""
    check(acting_user, "field.sync")
    sha = checked_sha(sha256)
    photo = _known(acting_user, sha)
    if photo is not None:
        return _state(sha, None, complete=True, duplicate=True, size=photo.size)
    upload = Upload.objects.filter(sha256=sha, opened_by=acting_user).first()
    return _state(sha, upload, complete=False)


def _checked_shape(size, total_parts) -> tuple[int, int]:
    if isinstance(size, bool) or not isinstance(size, int) or not 0 < size <= _max_bytes():
        raise RuleViolation("file_too_large" if isinstance(size, int) and size > 0
                            else "invalid_value",
                            f"照片大小应在 1 字节到 {settings.MAX_UPLOAD_MB} MB 之间", field="size")
    if (isinstance(total_parts, bool) or not isinstance(total_parts, int)
            or not 0 < total_parts <= min(MAX_PARTS, size)):
        raise RuleViolation(Code.INVALID_VALUE, f"分片数应在 1 到 {MAX_PARTS} 之间且不多于字节数",
                            field="total_parts")
    return size, total_parts


def _part_files(upload: Upload) -> list[str]:
    return list(upload.parts.order_by("number").values_list("file", flat=True))


def _open(user, sha: str, size: int, total_parts: int) -> tuple[Upload, list[str]]:
    """The caller's upload of this photo in this shape, opened afresh if the shape changed;
    (upload, part files to delete)."""
    upload = Upload.objects.select_for_update().filter(sha256=sha, opened_by=user).first()
    if upload is not None and (upload.size, upload.total_parts) == (size, total_parts):
        return upload, []
    stale = []
    if upload is not None:
        stale = _part_files(upload)
        upload.delete()
    try:
        with transaction.atomic():
            upload = Upload.objects.create(sha256=sha, size=size, total_parts=total_parts,
                                           opened_by=user)
    except IntegrityError:
        upload = Upload.objects.select_for_update().get(sha256=sha, opened_by=user)
    return upload, stale


def open_upload(*, acting_user, sha256: str, size, total_parts) -> tuple[dict, bool]:
    """Announce a photo to come in parts; (state, opened). A photo stored already needs no
    parts; an upload of the same shape is resumed."""
    check(acting_user, "field.sync")
    sha = checked_sha(sha256)
    size, total_parts = _checked_shape(size, total_parts)
    if _known(acting_user, sha) is not None:
        return upload_state(acting_user=acting_user, sha256=sha), False
    with transaction.atomic():
        existed = Upload.objects.filter(sha256=sha, opened_by=acting_user, size=size,
                                        total_parts=total_parts).exists()
        upload, stale = _open(acting_user, sha, size, total_parts)
    for name in stale:
        default_storage.delete(name)
    return _state(sha, upload, complete=False), not existed


def _join(upload: Upload):
    """The parts in order in one temporary file: (file, sha256, size, first bytes)."""
    joined = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    for name in _part_files(upload):
        with default_storage.open(name, "rb") as part:
            while chunk := part.read(CHUNK):
                joined.write(chunk)
    digest, size, head = _digest(joined)
    return joined, digest, size, head


def receive_part(*, acting_user, sha256: str, number: int, content: bytes,
                 size: int | None = None, total_parts: int | None = None,
                 origin: Origin | None = None) -> dict:
    """Keep part `number` (from 0) of a photo; the last one to arrive joins them, checks the
    hash, stores the photo and applies the captures that waited for it. A part sent again
    replaces the earlier copy. A joined photo whose hash does not match is discarded
    (`photo_hash_mismatch`): the phone sends it again from the start."""
    check(acting_user, "field.sync")
    sha = checked_sha(sha256)
    if _known(acting_user, sha) is not None:
        apply_waiting(sha, origin=origin)
        return upload_state(acting_user=acting_user, sha256=sha)
    stale, failure, stored = [], None, False
    with transaction.atomic():
        upload = Upload.objects.select_for_update().filter(sha256=sha,
                                                          opened_by=acting_user).first()
        if upload is None or (size is not None and total_parts is not None):
            if upload is None and (size is None or total_parts is None):
                raise RuleViolation(Code.UPLOAD_NOT_OPEN, "请在第一个分片中说明照片大小和分片数"
                                    "（size、total_parts），或先开始上传", field="total_parts")
            upload, stale = _open(acting_user, sha, *_checked_shape(
                size if size is not None else upload.size,
                total_parts if total_parts is not None else upload.total_parts))
        if isinstance(number, bool) or not 0 <= number < upload.total_parts:
            raise RuleViolation(Code.INVALID_VALUE,
                                f"分片编号应在 0 到 {upload.total_parts - 1} 之间",
                                field="number")
        if not content or len(content) > upload.size:
            raise RuleViolation(Code.INVALID_VALUE, "分片内容为空或大于整张照片", field="file")
        earlier = UploadPart.objects.filter(upload=upload, number=number).first()
        if earlier is not None:
            stale.append(earlier.file.name)
            earlier.delete()
        name = default_storage.save(f"field/parts/{upload.pk}/{number}", ContentFile(content))
        UploadPart.objects.create(upload=upload, number=number, size=len(content), file=name)
        if upload.parts.count() == upload.total_parts:
            # The last part: join, check, store; a bad whole is discarded, to be sent anew.
            stale += _part_files(upload)
            joined, digest, joined_size, head = _join(upload)
            with joined:
                if digest != sha or joined_size != upload.size:
                    failure = _mismatch()
                else:
                    try:
                        _keep(acting_user, sha, joined, joined_size,
                              _content_type(head, joined_size))
                        stored = True
                    except RuleViolation as error:
                        failure = error
            upload.delete()
        state = _state(sha, upload, complete=False)
    for name in stale:
        default_storage.delete(name)
    if failure is not None:
        raise failure
    if stored:
        apply_waiting(sha, origin=origin)
        return upload_state(acting_user=acting_user, sha256=sha)
    return state
