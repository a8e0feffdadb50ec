"""An import's pure work spread over worker processes.

Most of an imported row's cost is Python that needs no database: reading the cells, the
registry's rules, the GB 11643 checks, the keyed hashes and the encryption of the numbers
(`Importer.prepare`). A large file's chunks go to `ANJU_IMPORT_PROCESSES` forked workers,
which inherit the importer (settings, keys, the caller); their results come back in file
order, and the job's own process does everything that touches the database (lookups,
duplicates within the file, writes) exactly as it does for a small file prepared in-process.
"""

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connections

_importer = None  # the importer a forked worker inherits


def _detach() -> None:
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


def prepared(importer, chunks: Iterable[list], *, rows: int) -> Iterator[list]:
    """`importer.prepare(chunk)` of each chunk, in order. At most two chunks per worker are
    under way, so memory stays bounded however far the workers run ahead."""
    processes = parallel(rows)
    if not processes:
        yield from map(importer.prepare, chunks)
        return
    global _importer
    _importer = importer
    try:
        with multiprocessing.get_context("fork").Pool(processes, initializer=_detach) as pool:
            pending = deque()
            for chunk in chunks:
                pending.append(pool.apply_async(_prepare, (chunk,)))
                if len(pending) >= 2 * processes:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _importer = None
