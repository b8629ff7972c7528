"""Excel downloads that are really web pages or XML: read their tables as sheets.

Many net-banking sites offer "Download as Excel" and send an HTML table named ``.xls``; older
exporters write Excel 2003's XML Spreadsheet. Excel opens both with a warning, calamine does
not open them at all. Every table row of the page becomes a row of the sheet, in the order of
the page, so the bank's account and period tables land above the statement's header row as
title rows do in a real workbook.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

_HEAD = 65536
_HTML = re.compile(rb"<(table|html)\b", re.I)
_SPREADSHEET_NS = "urn:schemas-microsoft-com:office:spreadsheet"
_SS = "{" + _SPREADSHEET_NS + "}"
_SPACE = re.compile(r"\s+")
_MAX_SPAN = 50  # a colspan beyond this is a layout trick, not columns of a statement


def markup_kind(data: bytes) -> str | None:
    """``"spreadsheetml"`` for Excel 2003 XML, ``"html"`` for a web page with a table, else None."""
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return None
    if _SPREADSHEET_NS.encode() in head:
        return "spreadsheetml"
    return "html" if _HTML.search(head) and re.search(rb"<table\b", data, re.I) else None


def read_html(text: str) -> list[list[object]]:
    """The rows of every table in ``text``, in page order; a cell spanning columns is followed
    by empty cells so the columns below it stay aligned."""
    parser = _Tables()
    parser.feed(text)
    parser.close()
    return parser.rows


def read_spreadsheetml(data: bytes) -> list[tuple[str, list[list[object]]]]:
    """Each worksheet of an Excel 2003 XML workbook as ``(name, rows)``; numbers as floats, the
    rest as text (dates stay ISO text, which the date parser reads)."""
    root = ElementTree.fromstring(data)
    return [
        (sheet.get(f"{_SS}Name", f"Sheet{i + 1}"), _worksheet_rows(sheet))
        for i, sheet in enumerate(root.iter(f"{_SS}Worksheet"))
    ]


def _worksheet_rows(sheet: Element) -> list[list[object]]:
    rows: list[list[object]] = []
    for row in sheet.iter(f"{_SS}Row"):
        at = _index(row.get(f"{_SS}Index"))
        while at is not None and len(rows) < at - 1 and len(rows) < 1_000_000:
            rows.append([])  # rows the file skips by index are blank rows
        cells: list[object] = []
        for cell in row.iter(f"{_SS}Cell"):
            col = _index(cell.get(f"{_SS}Index"))
            if col is not None and col - 1 > len(cells):
                cells.extend([""] * min(col - 1 - len(cells), _MAX_SPAN))
            cells.append(_value(cell.find(f"{_SS}Data")))
            cells.extend([""] * min(_index(cell.get(f"{_SS}MergeAcross")) or 0, _MAX_SPAN))
        rows.append(cells)
    return rows


def _index(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() and len(text) < 8 else None


def _value(data: Element | None) -> object:
    if data is None:
        return ""
    text = "".join(data.itertext()).strip()
    if data.get(f"{_SS}Type") == "Number":
        try:
            return float(text)
        except ValueError:
            return text
    return text


class _Frame:
    """One open table: its row and cell being read."""

    __slots__ = ("row", "cell", "span")

    def __init__(self) -> None:
        self.row: list[object] | None = None
        self.cell: list[str] | None = None
        self.span = 1


class _Tables(HTMLParser):
    # One frame per open table, so a table nested in a cell (a layout table) gives rows of
    # its own instead of pouring its text into the outer cell.
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[object]] = []
        self.frames: list[_Frame] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.frames.append(_Frame())
            return
        if not self.frames:
            return
        frame = self.frames[-1]
        if tag == "tr":
            self._end_row(frame)  # HTML may leave a <tr> unclosed
            frame.row = []
        elif tag in ("td", "th"):
            self._end_cell(frame)
            frame.row = [] if frame.row is None else frame.row
            frame.cell, frame.span = [], _span(dict(attrs).get("colspan"))
        elif tag == "br" and frame.cell is not None:
            frame.cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self.frames:
            return
        frame = self.frames[-1]
        if tag in ("td", "th"):
            self._end_cell(frame)
        elif tag == "tr":
            self._end_row(frame)
        elif tag == "table":
            self._end_row(self.frames.pop())

    def handle_data(self, data: str) -> None:
        if self.frames and self.frames[-1].cell is not None:
            self.frames[-1].cell.append(data)

    def close(self) -> None:
        super().close()
        while self.frames:
            self._end_row(self.frames.pop())

    def _end_cell(self, frame: _Frame) -> None:
        if frame.cell is not None and frame.row is not None:
            text = _SPACE.sub(" ", "".join(frame.cell)).strip()
            frame.row.extend([text] + [""] * (frame.span - 1))
        frame.cell = None

    def _end_row(self, frame: _Frame) -> None:
        self._end_cell(frame)
        if frame.row and any(frame.row):
            self.rows.append(frame.row)
        frame.row = None


def _span(text: str | None) -> int:
    return max(1, min(int(text), _MAX_SPAN)) if text and text.strip().isdigit() else 1
