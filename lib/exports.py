"""Writing tables to CSV and Excel for the team and for Tokyo, safely.

Money leaves Kaishu in ordinary currency units (55.94, 597650), never minor units. Text that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return) is
neutralised so that an exported payer name can never execute.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from lib.money import exponent, to_units

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {0: "#,##0", 2: "#,##0.00"}


@dataclass(frozen=True)
class Column:
    """One exported column: its key in the row, its heading, and how to write it.

    ``kind`` is ``text``, ``date``, ``int``, ``number`` or ``money``; a money column takes its
    currency from the row's ``currency_key``.
    """

    key: str
    heading: str
    kind: str = "text"
    currency_key: str = "currency"
    width: int | None = None


def safe_text(value: object) -> str:
    """Text made inert for spreadsheets: a leading ``'`` before anything formula-like."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cell_value(row: dict[str, Any], col: Column) -> Any:
    value = row.get(col.key)
    if value is None:
        return None
    if col.kind == "money":
        return to_units(int(value), row[col.currency_key])
    return value


def write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[Column]) -> bytes:
    """The rows as UTF-8 CSV with a BOM (so Excel shows Japanese text), headings first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.heading for c in columns])
    for row in rows:
        out = []
        for col in columns:
            value = _cell_value(row, col)
            out.append(safe_text(value) if col.kind == "text" else ("" if value is None else value))
        writer.writerow(out)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(
    rows: Iterable[dict[str, Any]], columns: Sequence[Column], title: str = "Sheet1"
) -> bytes:
    """The rows as one formatted worksheet: bold frozen header, autofilter, number formats."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for i, col in enumerate(columns):
        letter = _letter(i)
        sheet.column_dimensions[letter].width = col.width or max(10, min(40, len(col.heading) + 4))
    header_style = (Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79"))
    sheet.append([_header(sheet, c.heading, header_style) for c in columns])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row, c) for c in columns])
        count += 1
    sheet.auto_filter.ref = f"A1:{_letter(len(columns) - 1)}{count + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _header(sheet: Any, text: str, style: tuple[Font, PatternFill]) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font, cell.fill = style
    cell.alignment = Alignment(vertical="center")
    return cell


def _xlsx_cell(sheet: Any, row: dict[str, Any], col: Column) -> Any:
    value = _cell_value(row, col)
    if col.kind == "money" and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = NUMBER_FORMATS.get(exponent(row[col.currency_key]), "#,##0.00")
        return cell
    if col.kind == "text" and isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if value.startswith(_FORMULA_START):
            cell.quotePrefix = True
        return cell
    return value


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def write_table(
    path: str | Path,
    rows: Iterable[dict[str, Any]],
    columns: Sequence[Column],
    title: str = "Sheet1",
) -> None:
    """Write ``rows`` to ``path`` as .csv or .xlsx, chosen by its extension."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".csv":
        data = write_csv(rows, columns)
    elif suffix == ".xlsx":
        data = write_xlsx(rows, columns, title)
    else:
        raise ValueError(f"{target.name}: export to .csv or .xlsx")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
