import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anju.rectification.tests.conftest import dangerous_house, on_ledger  # noqa: F401
from anju.registry.rules import id_check_character

HEADER = ["姓名", "身份证号", "所在村", "低收入类别", "变动类型"]


@pytest.fixture(autouse=True)
def jobs_run_inline(settings, tmp_path):
    """Lists are read at once (the immediate backend), their files in the test's own folder."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def person_id(n: int, region: str = "220581") -> str:
    """A GB 11643 number of its own for every n (birth dates from 1960 on, a day apart)."""
    born = date(1960, 1, 1).toordinal() + n // 500
    first17 = f"{region}{date.fromordinal(born):%Y%m%d}{n % 500:03d}"
    return first17 + id_check_character(first17)


def months_back(n: int) -> str:
    today = timezone.localdate()
    month = today.year * 12 + today.month - 1 - n
    return f"{month // 12}-{month % 12 + 1:02d}"


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, content: bytes, *, period: str, name="名单.csv", dry_run=False):
    path = f"/api/v1/rosters?period={period}" + ("&dry_run=true" if dry_run else "")
    return client.upload(path, {"file": SimpleUploadedFile(name, content)})


def job(client, response) -> dict:
    assert response.status_code == 202, response.json()
    return client.get(f"/api/v1/rosters/jobs/{response.json()['job_id']}").json()
