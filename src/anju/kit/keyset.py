"""Reading a large ordered query a chunk at a time, in constant memory, with or without
server-side cursors (ADR 0043).

Django's `.iterator(chunk_size=n)` streams through a server-side cursor on PostgreSQL. Behind
pgbouncer in transaction mode those are off (DISABLE_SERVER_SIDE_CURSORS), and `.iterator()`
then fetches every row at once. `rows()` reads such a query in keyset chunks instead:
`WHERE (k1, k2, ..., pk) > (last row's) ORDER BY k1, k2, ..., pk LIMIT n`, one short query
per chunk (each its own transaction, so it works through the pooler), the same rows in the
same order.
"""

from collections.abc import Iterator

from django.db import connections
from django.db.models import BooleanField, F, Func, Value
from django.db.models.expressions import OrderBy
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
)

_KEY = "_keyset_{}"


def rows(queryset, chunk_size: int = 2000) -> Iterator:
    """The rows of `queryset`, streamed in chunks of `chunk_size`: through Django's iterator
    where it streams, in keyset chunks where server-side cursors are off."""
    connection = connections[queryset.db]
    if (connection.vendor == "postgresql"
            and connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")):
        return keyset(queryset, chunk_size)
    return queryset.iterator(chunk_size=chunk_size)


class _After(Func):
    """(k1, k2, ...) > (v1, v2, ...), or < when the keys descend: one index range scan."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, keys, values, descending: bool):
        super().__init__(*keys, *values)
        self.descending = descending

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, more = compiler.compile(expression)
            parts.append(sql)
            params.extend(more)
        half = len(parts) // 2
        op = "<" if self.descending else ">"
        return f"({', '.join(parts[:half])}) {op} ({', '.join(parts[half:])})", params


def _ordering(queryset) -> tuple[list[str], bool]:
    """The key paths of the ordering (ending with the primary key) and their direction."""
    query = queryset.query
    order = list(query.order_by) or (list(queryset.model._meta.ordering)
                                     if query.default_ordering else [])
    paths, directions = [], set()
    for item in order:
        if isinstance(item, OrderBy) and isinstance(item.expression, F):
            paths.append(item.expression.name)
            directions.add(item.descending)
        elif isinstance(item, F):
            paths.append(item.name)
            directions.add(False)
        elif isinstance(item, str) and item != "?":
            paths.append(item.removeprefix("-"))
            directions.add(item.startswith("-"))
        else:
            raise ValueError(f"keyset chunks need an ordering by fields, not {item!r}")
    if len(directions) > 1:
        raise ValueError("keyset chunks need every ordering key in the same direction")
    descending = directions.pop() if directions else False
    pk = queryset.model._meta.pk
    if not paths or paths[-1] not in ("pk", "id", pk.name, pk.attname):
        paths.append("pk")  # a unique last key: ties would otherwise be skipped or repeated
    return paths, descending


def _field(model, path: str):
    """The model field a key path ends at; NULL keys are refused: NULL compares to nothing,
    so a row with an empty key would end the chunks early."""
    field = None
    for part in path.split("__"):
        meta = model._meta
        field = meta.pk if part == "pk" else meta.get_field(part)  # FieldDoesNotExist
        model = field.related_model or model
    if field.null:
        raise ValueError(f"keyset chunks cannot order by {path}: it may be empty")
    return field.target_field if field.is_relation else field


def keyset(queryset, chunk_size: int = 2000) -> Iterator:
    """`queryset`'s rows in keyset chunks (see the module's note)."""
    paths, descending = _ordering(queryset)
    kind = queryset._iterable_class
    if kind not in (ModelIterable, ValuesIterable, ValuesListIterable, FlatValuesListIterable):
        raise ValueError(f"keyset chunks do not read {kind.__name__} rows")
    if queryset.query.is_sliced:
        raise ValueError("keyset chunks read a whole query, not a slice of one")
    fields = [_field(queryset.model, p) for p in paths]
    names = [_KEY.format(i) for i in range(len(paths))]
    ordered = queryset.annotate(**{n: F(p) for n, p in zip(names, paths, strict=True)})
    ordered = ordered.order_by(*(f"-{n}" if descending else n for n in names))
    flat = kind is FlatValuesListIterable
    if flat:
        ordered._iterable_class = ValuesListIterable
    count = len(names)
    last = None
    while True:
        chunk = ordered
        if last is not None:
            values = [Value(v, output_field=f) for f, v in zip(fields, last, strict=True)]
            chunk = ordered.filter(_After([F(n) for n in names], values, descending))
        batch = list(chunk[:chunk_size])
        if not batch:
            return
        for row in batch:
            if kind is ModelIterable:
                yield row
            elif kind is ValuesIterable:
                yield {k: v for k, v in row.items() if k not in names}
            elif flat:
                yield row[0]
            else:
                yield row[:-count]
        tail = batch[-1]
        if kind is ModelIterable:
            last = [getattr(tail, n) for n in names]
        elif kind is ValuesIterable:
            last = [tail[n] for n in names]
        else:
            last = list(tail[-count:])
        if len(batch) < chunk_size:
            return
