"""The bulk-insert seam: many rows into one table, as fast as the database allows.

PostgreSQL gets `COPY ... FROM STDIN` (psycopg 3); other databases (SQLite) get one
`executemany` per batch. Callers pass plain tuples in the order of `fields`, with ids they
reserved through `reserve_ids()` when other rows must point at them. Nothing here checks
rules: it is for generated or already-validated data (seeding, the demo, imports).
"""

import json
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import connections

from anju.crypto import EncryptedCharField, encryptor, hash_fields, hasher


def _memoized(convert):
    # Generated rows repeat a few values per column (one timestamp, empty tag lists), and
    # converting each again costs more than the insert itself.
    cache = {}

    def converted(value):
        if isinstance(value, dict):  # history rows' changes: each its own
            return convert(value)
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        try:
            return cache[key]
        except KeyError:
            result = cache[key] = convert(value)
            if len(cache) > 1000:
                cache.clear()
            return result
        except TypeError:  # unhashable
            return convert(value)

    return converted


def _to_json(value):
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _converters(model, fields: Sequence[str], vendor: str, connection):
    """Per-column functions turning Python values into what the driver stores."""
    converters = []
    encrypt = encryptor()
    for name in fields:
        field = model._meta.get_field(name)
        kind = field.get_internal_type()
        if isinstance(field, EncryptedCharField):
            converters.append(encrypt)  # never memoized: equal numbers get unequal tokens
        elif kind == "JSONField":
            converters.append(_memoized(_to_json))
        elif vendor != "postgresql" and kind == "DecimalField":
            converters.append(lambda v: None if v is None else str(v))
        elif vendor != "postgresql" and kind == "DateTimeField":
            converters.append(_memoized(connection.ops.adapt_datetimefield_value))
        else:
            converters.append(None)
    return converters


def _columns(model, fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def row_adapter(model, fields: Sequence[str], *, using: str = "default"):
    """(stored fields, adapt): what a row of plain values in the order of `fields` becomes
    for the driver: sensitive numbers encrypted, their lookup hashes appended (as the ORM's
    save() derives them, anju.crypto.LookupHashField), JSON as text. Needs no open connection,
    so an import's worker processes can put rows in their stored form (exchange/workers.py)."""
    connection = connections[using]
    converters = _converters(model, fields, connection.vendor, connection)
    derived = [(f, fields.index(f.source)) for f in hash_fields(model)
               if f.source in fields and f.name not in fields]
    stored = (*fields, *(f.name for f, _ in derived))
    if not any(converters) and not derived:
        return stored, tuple
    pairs = [(i, c) for i, c in enumerate(converters) if c is not None]
    sources = [i for _, i in derived]
    lookup_hash = hasher()

    def adapt(row):
        row = list(row)
        hashes = [lookup_hash(row[i]) for i in sources]
        for i, convert in pairs:
            row[i] = convert(row[i])
        return (*row, *hashes)

    return stored, adapt


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence], *,
                using: str = "default", stored: bool = False) -> int:
    """Insert `rows` (tuples in the order of `fields`) into `model`'s table; returns the count.
    With `stored=True` the rows are already in their stored form (row_adapter) and `fields`
    names every column written, lookup hashes included.

    Runs inside the caller's transaction when there is one.
    """
    connection = connections[using]
    vendor = connection.vendor
    if not stored:
        fields, adapt = row_adapter(model, fields, using=using)
        if adapt is not tuple:
            rows = map(adapt, rows)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _columns(model, fields))
    count = 0
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            counted = _Counted(rows)
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
                               counted)
            count = counted.count
    return count


class _Counted:
    def __init__(self, rows):
        self.rows, self.count = iter(rows), 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


@contextmanager
def large_cache(*, using: str = "default", megabytes: int = 64):
    """A larger SQLite page cache while a bulk load runs: with the default 2 MB, each insert
    into a county's indexes reads their pages again (a 100,000-row import ran about 12 %
    faster with 64 MB). Restored after, so the connection's later work (an export in the
    same worker) keeps its small footprint. Nothing to do on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{megabytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def reserve_ids(model, count: int, *, using: str = "default") -> list[int]:
    """`count` fresh primary keys for `model`, so that other rows can point at them.

    On PostgreSQL they come from the table's identity sequence (safe beside other writers);
    elsewhere they follow the current maximum, which is safe inside the write transaction
    SQLite takes (transaction_mode IMMEDIATE).
    """
    if count <= 0:
        return []
    connection = connections[using]
    table = model._meta.db_table
    pk = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(table), pk, count])
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) FROM "
                       f"{connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def refresh_statistics(models, *, using: str = "default") -> None:
    """After a bulk load: planner statistics, and on PostgreSQL the visibility map, without
    which index-only counts visit every heap page until autovacuum comes by. Skipped inside a
    transaction (VACUUM cannot run there)."""
    connection = connections[using]
    if connection.in_atomic_block:
        return
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM (ANALYZE) {tables}")
        else:
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
