"""Reading an uploaded file into rows of cells, whatever Excel or CSV dialect it is.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine, which is about ten times
faster than openpyxl; an "Excel" download that is really a web page or Excel 2003 XML is read
by :mod:`lib.importing.markup`. Text files are decoded as UTF-8 (with or without BOM), UTF-16
with BOM, or CP932 / Shift_JIS, detected rather than asked, and split on the delimiter that
gives the most consistent columns.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from python_calamine import CalamineWorkbook

from lib.importing.markup import markup_kind, read_html, read_spreadsheetml

MAX_BYTES = 200 * 1024 * 1024
MAX_UNZIPPED = 1024 * 1024 * 1024  # a workbook that inflates beyond this is a zip bomb
MAX_ROWS = 500_000  # a year of statements is far less; more is an export gone wrong
MAX_COLUMNS = 500
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_MAGIC = (_ZIP, _OLE2)  # how .xlsx/.ods and .xls files begin
_WORKBOOK_EXT = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
_DELIMITERS = (",", "\t", ";", "|")
# Excel's "Encrypt with Password" wraps the workbook in an OLE2 file with this stream.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]{2,40})""", re.I)
T = TypeVar("T")
HEADER_SCAN = 30  # a header row is looked for among a sheet's first thirty rows
Recognise = Callable[[list[list[object]]], bool]


class FileError(ValueError):
    """The file as a whole cannot be imported; the message says why and what to do."""


@dataclass
class Sheet:
    """One table of cells read from a file, with the other sheet names for the page."""

    name: str
    rows: list[list[object]]
    sheet_names: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    statement: str | None = None  # a bank format read into this table ("MT940 statement")


def read_sheet(
    data: bytes, file_name: str, sheet: str | None = None, recognise: Recognise | None = None
) -> Sheet:
    """Read ``data`` (the file's bytes) into a :class:`Sheet`; raise FileError when unreadable.

    Of a workbook, ``sheet`` is read when named; else the first visible sheet whose first rows
    ``recognise`` accepts (a cover sheet or a notes sheet comes first in many workbooks), else
    the first that is not empty."""
    if not data:
        raise FileError(f"{file_name}: the file is empty")
    if len(data) > MAX_BYTES:
        raise FileError(f"{file_name}: larger than {MAX_BYTES // 2**20} MB; split it by period")
    lower = file_name.lower()
    if data.startswith(b"%PDF"):
        raise FileError(
            f"{file_name}: a PDF has no rows and columns to read. Download the statement or "
            "report as Excel or CSV (net banking offers both) and upload that"
        )
    if data.startswith(WORKBOOK_MAGIC):
        return _read_workbook(data, file_name, sheet, recognise)
    markup = markup_kind(data)
    if markup:
        return _read_markup(data, file_name, markup, sheet, recognise)
    if lower.endswith(_WORKBOOK_EXT):
        raise FileError(f"{file_name}: not a valid Excel workbook (is it damaged or renamed?)")
    return _read_text(data, file_name)


def _check_zip(data: bytes, file_name: str) -> None:
    # Read the sizes the archive declares before anything is inflated.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError, EOFError):
        raise FileError(f"{file_name}: the workbook is damaged (not a readable .xlsx)") from None
    if inflated > MAX_UNZIPPED or inflated > 200 * max(1, len(data)):
        raise FileError(
            f"{file_name}: the workbook would unpack to {inflated / 2**20:,.0f} MB; "
            "that is not a ledger or a statement"
        )


def _check_size(rows: int, columns: int, file_name: str) -> None:
    if rows > MAX_ROWS:
        raise FileError(
            f"{file_name}: {rows:,} rows is more than Kaishu takes in one file "
            f"({MAX_ROWS:,}); split it by period"
        )
    if columns > MAX_COLUMNS:
        raise FileError(
            f"{file_name}: {columns:,} columns; a ledger or statement has a few "
            "dozen at most. Is this the right sheet?"
        )


def _read_workbook(
    data: bytes, file_name: str, sheet: str | None, recognise: Recognise | None
) -> Sheet:
    if data.startswith(_ZIP):
        _check_zip(data, file_name)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
        visible = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Visible")]
        if sheet is not None and sheet not in names:
            raise FileError(f"{file_name}: no sheet named {sheet!r}; sheets: {', '.join(names)}")
        chosen, table = pick_sheet(
            visible or names,
            book.get_sheet_by_name,
            lambda t: t.height == 0,
            lambda t: t.to_python(skip_empty_area=False, nrows=HEADER_SCAN),
            sheet,
            recognise,
        )
        _check_size(
            max(table.height, table.total_height), max(table.width, table.total_width), file_name
        )
        rows = table.to_python(skip_empty_area=False)
    except FileError:
        raise
    except Exception as exc:  # calamine raises its own errors for damaged files
        if _ENCRYPTED in data or "password" in str(exc).lower():
            raise FileError(
                f"{file_name}: the workbook is protected with a password. Open it in Excel, "
                "clear the password (File › Info › Protect Workbook › Encrypt with Password), "
                "save it and upload it again"
            ) from None
        raise FileError(
            f"{file_name}: cannot read the workbook ({_short(exc)}); check that it is the "
            "export itself, saved as .xlsx or .csv"
        ) from None
    return Sheet(chosen, rows, names)


def pick_sheet(
    names: list[str],
    load: Callable[[str], T],
    empty: Callable[[T], bool],
    head: Callable[[T], list[list[object]]],
    wanted: str | None,
    recognise: Recognise | None,
) -> tuple[str, T]:
    """The sheet to read: ``wanted`` when named, else the first that is not ``empty`` and
    whose ``head`` (its first rows) ``recognise`` accepts, else the first that is not empty.
    Loading a workbook's sheet parses all of it, so each is loaded at most once."""
    if wanted:
        return wanted, load(wanted)
    if not names:
        raise FileError("the workbook has no sheets")
    first = None
    for name in names:
        table = load(name)
        if empty(table):
            continue
        if recognise is None or len(names) == 1 or recognise(head(table)):
            return name, table
        first = first or (name, table)
    return first or (names[0], load(names[0]))


def _read_markup(
    data: bytes, file_name: str, kind: str, sheet: str | None, recognise: Recognise | None
) -> Sheet:
    # A web page has one sheet, all its tables; an XML Spreadsheet has named worksheets.
    label = "web page" if kind == "html" else "XML Spreadsheet (Excel 2003)"
    try:
        if kind == "html":
            tables = [("", read_html(_decode_page(data, file_name)))]
        else:
            tables = read_spreadsheetml(data)
    except FileError:
        raise
    except Exception as exc:  # the parsers' own errors on a damaged file: say so, in one line
        raise FileError(f"{file_name}: not a readable {label} ({_short(exc)})") from None
    names, by_name = [n for n, _ in tables], dict(tables)
    if kind == "html":
        sheet = None  # a page has no sheets to choose from
    elif sheet is not None and sheet not in by_name:
        raise FileError(f"{file_name}: no sheet named {sheet!r}; sheets: {', '.join(names)}")
    chosen, rows = pick_sheet(
        names, by_name.__getitem__, lambda r: not r, lambda r: r[:HEADER_SCAN], sheet, recognise
    )
    _check_size(len(rows), max(map(len, rows), default=0), file_name)
    return Sheet(chosen, [_trim(r) for r in rows], names if kind != "html" else [])


def _decode_page(data: bytes, file_name: str) -> str:
    # The page's own charset first (a Latin-1 page is neither UTF-8 nor Shift_JIS).
    named = _CHARSET.search(data[:4096])
    if named:
        try:
            return data.decode(named.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, file_name)[0]


def _trim(row: list[object]) -> list[object]:
    end = len(row)
    while end and (row[end - 1] is None or row[end - 1] == ""):
        end -= 1
    return row[:end]


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]


def decode_text(data: bytes, file_name: str) -> tuple[str, str]:
    """Decode a text file, returning ``(text, encoding)``; raise FileError for binary junk."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in data[:8192]:
        raise FileError(
            f"{file_name}: not a spreadsheet or a text file; upload the export itself, saved "
            "as .xlsx or .csv"
        )
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileError(
        f"{file_name}: text is neither UTF-8 nor Shift_JIS (CP932); save it as CSV UTF-8"
    )


def sniff_delimiter(text: str, file_name: str = "") -> str:
    """The delimiter giving the most lines with the same number (≥ 2) of columns."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    best, best_score = ("\t" if file_name.lower().endswith(".tsv") else ","), 0
    for delimiter in _DELIMITERS:
        counts = Counter(len(r) for r in csv.reader(lines, delimiter=delimiter))
        width, lines_with_width = max(counts.items(), key=lambda kv: (kv[1], kv[0]), default=(0, 0))
        score = lines_with_width if width >= 2 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(data: bytes, file_name: str) -> Sheet:
    text, encoding = decode_text(data, file_name)
    delimiter = sniff_delimiter(text, file_name)
    rows: list[list[object]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(_trim(row))
            if len(rows) > MAX_ROWS or len(row) > MAX_COLUMNS:
                _check_size(len(rows), len(row), file_name)
    except csv.Error as exc:
        raise FileError(f"{file_name}: not a readable CSV ({_short(exc)})") from None
    return Sheet("", rows, [], encoding, delimiter)
