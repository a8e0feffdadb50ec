"""The task workers' sign of life: each `anju worker` writes its row every few seconds, and
/readyz is not ready when no worker has written one lately."""

import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from anju.operations.models import WorkerBeat

BEAT_SECONDS = 10


def beat(worker: str) -> None:
    WorkerBeat.objects.update_or_create(worker=worker, defaults={"beat_at": timezone.now()})


def start_beating(worker: str) -> threading.Event:
    """A thread that beats until the returned event is set."""
    stop = threading.Event()

    def loop():
        while True:
            try:
                beat(worker)
            except Exception:  # noqa: BLE001 - a missed beat shows in /readyz, no need to die
                pass
            finally:
                close_old_connections()
            if stop.wait(BEAT_SECONDS):
                break
        WorkerBeat.objects.filter(worker=worker).delete()
        close_old_connections()

    threading.Thread(target=loop, name="worker-heartbeat", daemon=True).start()
    return stop


def latest_beat():
    return WorkerBeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


def worker_alive(now=None) -> bool:
    last = latest_beat()
    limit = timedelta(seconds=settings.WORKER_BEAT_STALE_SECONDS)
    return last is not None and (now or timezone.now()) - last <= limit
