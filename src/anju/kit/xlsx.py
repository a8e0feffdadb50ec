"""A streaming writer of .xlsx files: rows in, zip bytes out, constant memory.

The sheet is written as SpreadsheetML with inline strings straight into a deflated zip member,
and the zip goes to a non-seekable sink whose bytes are handed on after every few hundred rows;
no shared-string table, nothing kept per row. ADR 0013 says why this and not xlsxwriter:
xlsxwriter's constant_memory mode wrote the 38-column ledger at about 3,700 rows/s here."""

import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '{sheets}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/></Types>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
               'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '{sheets}<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
_SHEET_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
              '2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="2"><font><sz val="11"/><name val="等线"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '</cellXfs></styleSheet>')


def _workbook(sheet_names: list[str]) -> str:
    sheets = "".join(f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>'
                     for n, name in enumerate(sheet_names, start=1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets>{sheets}</sheets></workbook>')


def _cell(value) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"<c><v>{value}</v></c>"
    text = escape(_ILLEGAL.sub("", str(value)))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class _Sink:
    """A write-only, non-seekable file whose bytes are taken out as they come."""

    def __init__(self):
        self.buffer = bytearray()
        self.position = 0

    def write(self, data) -> int:
        self.buffer += data
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self):
        pass

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


NOTE_SHEET = "说明"
NOTE_HEADER = (("项目", 14), ("内容", 60))


def stream_xlsx(header: Iterable[tuple[str, int]], rows: Iterable[tuple], *,
                sheet_name: str = "Sheet1", batch: int = 500,
                note: Iterable[tuple[str, str]] = ()) -> Iterator[bytes]:
    """The .xlsx bytes of a sheet with a bold, frozen header of (title, width) and `rows`."""
    return stream_workbook([(sheet_name, header, rows)], batch=batch, note=note)


def stream_workbook(sheets: Iterable[tuple[str, Iterable[tuple[str, int]], Iterable[tuple]]],
                    *, batch: int = 500, note: Iterable[tuple[str, str]] = (),
                    note_sheet: bool = True) -> Iterator[bytes]:
    """The .xlsx bytes of several sheets, each (name, header, rows) or (name, header, rows,
    above): `above` is rows of bold titles over the header (a caption, the upper level of a
    two-level header). The names are known before any row is read, the rows of each sheet are
    read as it is written.

    `note` is (item, text) pairs — what the file covers, for whom, as of when: they go on a
    last sheet 说明, and the first of them, joined, into every sheet's printed page header, so
    that neither the columns nor the first row of a fixed layout move. Without `note_sheet`
    (a layout whose sheets are counted by the system that reads it) the header alone."""
    sheets, note = list(sheets), list(note)
    header_text = "　".join(text for _, text in note[:3])
    if note and note_sheet:
        sheets.append((NOTE_SHEET, NOTE_HEADER, note))
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
    numbers = range(1, len(sheets) + 1)
    for name, text in (
            ("[Content_Types].xml",
             _CONTENT_TYPES.format(sheets="".join(_SHEET_TYPE.format(n=n) for n in numbers))),
            ("_rels/.rels", _RELS),
            ("xl/workbook.xml", _workbook([name for name, *_ in sheets])),
            ("xl/_rels/workbook.xml.rels",
             _WORKBOOK_RELS.format(sheets="".join(_SHEET_REL.format(n=n) for n in numbers))),
            ("xl/styles.xml", _STYLES)):
        archive.writestr(name, text)
    for n, (_, header, rows, *above) in zip(numbers, sheets, strict=True):
        yield from _write_sheet(archive, sink, n, list(header), rows, batch,
                                above[0] if above else (), header_text)
    archive.close()
    yield sink.take()


def _bold_row(titles) -> str:
    return "<row>" + "".join(f'<c s="1" t="inlineStr"><is><t>{escape(str(t))}</t></is></c>'
                             if t not in (None, "") else "<c/>" for t in titles) + "</row>"


def _page_header(text: str) -> str:
    # Printed at the top centre of every page (&C); "&" itself is "&&" in a header.
    if not text:
        return ""
    text = escape(_ILLEGAL.sub("", text).replace("&", "&&"))
    return f"<headerFooter><oddHeader>&amp;C{text}</oddHeader></headerFooter>"


def _write_sheet(archive, sink, n: int, header, rows, batch: int,
                 above=(), page_header: str = "") -> Iterator[bytes]:
    with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as sheet:
        cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                       for i, (_, w) in enumerate(header, start=1))
        titles = "".join(_bold_row(r) for r in above) + _bold_row(t for t, _ in header)
        frozen = len(above) + 1
        sheet.write((
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{frozen}" '
            f'topLeftCell="A{frozen + 1}" activePane="bottomLeft" state="frozen"/>'
            f'</sheetView></sheetViews><cols>{cols}</cols><sheetData>{titles}').encode())
        pending = []
        for row in rows:
            pending.append("<row>" + "".join(map(_cell, row)) + "</row>")
            if len(pending) >= batch:
                sheet.write("".join(pending).encode())
                pending.clear()
                yield sink.take()
        sheet.write(("".join(pending) + "</sheetData>" + _page_header(page_header)
                     + "</worksheet>").encode())
    yield sink.take()
