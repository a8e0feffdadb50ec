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

# How stale a page may be, in seconds (the staleness table of ADR 0043); the replica is used
# only while it is behind by less than both this and ANJU_REPLICA_MAX_LAG.
DASHBOARD = 300  # figures, charts, the map: counts that move by the day
LIST = 60  # the lists a clerk searches (a record they saved comes from the primary anyway)
EXPORT = 300  # a file of many rows is a snapshot; a job reads what was saved before it began


@dataclass
class Reads:
    tolerance: int | None = None  # seconds of staleness the work tolerates; None: primary only
    wrote: bool = False  # something was written: later reads of this work go to the primary
    sticky: bool = False  # this session saved a record a moment ago: read the primary


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
def replica_reads(seconds: int):
    """Reads inside may come from a replica at most `seconds` behind."""
    outer = _reads.get()
    if outer is None:
        state = Reads(tolerance=seconds)
        token = _reads.set(state)
        try:
            yield state
        finally:
            _reads.reset(token)
        return
    before = outer.tolerance
    outer.tolerance = seconds if before is None else min(before, seconds)
    try:
        yield outer
    finally:
        outer.tolerance = before


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


def note_write() -> None:
    """A record was written: the rest of the work reads the primary, and so does the
    session for a while (the router does not call this for sessions, audit rows, jobs)."""
    state = _reads.get()
    if state is not None:
        state.wrote = True
