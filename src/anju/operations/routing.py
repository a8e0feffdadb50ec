"""Reads on a read replica for the work that declared it may be stale (ADR 0043).

Registered in DATABASE_ROUTERS only when ANJU_REPLICA_URL is set. Every write goes to the
primary. A read goes to the replica only when all of these hold:
- the page or job declared a tolerated staleness (anju.kit.reads);
- no record was written earlier in the same request or job, and the session did not save
  one in the last ANJU_REPLICA_MAX_LAG seconds (the sticky cookie of the middleware), so a
  clerk always sees what they just saved;
- no write transaction is open (a read inside one must see that transaction's rows);
- the model is not one whose rows must be current: who is signed in, their sessions and
  second factor, jobs and workers (their status is what the user waits for);
- the replica answers and is no further behind than the page tolerates nor than
  ANJU_REPLICA_MAX_LAG (measured once per LAG_CACHE_SECONDS; a replica that does not answer
  is asked again after DOWN_RETRY_SECONDS).
"""

import logging
import time

from django.conf import settings
from django.db import DatabaseError, connections

from anju.kit import reads

log = logging.getLogger(__name__)

# Always read on the primary: identity, sessions, lockouts, second factor, queued tasks,
# worker beats, exchange jobs. Writes of these (and of audit rows, which declared pages do
# not read) are bookkeeping: they send neither the request nor the session to the primary.
PRIMARY_APPS = frozenset({"sessions", "auth", "accounts", "axes", "otp_totp", "otp_static",
                          "django_otp", "contenttypes", "django_tasks_db", "operations"})
PRIMARY_MODELS = frozenset({"exchange.job", "exchange.joberror"})
BOOKKEEPING_APPS = PRIMARY_APPS | {"audit"}

LAG_CACHE_SECONDS = 5
DOWN_RETRY_SECONDS = 30
# Caught up when all received WAL is replayed (an idle primary sends none); otherwise behind
# by the age of the last transaction replayed. A primary (not in recovery) is not behind.
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END")

_measured: dict[str, tuple[float, float | None]] = {}  # alias -> (next check at, lag)


def replica_lag(alias: str = "replica") -> float | None:
    """Seconds the replica is behind, None when it does not answer; cached a few seconds."""
    now = time.monotonic()
    known = _measured.get(alias)
    if known is not None and now < known[0]:
        return known[1]
    lag = measure_lag(alias)
    _measured[alias] = (now + (LAG_CACHE_SECONDS if lag is not None else DOWN_RETRY_SECONDS),
                        lag)
    return lag


def forget_lag() -> None:
    _measured.clear()


def measure_lag(alias: str) -> float | None:
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                return 0.0  # a test mirror of the primary
            cursor.execute(LAG_SQL)
            return float(cursor.fetchone()[0])
    except DatabaseError as error:
        log.warning("replica %s does not answer, reading the primary: %s", alias, error)
        connection.close()
        return None


def _in_write_transaction(alias: str) -> bool:
    # The test suite's own wrapping transaction is not one the code opened.
    return any(not getattr(block, "_from_testcase", False)
               for block in connections[alias].atomic_blocks)


class ReplicaRouter:
    def __init__(self, replica: str = "replica", primary: str = "default", lag=None):
        self.replica, self.primary = replica, primary
        self.lag = lag or (lambda: replica_lag(self.replica))

    def db_for_read(self, model, **hints):
        return self.replica if self.reads_replica(model) else self.primary

    def reads_replica(self, model) -> bool:
        state = reads.current()
        if state is None or state.tolerance is None or state.wrote or state.sticky:
            return False
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS:
            return False
        if _in_write_transaction(self.primary):
            return False
        lag = self.lag()
        return lag is not None and lag <= min(state.tolerance, settings.REPLICA_MAX_LAG)

    def db_for_write(self, model, **hints):
        meta = model._meta
        if meta.app_label not in BOOKKEEPING_APPS and meta.label_lower not in PRIMARY_MODELS:
            reads.note_write()
        return self.primary

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, **hints):
        return db == self.primary
