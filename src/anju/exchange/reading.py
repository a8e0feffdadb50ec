"""Import files to rows: Excel (xlsx, and the older xls and ods that offices still keep) through
python-calamine, CSV through the csv module in UTF-8 or GB18030 (what Excel in China saves).

The kind of a file is told by its content, never by its name. Rows are numbered as in the
file: the header is the first row that is not empty (row 1 in a plain file), blank rows are
skipped but keep their numbers. A title above the header (often merged across the columns)
is refused with a message that says so, and a formula cell saved without its value (as
openpyxl and other tools write them, nothing having calculated it) reaches the columns as
`Uncalculated`, for a message naming the cell.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

from anju.kit.errors import AnjuError, Code, RuleViolation

XLSX, XLS, ODS, CSV = "xlsx", "xls", "ods", "csv"
# A zip bomb guard: the parts of a workbook unpacked, at most (calamine reads a sheet whole).
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF", b"MZ", b"\x1f\x8b",
           b"Rar!", b"7z\xbc\xaf")
_CHUNK = 1 << 16


def unsupported(message: str = "只接受 Excel（xlsx、xls）或 CSV 文件") -> AnjuError:
    return AnjuError(Code.UNSUPPORTED_FILE, message, field="file", status=415)


def _encoding(path: Path) -> str | None:
    """UTF-8 (with or without BOM) if the whole file decodes so, else GB18030, else None."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as f:
                while chunk := f.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def sniff(path: Path) -> str:
    """The file's kind from its first bytes and structure; 415 unsupported_file otherwise."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if not head:
        raise RuleViolation(Code.FILE_EMPTY, "文件是空的", field="file")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                unpacked = sum(i.file_size for i in archive.infolist())
        except zipfile.BadZipFile:
            raise unsupported("文件已损坏，无法作为 Excel 文件读取") from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise RuleViolation(Code.FILE_TOO_LARGE, "文件解压后过大，请分成几个文件导入",
                                field="file")
        if "xl/workbook.xml" in names:
            return XLSX
        if "content.xml" in names and "mimetype" in names:
            return ODS
        raise unsupported()
    if head.startswith(_OLE2):
        return XLS
    if head.startswith(_BINARY) or b"\x00" in head:
        raise unsupported()
    if _encoding(path) is None:
        raise unsupported("CSV 文件的编码无法识别，请另存为 UTF-8 或 GB18030 编码")
    return CSV


class Uncalculated(NamedTuple):
    """A formula cell whose file holds no calculated value."""

    ref: str  # the cell as Excel names it, e.g. "B7"


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
    wanted = sheet.get(f"{_RELATION}id")
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(r.get("Target") for r in relations if r.get("Id") == wanted)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def uncalculated_formulas(path: Path) -> dict[int, dict[int, str]]:
    """The first sheet's formula cells saved without a value: row → column index → "B7".
    Most files have no formula at all, which a scan of the bytes tells before any parsing."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _first_sheet_part(archive)
            with archive.open(part) as stream:
                tail = b""
                while chunk := stream.read(1 << 20):
                    if _FORMULA.search(tail + chunk):
                        break
                    tail = chunk[-16:]
                else:
                    return {}
            found: dict[int, dict[int, str]] = {}
            with archive.open(part) as stream:
                for _, element in ElementTree.iterparse(stream):
                    if element.tag == f"{_MAIN}c":
                        value = element.find(f"{_MAIN}v")
                        # An empty value is a formula's empty text only when typed as text.
                        if element.find(f"{_MAIN}f") is not None and (
                                value is None or (not value.text and element.get("t") != "str")):
                            ref = element.get("r", "")
                            if match := _CELL_REF.fullmatch(ref):
                                found.setdefault(int(match[2]), {})[
                                    _column_index(match[1])] = ref
                        element.clear()
                    elif element.tag == f"{_MAIN}row":
                        element.clear()
            return found
    except (KeyError, StopIteration, AttributeError, ElementTree.ParseError,
            zipfile.BadZipFile, OSError):
        return {}  # calamine reads the file or says why; this check only adds to that


@dataclass
class Table:
    """The first sheet of a file: its header row and its data rows, as cell values."""

    kind: str
    path: Path
    header: list
    header_row: int
    encoding: str = ""
    _sheet: object = field(default=None, init=False, repr=False)
    _formulas: dict | None = field(default=None, init=False, repr=False)

    def rows(self, after: int = 0) -> Iterator[tuple[int, list]]:
        """(row number, cells) of each non-blank data row whose number is above `after`."""
        source = self._csv_rows() if self.kind == CSV else self._sheet_rows()
        for number, cells in source:
            if number <= self.header_row or number <= after:
                continue
            if not _blank(cells):
                yield number, cells

    def count(self) -> int:
        return sum(1 for _ in self.rows())

    @property
    def merged(self) -> list:
        """The sheet's merged ranges ((row, column), (row, column)), from 0; xlsx and xls."""
        return (self._sheet.merged_cell_ranges or []) if self._sheet is not None else []

    def _sheet_rows(self):
        if self._sheet is None:  # calamine reads the sheet whole: once per table
            self._sheet = _first_sheet(self.path)
        if self._formulas is None:
            self._formulas = uncalculated_formulas(self.path) if self.kind == XLSX else {}
        sheet, formulas = self._sheet, self._formulas
        # calamine yields every row from the sheet's first, and the cells from the first
        # column that holds any.
        left = (sheet.start or (0, 0))[1]
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            for column, ref in formulas.get(number, {}).items():
                if column >= left:
                    cells += [""] * (column - left + 1 - len(cells))
                    cells[column - left] = Uncalculated(ref)
            yield number, cells

    def _csv_rows(self):
        with open(self.path, encoding=self.encoding, newline="") as f:
            reader = csv.reader(f, dialect=_dialect(f))
            # Records, not lines: a quoted cell across lines is one row, as Excel shows it.
            yield from enumerate(reader, start=1)


def _blank(cells) -> bool:
    for cell in cells:
        if cell is None or cell == "" or (isinstance(cell, str) and not cell.strip()):
            continue
        return False
    return True


def _dialect(f: io.TextIOBase):
    first = f.readline()
    f.seek(0)
    dialect = csv.excel_tab if first.count("\t") > first.count(",") else csv.excel
    return dialect


def _first_sheet(path: Path):
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError) as error:
        raise unsupported(f"无法读取 Excel 文件：{str(error)[:100]}") from None


def _filled(cells) -> int:
    return sum(1 for cell in cells if not _blank([cell]))


def _check_not_title(table: Table, source) -> None:
    """A header holds several column names: a first row with a single cell, above rows with
    several, is a title (a merged one, as a sheet's heading usually is)."""
    if _filled(table.header) != 1:
        return
    for _, cells in zip(range(10), source, strict=False):
        if _filled(cells) > 1:
            break
    else:
        return
    number = table.header_row
    title = next(str(c).strip() for c in table.header if not _blank([c]))[:30]
    merged = any(top <= number - 1 <= bottom and right > left
                 for (top, left), (bottom, right) in table.merged or ())
    kind = "合并的标题行" if merged else "标题行"
    raise RuleViolation(Code.TITLE_ROW, f"第{number}行（{title}）是{kind}，不是列名：请删除标题行，"
                        "使第1行为列名（与导入模板一致）", field="file")


def open_table(path: Path) -> Table:
    """The file's first sheet with its header found; refuses files of other kinds, and a
    title row where the header should be."""
    path = Path(path)
    kind = sniff(path)
    table = Table(kind=kind, path=path, header=[], header_row=0,
                  encoding=_encoding(path) if kind == CSV else "")
    source = table._csv_rows() if kind == CSV else table._sheet_rows()
    try:
        for number, cells in source:
            if not _blank(cells):
                table.header, table.header_row = list(cells), number
                break
        if table.header:
            _check_not_title(table, (cells for _, cells in source if not _blank(cells)))
    except csv.Error as error:
        raise unsupported(f"CSV 文件格式有误：{error}") from None
    if not table.header:
        raise RuleViolation(Code.FILE_EMPTY, "文件中没有表头行", field="file")
    return table


def open_table_with(path: Path, is_header, *, within: int = 6) -> Table:
    """The file's first sheet with its header the first of its first `within` rows that
    `is_header(cells)` accepts: a national file has a caption and an upper header above its
    column titles. Refuses files of other kinds; 422 when no row is a header."""
    path = Path(path)
    kind = sniff(path)
    table = Table(kind=kind, path=path, header=[], header_row=0,
                  encoding=_encoding(path) if kind == CSV else "")
    source = table._csv_rows() if kind == CSV else table._sheet_rows()
    try:
        for number, cells in source:
            if number > within:
                break
            if is_header(cells):
                table.header, table.header_row = list(cells), number
                break
    except csv.Error as error:
        raise unsupported(f"CSV 文件格式有误：{error}") from None
    if not table.header:
        raise RuleViolation(Code.COLUMNS_MISSING, f"前 {within} 行中没有该版式的列名：文件不是这一"
                            "版式，或列名已被改动", field="file")
    return table
