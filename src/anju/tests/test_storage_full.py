"""A full disk refuses an upload whole: a clear message, and no record pointing to a missing
or half-written file (anju.kit.storage, the one storage every upload goes through)."""

import errno
import os

import pytest
from django.core.files.storage import filesystem
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.registry.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40


def photo():
    return SimpleUploadedFile("front.png", PNG, content_type="image/png")


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_upload_is_refused_with_507_when_the_disk_keeps_too_little_free(
        api, cast, make_house, media, settings, nothing_written):
    settings.UPLOAD_MIN_FREE_MB = 1024 * 1024 * 1024  # a petabyte: no disk has that free
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                       {"file": photo(), "kind": "photo"})
    assert r.status_code == 507
    error = r.json()["error"]
    assert (error["code"], error["field"]) == ("storage_full", "file")
    assert "存储空间不足" in error["message"]
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_disk_filling_while_the_file_is_written_leaves_no_half_file_and_no_record(
        api, cast, make_house, media, monkeypatch):
    def write_half_then_fill_the_disk(fd, flags):
        os.write(fd, PNG[:16])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(filesystem.locks, "lock", write_half_then_fill_the_disk)
    house = make_house()
    r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                   {"file": photo(), "kind": "photo"})
    assert (r.status_code, r.json()["error"]["code"]) == (507, "storage_full")
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


def test_upload_with_room_to_spare_is_stored(api, cast, make_house, media, settings):
    settings.UPLOAD_MIN_FREE_MB = 1
    house = make_house()
    r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                   {"file": photo(), "kind": "photo"})
    assert r.status_code == 201
    assert [p.read_bytes() for p in stored_files(media)] == [PNG]


@pytest.mark.parametrize("reserve_mb, stored", [(0, True), (1024 * 1024 * 1024, False)])
def test_a_small_quota_folder_refuses_what_does_not_fit(media, settings, reserve_mb, stored):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from anju.kit.storage import StorageFull

    settings.UPLOAD_MIN_FREE_MB = reserve_mb
    if stored:
        assert default_storage.save("exports/a.txt", ContentFile(b"x"))
    else:
        with pytest.raises(StorageFull):
            default_storage.save("exports/a.txt", ContentFile(b"x"))
    assert len(stored_files(media)) == int(stored)


@pytest.fixture
def small_disk(settings, tmp_path):
    """The uploads folder on a real file system of 2 MB (a tmpfs mounted for the test)."""
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("mounting a 2 MB tmpfs for the uploads folder needs root")
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"this machine does not let root mount a tmpfs: {mounted.stderr.strip()}")
    settings.MEDIA_ROOT = folder
    settings.UPLOAD_MIN_FREE_MB = 0
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def big_photo(megabytes: float):
    return SimpleUploadedFile("front.png", PNG + b"\x00" * int(megabytes * 1024 * 1024),
                              content_type="image/png")


FULL_MESSAGE = "服务器存储空间不足，文件未保存；请联系县级系统管理员清理磁盘后重试"


def test_a_photo_larger_than_the_disk_is_refused_whole_on_a_real_small_disk(
        api, cast, make_house, small_disk, nothing_written):
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                       {"file": big_photo(3), "kind": "photo"})
    assert r.status_code == 507
    assert (r.json()["error"]["code"], r.json()["error"]["message"]) == (
        "storage_full", FULL_MESSAGE)
    assert stored_files(small_disk) == []


def test_a_disk_that_fills_during_the_write_keeps_no_half_file_and_no_record(
        api, cast, make_house, small_disk, nothing_written, monkeypatch):
    # The room was there when checked; another writer took it before the file was written.
    from anju.kit import storage

    monkeypatch.setattr(storage, "free_bytes", lambda folder: 1 << 40)
    house = make_house()
    with nothing_written():
        r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                       {"file": big_photo(3), "kind": "photo"})
    assert r.status_code == 507
    assert (r.json()["error"]["code"], r.json()["error"]["message"]) == (
        "storage_full", FULL_MESSAGE)
    assert stored_files(small_disk) == []
    # and the disk is whole again: a photo that fits is stored
    r = api(cast.shancheng).upload(f"/api/v1/houses/{house.pk}/attachments",
                                   {"file": big_photo(1), "kind": "photo"})
    assert r.status_code == 201
    assert [p.stat().st_size for p in stored_files(small_disk)] == [len(PNG) + 1024 * 1024]
