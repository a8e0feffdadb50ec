"""An import's pure work spread over worker processes.

Most of an imported row's cost is Python that needs no database: reading the cells, the
registry's rules, the GB 11643 checks, the keyed hashes and the encryption of the numbers
(`Importer.prepare`). A large file's chunks go to `ANJU_IMPORT_PROCESSES` forked workers,
which inherit the importer (settings, keys, the caller); their results come back in file
order, and the job's own process does everything that touches the database (lookups,
duplicates within the file, writes) exactly as it does for a small file prepared in-process.

The job runs inside the task worker (`anju db_worker`), whose SIGTERM handler only notes the
signal while a task runs. A worker process that kept that handler outlived its pool's
shutdown, and the job waited for it for ever with every task queued behind it; so the
workers start with the default handling, and every wait on them is bounded: a worker that
dies or stops answering fails the job with a message, never the task worker.
"""

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as ResultTimeout
from concurrent.futures.process import BrokenProcessPool

from django.conf import settings
from django.db import connections

from anju.kit.errors import AnjuError, Code

# A chunk of 1,000 rows takes well under a second: a worker silent this long is stuck.
CHUNK_SECONDS = 300
# Once the results are in, the workers get this long to leave before they are killed.
STOP_SECONDS = 10

_importer = None  # the importer a forked worker inherits


def _start_worker() -> None:
    # SIGTERM and SIGQUIT end a worker (a pool is shut down with SIGTERM); Ctrl+C, which
    # reaches the whole process group, is for the job's process to act on.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker shares its parent's database sockets: it must never speak on them (it
    # needs no database; should it ever ask, it opens a connection of its own).
    for connection in connections.all(initialized_only=True):
        connection.connection = None


def _prepare(chunk):
    return _importer.prepare(chunk)


def parallel(rows: int) -> int:
    """How many worker processes an import of `rows` rows uses (0: none, in-process)."""
    processes = settings.IMPORT_PROCESSES
    if (processes < 2 or rows < settings.IMPORT_PARALLEL_ROWS
            or "fork" not in multiprocessing.get_all_start_methods()):
        return 0
    return processes


def workers_failed() -> AnjuError:
    return AnjuError(Code.IMPORT_WORKERS_FAILED, "检查数据的工作进程意外退出或长时间无响应，"
                     "导入已停止；请稍后重新导入，如仍失败请联系管理员", status=500)


def _result(future):
    try:
        return future.result(timeout=CHUNK_SECONDS)
    except (BrokenProcessPool, ResultTimeout):
        raise workers_failed() from None


def _stop(pool: ProcessPoolExecutor) -> None:
    # Python 3.14 has pool.terminate_workers(); before it, the processes are only reachable
    # here. A worker that does not leave in time is killed, so the job never waits on it.
    processes = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(STOP_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()


def prepared(importer, chunks: Iterable[list], *, rows: int) -> Iterator[list]:
    """`importer.prepare(chunk)` of each chunk, in order. At most two chunks per worker are
    under way, so memory stays bounded however far the workers run ahead."""
    processes = parallel(rows)
    if not processes:
        yield from map(importer.prepare, chunks)
        return
    global _importer
    _importer = importer
    # Forked, so the workers inherit the importer without pickling it (a forkserver's
    # workers would each set Django up again). The job's process has no other thread when
    # they are forked: the executor starts its own threads after the workers.
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker)
    try:
        pending = deque()
        for chunk in chunks:
            pending.append(pool.submit(_prepare, chunk))
            if len(pending) >= 2 * processes:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        _stop(pool)
        _importer = None
