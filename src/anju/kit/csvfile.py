"""The one CSV writer of every export: UTF-8 with a BOM (so that Excel shows the Chinese), and
no cell a spreadsheet would run as a formula.

Excel, LibreOffice and WPS evaluate a cell that starts with =, +, -, @ (and a tab, a carriage
return or NUL before one), so a head name typed as `=HYPERLINK(...)` would run on the clerk's
machine that opens the file. Such a text cell is written with a leading apostrophe, which the
spreadsheet reads as "text" and does not show (OWASP, CSV injection; ASVS 1.2.10). Numbers
written as numbers stay as they are: a negative amount is not a formula.
"""

import csv
import math
from collections.abc import Iterable, Iterator
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_STARTS = frozenset(FORMULA_STARTS)
ROWS_PER_PIECE = 500


def safe_cell(value):
    """The value as a CSV cell: a finite number as it is, anything else as text, with a
    leading apostrophe when the text starts like a formula."""
    kind = type(value)
    if kind is str:  # most cells: checked first
        return "'" + value if value[:1] in _STARTS else value
    if value is None:
        return ""
    if kind is int or (kind is float and math.isfinite(value)) or (
            kind is Decimal and value.is_finite()):
        return value
    text = str(value)
    return "'" + text if text[:1] in _STARTS else text


class _Echo:
    def write(self, value):
        return value


def stream_csv(header: Iterable, rows: Iterable[Iterable]) -> Iterator[bytes]:
    """The file's bytes, a few hundred rows a piece: the header, then every row, each cell
    through safe_cell."""
    writer = csv.writer(_Echo())
    yield "\ufeff".encode() + writer.writerow(map(safe_cell, header)).encode()
    pending = []
    for row in rows:
        pending.append(writer.writerow(map(safe_cell, row)))
        if len(pending) >= ROWS_PER_PIECE:
            yield "".join(pending).encode()
            pending.clear()
    if pending:
        yield "".join(pending).encode()
