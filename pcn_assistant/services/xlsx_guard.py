"""Look inside an Excel workbook before any reader touches it.

The xlsx reader (calamine, in Rust) builds each sheet as one rectangle from the first
to the last cell it finds, and a failed allocation there aborts the whole process: no
exception, no clean message, and in the GUI the app vanishes. A 5 KB file with one cell
at A1 and one at XFD1048576 asks for 512 GB. So every workbook passes this check first:

- it must be an Office Open XML workbook (``xl/workbook.xml`` inside a zip): legacy
  ``.xls``, ``.xlsb`` and OpenDocument files cannot be inspected this way and are refused
  with a request to save as ``.xlsx`` or CSV;
- the zip's declared uncompressed size and entry count must be sane (a zip bomb is
  refused before anything inflates it);
- each sheet's declared ``<dimension>`` and the extent of the cells it really holds
  (every ``r="B7"`` reference, and cells without a reference counted per row) must fit
  ``MAX_ROWS`` x ``MAX_COLUMNS`` and ``MAX_CELLS`` in all.

The scan streams each sheet through regular expressions at C speed (two passes when a
sheet has no ``<dimension>``), inflating at most the declared size: on a 2-million-cell
sheet it takes a third to a half of the time the reader itself then takes. Only the
parts the workbook's relationships name as sheets are scanned.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pcn_assistant.errors import InvalidInput
from pcn_assistant.services import input_limits

MAX_ROWS = 2_000_000
MAX_COLUMNS = 1_000  # as for CSV files (patient_import.readers.MAX_COLUMNS)
MAX_CELLS = 25_000_000  # rows x columns of the rectangle a reader builds (~0.8 GB in calamine)
CHUNK = 1 << 20

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\sref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')
_REF = re.compile(rb'\sr="([A-Za-z]{1,8})(\d{1,12})"')  # a cell's reference
_BARE_CELL = re.compile(rb"<c[>/\t\r\n]")
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d{1,12})"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
_SKIP = ("sharedstrings.xml", "styles.xml")  # text and formats: no cell positions in them
_RELS = "xl/_rels/workbook.xml.rels"
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTRIBUTE_TYPE = re.compile(rb'\bType="([^"]*)"')
_ATTRIBUTE_TARGET = re.compile(rb'\bTarget="([^"]*)"')
_SHEET_TYPES = (b"/worksheet", b"/chartsheet", b"/dialogsheet", b"/xlmacrosheet", b"/macrosheet")

# What a damaged or unsupported zip part raises (an unsupported compression method raises a
# RuntimeError subclass).
UNREADABLE = (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError)


@dataclass
class _Extent:
    rows: int = 0
    columns: int = 0
    last_row: int = 0  # the highest row number (rows counts from the first)


@dataclass
class _Scan:
    """What one sheet part holds so far, block by block."""

    extent: _Extent
    unnumbered_rows: int = 0  # rows without r="N": each is one below the one before
    widest_unreferenced: int = 0  # most cells without r="B7" in one row
    current_unreferenced: int = 0  # such cells so far in the row the last block ended in


def column_number(letters: bytes | str) -> int:
    """``A`` -> 1, ``Z`` -> 26, ``AA`` -> 27, ``XFD`` -> 16384."""
    number = 0
    for char in (letters.decode() if isinstance(letters, bytes) else letters).upper():
        number = number * 26 + ord(char) - 64
    return number


def check_workbook(source: bytes | str | Path, file_name: str) -> None:
    """Raise ``InvalidInput`` (one line) unless ``source`` is an xlsx whose sheets are
    within the limits; only then may a reader open it."""
    head = source[:8] if isinstance(source, bytes) else _head(Path(source))
    if head.startswith(_OLE):
        raise InvalidInput(f"{file_name} is an old-style Excel 97-2003 (.xls) file, which cannot be checked "
                           "safely: open it in Excel and save it as .xlsx or CSV, then import that")
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else Path(source))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InvalidInput(f"{file_name} could not be read as an Excel workbook (it is not an Excel workbook, "
                           f"or it is damaged or truncated: "
                           f"{str(error).splitlines()[0] if str(error) else type(error).__name__})") from None
    with archive:
        entries = archive.infolist()
        names = {e.filename.lower() for e in entries}
        if "xl/workbook.xml" not in names:
            raise InvalidInput(f"{file_name} is not an Excel .xlsx workbook (an .xlsb, OpenDocument or other zip "
                               "file?): save it from Excel as .xlsx or CSV, then import that")
        input_limits.check_zip(archive, file_name)
        sheets = _sheet_parts(archive, names)
        for entry in entries:
            lower = entry.filename.lower()
            if entry.is_dir() or (lower not in sheets if sheets is not None else not _maybe_sheet(lower)):
                continue
            try:
                declared_extent, prefixed = _declared(archive, entry)
                if declared_extent is not None:
                    _within_limits(file_name, entry.filename.rsplit("/", 1)[-1], declared_extent, "declares")
                extent = _scan(archive, entry, declared_extent, fast=not prefixed)
            except UNREADABLE as error:
                raise InvalidInput(f"{file_name} could not be read as an Excel workbook (part {entry.filename} "
                                   f"is damaged: {str(error).splitlines()[0] if str(error) else type(error).__name__})"
                                   ) from None
            if extent is not None:
                _within_limits(file_name, entry.filename.rsplit("/", 1)[-1], extent, "has cells over")


def _maybe_sheet(name: str) -> bool:
    return name.startswith("xl/") and name.endswith(".xml") and not name.endswith(_SKIP)


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> set[str] | None:
    """The parts the workbook's relationships name as sheets (what a reader will open),
    plus anything under ``xl/worksheets/``; None when the relationships cannot be read
    (then every XML part under ``xl/`` is scanned)."""
    if _RELS not in names:
        return None
    info = next(e for e in archive.infolist() if e.filename.lower() == _RELS)
    if info.file_size > 10 << 20:
        return None
    try:
        rels = archive.read(info)
    except UNREADABLE:
        return None
    sheets = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    for tag in _RELATIONSHIP.findall(rels):
        kind = _ATTRIBUTE_TYPE.search(tag)
        target = _ATTRIBUTE_TARGET.search(tag)
        if kind is None or target is None or not kind.group(1).lower().endswith(_SHEET_TYPES):
            continue
        path = target.group(1).decode("utf-8", "replace").replace("\\", "/").lower()
        sheets.add(path.lstrip("/") if path.startswith("/") else _normal(f"xl/{path}"))
    return sheets


def _normal(path: str) -> str:
    """``xl/../xl/worksheets/./sheet1.xml`` -> ``xl/worksheets/sheet1.xml``."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(8)
    except OSError as error:
        raise InvalidInput(f"{path.name}: cannot be read ({error.strerror or error})") from None


def _within_limits(file_name: str, part: str, extent: _Extent, verb: str) -> None:
    if extent.rows > MAX_ROWS or extent.columns > MAX_COLUMNS or extent.rows * extent.columns > MAX_CELLS:
        raise InvalidInput(
            f"{file_name}: sheet {part} {verb} {extent.rows:,} rows x {extent.columns:,} columns, beyond the "
            f"limits for an extract ({MAX_ROWS:,} rows, {MAX_COLUMNS:,} columns, {MAX_CELLS:,} cells), "
            "so it was not opened")


def _blocks(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's text in blocks of about ``CHUNK`` bytes, never splitting a tag."""
    carry = b""
    with archive.open(entry) as stream:
        while True:
            block = stream.read(CHUNK)
            if not block:
                if carry:
                    yield carry
                return
            text = carry + block
            cut = text.rfind(b"<")
            text, carry = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            yield text


def _declared(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> tuple[_Extent | None, bool]:
    """The sheet's ``<dimension ref="A1:K500">`` (it comes before the cells), and whether
    its tags carry a namespace prefix (``<x:c>``), which only the exact scan reads."""
    for text in _blocks(archive, entry):
        found = _dimension(text)
        if b"<sheetData" in text:
            return found, False
        if b":sheetData" in text:
            return found, True
        if found is not None:
            return found, False
    return None, False


def _scan(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, declared: _Extent | None, *,
          fast: bool = True) -> _Extent | None:
    """None when the part's cells provably fit the limits, else their exact extent.

    Fast path (every sheet Excel writes): take the last row number (declared, or the
    highest row seen), allow as many columns as the cell limit leaves for that many
    rows, and search once for any reference beyond that box and any cell without a
    reference. Finding none proves the fit without looking at each cell in Python."""
    last_row = declared.last_row if declared is not None else 0
    if declared is None:
        for text in _blocks(archive, entry):
            tail = text.rfind(b"<row")
            found = _ROW_NUMBER.search(text, tail) if tail >= 0 else None
            if found:
                last_row = max(last_row, int(found.group(1)))
    last_row = max(last_row, 1)
    columns = min(MAX_COLUMNS, MAX_CELLS // last_row)
    if fast and last_row <= MAX_ROWS and columns >= 1:
        # A literal start keeps the search at C speed; r=" after another letter only
        # sends a sheet down the exact path, it never lets one through.
        beyond = re.compile(rb'r="(?:(?:%s)[0-9]|[A-Za-z]*0*(?:%s)")' % (
            _letters_above(columns), _number_above(last_row)))
        if all(not beyond.search(text) and _every_cell_referenced(text) for text in _blocks(archive, entry)):
            return None
    scan = _Scan(_Extent())
    for text in _blocks(archive, entry):
        _measure(text, scan)
    extent = scan.extent
    return _Extent(rows=extent.rows + scan.unnumbered_rows,
                   columns=extent.columns + max(scan.widest_unreferenced, scan.current_unreferenced))


def _every_cell_referenced(text: bytes) -> bool:
    """True when each ``<c>`` in ``text`` starts ``<c r="`` (counted, not parsed)."""
    return text.count(b"<c ") == text.count(b'<c r="') and not _BARE_CELL.search(text)


def _letters_above(column: int) -> bytes:
    """A pattern matching column letters (whole, either case) after column ``column``."""
    letters = column_letters(column)

    def both(char: str) -> bytes:
        return f"[{char}{char.lower()}]".encode()

    options = [b"[A-Za-z]{%d,}" % (len(letters) + 1)]
    for i, char in enumerate(letters):
        if char != "Z":
            after = chr(ord(char) + 1)
            options.append(b"%s[%s-Z%s-z][A-Za-z]{%d}" % (
                b"".join(both(c) for c in letters[:i]), after.encode(), after.lower().encode(), len(letters) - i - 1))
    return b"|".join(options)


def _number_above(number: int) -> bytes:
    """A pattern matching a whole decimal number (leading zeros removed) above ``number``."""
    digits = str(number)
    options = [b"[1-9][0-9]{%d,}" % len(digits)]
    for i, char in enumerate(digits):
        if char != "9":
            options.append(b"%s[%d-9][0-9]{%d}" % (digits[:i].encode(), int(char) + 1, len(digits) - i - 1))
    return b"|".join(options)


def column_letters(number: int) -> str:
    """1 -> ``A``, 27 -> ``AA``, 16384 -> ``XFD``."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _dimension(text: bytes) -> _Extent | None:
    found = _DIMENSION.search(text)
    if not found:
        return None
    first_col, first_row, last_col, last_row = found.groups()
    if last_col is None:
        return _Extent(rows=1, columns=1, last_row=int(first_row))
    return _Extent(rows=abs(int(last_row) - int(first_row)) + 1,
                   columns=abs(column_number(last_col) - column_number(first_col)) + 1,
                   last_row=max(int(first_row), int(last_row)))


def _measure(text: bytes, scan: _Scan) -> None:
    """Grow the scan to cover the cells and rows in ``text`` (whole tags only)."""
    extent = scan.extent
    refs = _REF.findall(text)
    if refs:
        extent.columns = max(extent.columns, max(column_number(c) for c in {c for c, _ in refs}))
        extent.rows = max(extent.rows, max(int(r) for r in {r for _, r in refs}))
    numbered = _ROW_NUMBER.findall(text)
    if numbered:
        extent.rows = max(extent.rows, max(map(int, numbered)))
    parts = _ROW_TAG.split(text)  # parts[0] continues the row the last block ended in
    scan.unnumbered_rows += len(parts) - 1 - len(numbered)
    if len(_CELL_TAG.findall(text)) == len(refs):  # every cell here has its reference
        if len(parts) > 1:
            scan.widest_unreferenced = max(scan.widest_unreferenced, scan.current_unreferenced)
            scan.current_unreferenced = 0
        return
    for index, part in enumerate(parts):
        unreferenced = len(_CELL_TAG.findall(part)) - len(_REF.findall(part))
        if index:
            scan.widest_unreferenced = max(scan.widest_unreferenced, scan.current_unreferenced)
            scan.current_unreferenced = 0
        scan.current_unreferenced += unreferenced
