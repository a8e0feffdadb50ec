import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anju.conftest import SHANCHENG_V1, valid_id_number
from anju.kit.xlsx import stream_xlsx

HOUSEHOLD_HEADER = ["division_code", "head_name", "head_id_number", "phone", "persons",
                    "members", "bank_account", "bank_name"]


@pytest.fixture(autouse=True)
def jobs_run_inline(settings, tmp_path):
    """Jobs run at once (the immediate backend), their files in a folder of the test's own."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(params=["in_process", "worker_processes"])
def checking(request, settings):
    """Runs a test twice: the rows checked in the job's process, and spread over two worker
    processes as a large file is."""
    from anju.exchange import workers

    if request.param == "worker_processes":
        settings.IMPORT_PROCESSES, settings.IMPORT_PARALLEL_ROWS = 2, 1
        assert workers.parallel(2) == 2, "this machine cannot fork worker processes"
    else:
        settings.IMPORT_PROCESSES = 1
    return request.param


def xlsx(header, rows) -> bytes:
    return b"".join(stream_xlsx([(h, 12) for h in header], rows))


def csv_bytes(header, rows, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def household_row(name="王大山", division=SHANCHENG_V1, id_number=None, phone="13812345678",
                  persons=3, members="", account="6217000012345678", bank="梅河口农商银行"):
    return [division, name, id_number or valid_id_number(), phone, persons, members, account,
            bank]


def upload(api_client, resource: str, content: bytes, name: str = "file.xlsx", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    path = f"/api/v1/imports/{resource}" + (f"?{query}" if query else "")
    return api_client.upload(path, {"file": SimpleUploadedFile(name, content)})


def errors_of(job_body) -> list[tuple]:
    return [(e["row"], e["field"], e["code"]) for e in job_body["errors"]]
