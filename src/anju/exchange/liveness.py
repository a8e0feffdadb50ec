"""Which process runs a job, and whether it is still there: a job whose worker was killed is
queued again at once by `anju jobs_resume`, not only once its heartbeat has aged."""

import os
import socket
from pathlib import Path


def _process(pid: int) -> tuple[str, str] | None:
    # (state, start time in clock ticks since boot) from Linux's /proc; with the pid, the
    # start time tells a process from a later one that was given the same pid.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return fields[0], fields[19]


def this_worker() -> str:
    """host:pid:start of the current process, recorded on the job it claims."""
    pid = os.getpid()
    found = _process(pid)
    return f"{socket.gethostname()}:{pid}:{found[1] if found else ''}"[:100]


def worker_gone(worker: str) -> bool:
    """Whether the process recorded as `worker` has ended. Only a process of this host can be
    told; for any other, and for a record that cannot be read, the answer is no."""
    try:
        host, pid, started = worker.split(":")
        pid = int(pid)
    except ValueError:
        return False
    if host != socket.gethostname() or pid <= 0:
        return False
    if Path("/proc/self/stat").exists():
        found = _process(pid)
        return found is None or found[0] == "Z" or bool(started and found[1] != started)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
