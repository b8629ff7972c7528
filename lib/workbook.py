"""Formatted worksheets for the MIS workbook, written in openpyxl's fast write-only mode.

A :class:`Sheet` writes one table: a bold, frozen heading row with an autofilter, column
widths, dates as dates, money in currency units with the currency's format (¥ without
decimals; ₹ and $ with two), and under the table one totals row per currency made of
SUMIF formulas over the currency column, so an Excel user can audit every total. Text
that a spreadsheet would run as a formula (= + - @ …) is written as plain text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from lib.exports import _FORMULA_START
from lib.money import to_units

MONEY_FORMATS = {"JPY": '"¥"#,##0;-"¥"#,##0', "INR": '"₹"#,##0.00;-"₹"#,##0.00'}
DEFAULT_MONEY = '"$"#,##0.00;-"$"#,##0.00'
DATE_FORMAT = "DD/MM/YYYY"
HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="thin"))


def money_format(currency: str) -> str:
    """The Excel number format for amounts in ``currency``."""
    return MONEY_FORMATS.get(currency, DEFAULT_MONEY)


@dataclass(frozen=True)
class Written:
    """Where a table landed: its first and last data rows, each column's letter, and per
    currency the cell of each total."""

    first: int
    last: int
    letters: dict[str, str]
    totals: dict[str, dict[str, str]]

    def column(self, key: str, sheet: str) -> str:
        """An absolute reference to a column's data rows, e.g. 'Open items'!$K$3:$K$900."""
        letter = self.letters[key]
        return f"'{sheet}'!${letter}${self.first}:${letter}${self.last}"


@dataclass(frozen=True)
class Col:
    """One column: row key, heading, kind (text, date, int, number, pct, money, formula)
    and width. A ``formula`` column's key is a template with ``{r}`` for the row number."""

    key: str
    heading: str
    kind: str = "text"
    width: int = 14


def text_cell(sheet: Any, value: object, **style: Any) -> WriteOnlyCell:
    """A cell that is always text, never a formula, whatever it starts with."""
    text = "" if value is None else str(value)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        cell.quotePrefix = True
    for name, value_ in style.items():
        setattr(cell, name, value_)
    return cell


def cell(sheet: Any, value: object, kind: str, currency: str = "", **style: Any) -> Any:
    """A typed cell: money in currency units with the currency's format, dates as dates."""
    if value is None or value == "":
        return WriteOnlyCell(sheet, value=None)
    if kind == "text":
        return text_cell(sheet, value, **style)
    if kind == "date":
        out = WriteOnlyCell(sheet, value=date.fromisoformat(str(value)[:10]))
        out.number_format = DATE_FORMAT
    elif kind == "money":
        out = WriteOnlyCell(sheet, value=to_units(int(value), currency))
        out.number_format = money_format(currency)
    elif kind == "formula":
        out = WriteOnlyCell(sheet, value=value)
        out.number_format = money_format(currency) if currency else "0"
    elif kind == "pct":
        out = WriteOnlyCell(sheet, value=value)
        out.number_format = "0.0%"
    elif kind == "number":
        out = WriteOnlyCell(sheet, value=value)
        out.number_format = "0.0"
    else:
        out = WriteOnlyCell(sheet, value=value)
        out.number_format = "0"
    for name, value_ in style.items():
        setattr(out, name, value_)
    return out


class Sheet:
    """One worksheet of the workbook being written (rows go in order, top to bottom).

    Write-only sheets take their column widths and frozen panes before the first row, so
    they are given here."""

    def __init__(self, sheet: Any, widths: Sequence[int], freeze: str | None = None):
        self.ws = sheet
        self.row = 0
        for n, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = width
        if freeze:
            sheet.freeze_panes = freeze

    def append(self, values: Sequence[Any]) -> int:
        """Write one row of cells or plain values; returns its row number."""
        self.ws.append(list(values))
        self.row += 1
        return self.row

    def title(self, text: str, note: str = "") -> None:
        """A bold title line (and a note line under it)."""
        self.append([text_cell(self.ws, text, font=Font(bold=True, size=14))])
        if note:
            self.append([text_cell(self.ws, note, font=Font(italic=True, color="555555"))])

    def table(
        self,
        columns: Sequence[Col],
        rows: Iterable[dict[str, Any]],
        currency_key: str = "currency",
        totals: Sequence[str] = (),
        currencies: Sequence[str] = (),
    ) -> Written:
        """Write a heading and ``rows``; then, for each of ``currencies``, a totals row
        with SUMIF formulas over the ``totals`` columns. Returns where everything landed
        (for the Summary sheet to refer to)."""
        align = Alignment(vertical="center", wrap_text=True)
        style = {"font": HEAD_FONT, "fill": HEAD_FILL, "alignment": align}
        head = self.append([text_cell(self.ws, c.heading, **style) for c in columns])
        first = head + 1
        for row in rows:
            currency = row.get(currency_key) or ""
            r = self.row + 1
            self.append([self._cell(c, row, r, currency) for c in columns])
        last = max(self.row, first)
        self.ws.auto_filter.ref = f"A{head}:{get_column_letter(len(columns))}{last}"
        letters = {c.key: get_column_letter(n) for n, c in enumerate(columns, start=1)}
        sums = self._totals(columns, first, last, currency_key, totals, currencies)
        return Written(first, last, letters, sums)

    def _cell(self, col: Col, row: dict[str, Any], r: int, currency: str) -> Any:
        if col.kind == "formula":
            return cell(self.ws, col.key.format(r=r), "formula", currency)
        return cell(self.ws, row.get(col.key), col.kind, currency if col.kind == "money" else "")

    def _totals(self, columns, first, last, currency_key, totals, currencies):
        addresses: dict[str, dict[str, str]] = {}
        if not totals or not currencies:
            return addresses
        keys = [c.key for c in columns]
        cur_col = get_column_letter(keys.index(currency_key) + 1)
        self.append([])
        for currency in currencies:
            r = self.row + 1
            out: list[Any] = []
            addresses[currency] = {}
            for n, col in enumerate(columns, start=1):
                letter = get_column_letter(n)
                if n == 1:
                    out.append(text_cell(self.ws, f"Total {currency}", font=TOTAL_FONT))
                elif col.key == currency_key:
                    out.append(text_cell(self.ws, currency, font=TOTAL_FONT))
                elif col.key in totals:
                    formula = (
                        f'=SUMIF(${cur_col}${first}:${cur_col}${last},"{currency}",'
                        f"{letter}{first}:{letter}{last})"
                    )
                    money = currency if col.kind in ("money", "formula") else ""
                    out.append(
                        cell(
                            self.ws, formula, "formula", money, font=TOTAL_FONT, border=TOTAL_BORDER
                        )
                    )
                    addresses[currency][col.key] = f"{letter}{r}"
                else:
                    out.append(None)
            self.append(out)
        return addresses
