"""Which reads may come from a read replica (ADR 0043).

A page or a job declares how stale its reads may be (`replica_tolerant` on a view,
`replica_reads` around a job's reading); everything else reads the primary. The state lives in
a context variable, so each request and each task sees only its own. The database router
(anju.operations.routing) reads it; this module knows nothing of databases.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Reads:
    tolerance: int | None = None  # seconds of staleness the work tolerates; None: primary only
    wrote: bool = False  # something was written: later reads of this work go to the primary
    saved: bool = False  # a record the user may look for next was written (not bookkeeping)
    sticky: bool = False  # this session wrote a moment ago: read the primary
    progress_writes: bool = False  # the work's writes are only its own progress (a job)


_reads: ContextVar[Reads | None] = ContextVar("anju_reads", default=None)


def current() -> Reads | None:
    return _reads.get()


@contextmanager
def reads_of_request(*, sticky: bool = False):
    """The state of one request (the middleware opens it around the whole request)."""
    state = Reads(sticky=sticky)
    token = _reads.set(state)
    try:
        yield state
    finally:
        _reads.reset(token)


@contextmanager
def replica_reads(seconds: int, *, progress_writes: bool = False):
    """Reads inside may come from a replica at most `seconds` behind; `progress_writes=True`
    when the block's writes are only its own progress (a job's heartbeat), not data it reads."""
    outer = _reads.get()
    if outer is None:
        state = Reads(tolerance=seconds, progress_writes=progress_writes)
        token = _reads.set(state)
        try:
            yield state
        finally:
            _reads.reset(token)
        return
    before = (outer.tolerance, outer.progress_writes)
    outer.tolerance = seconds if outer.tolerance is None else min(outer.tolerance, seconds)
    outer.progress_writes = progress_writes
    try:
        yield outer
    finally:
        outer.tolerance, outer.progress_writes = before


def replica_tolerant(seconds: int):
    """A view whose reads may be up to `seconds` stale (a dashboard, a list, a map, an
    export): its reads may come from the replica unless the session has just written."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            with replica_reads(seconds) as state:
                response = view(*args, **kwargs)
                stays = not (state.sticky or state.wrote)
            if stays and getattr(response, "streaming", False):
                response.streaming_content = _streamed(seconds, response.streaming_content)
            return response
        wrapped.replica_tolerance = seconds
        return wrapped
    return decorate


def _streamed(seconds: int, content):
    # A streamed export is read after the view returned; each piece is read under the same
    # declaration (entered per piece: the server may pull pieces from different contexts).
    pieces = iter(content)
    while True:
        with replica_reads(seconds):
            piece = next(pieces, None)
        if piece is None:
            return
        yield piece


def note_write(*, bookkeeping: bool) -> None:
    """Called for every write: the rest of the work reads the primary; a write of a record
    (not a session or an audit row) also keeps the session on the primary for a while."""
    state = _reads.get()
    if state is None:
        return
    if not state.progress_writes:
        state.wrote = True
    if not bookkeeping:
        state.saved = True
