"""A task for the worker race only: it records each run it makes in a table of its own, with
no unique key, so a job run twice shows as two rows."""

import os
import time

from django.db import connection
from django_tasks import task


@task()
def record_run(job: int) -> int:
    time.sleep(0.01)  # long enough that the workers overlap
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO province_task_run (job, pid) VALUES (%s, %s)",
                       [job, os.getpid()])
    return job
