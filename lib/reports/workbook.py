"""Formatted worksheets for the MIS workbook (openpyxl write-only mode).

A :class:`TableSheet` writes one table: a bold, frozen heading row with an autofilter,
column widths, dates as dates, money in currency units with the currency's format (¥
without decimals; ₹ and $ with two), and under the table one totals row per currency made
of SUMIF formulas over the currency column, so an Excel user can audit every total. Its
rows are rendered by :mod:`lib.reports.fastsheet`. A :class:`Sheet` is a free-form sheet (the
Summary) of openpyxl cells. Text that a spreadsheet would run as a formula (= + - @ …) is
written as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from lib.bulk import chunks
from lib.exports import _FORMULA_START
from lib.money import CURRENCIES, decimal_text, exponent, to_units
from lib.reports.fastsheet import FastSheet, cell_xml, date_serial, escape, is_formula_like

CHUNK_ROWS = 10_000  # rows rendered a column at a time: a few MB of XML text at once
# Text that needs neither escaping nor a quote prefix, nor care for its spaces.
_PLAIN_TEXT = re.compile(
    r"[^=+\-@\t\r\s&<>\"\x00-\x1f\ufffe\uffff][^&<>\"\x00-\x1f\ufffe\uffff]*(?<!\s)"
)

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


class TableSheet:
    """A worksheet holding one table, rendered fast (:mod:`lib.reports.fastsheet`): a title line,
    a note, the heading row, the rows, and the totals per currency."""

    def __init__(self, sheet: Any, widths: Sequence[int], freeze: str | None = None):
        for n, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = width
        if freeze:
            sheet.freeze_panes = freeze
        self.ws = sheet
        self.fast = FastSheet(sheet)
        style = self.fast.styles.get
        self._title = style(font=Font(bold=True, size=14))
        self._note = style(font=Font(italic=True, color="555555"))
        self._head = style(font=HEAD_FONT, fill=HEAD_FILL,
                           alignment=Alignment(vertical="center", wrap_text=True))  # fmt: skip
        self._quoted = style(quotePrefix=True)
        self._kinds: dict[tuple[str, str, bool], int] = {}

    @property
    def row(self) -> int:
        return self.fast.row

    def title(self, text: str, note: str = "") -> None:
        """A bold title line (and a note line under it)."""
        self.fast.append([("text", text, self._title)])
        if note:
            self.fast.append([("text", note, self._note)])

    def _style(self, kind: str, currency: str, bold: bool = False) -> int:
        key = (kind, currency, bold)
        if key not in self._kinds:
            look: dict[str, Any] = {"font": TOTAL_FONT, "border": TOTAL_BORDER} if bold else {}
            if kind in ("money", "formula") and currency:
                look["number_format"] = money_format(currency)
            elif kind == "date":
                look["number_format"] = DATE_FORMAT
            elif kind in ("int", "formula"):
                look["number_format"] = "0"
            elif kind == "number":
                look["number_format"] = "0.0"
            self._kinds[key] = self.fast.styles.get(**look) if look else 0
        return self._kinds[key]

    def _column(self, col: Col, currency_key: str, letter: str, rows: list, numbers: range):
        """The XML of one column's cells for ``rows`` (numbered ``numbers``): a column at a
        time, each with its one formatter, for speed."""
        key, kind = col.key, col.kind
        if kind == "formula":
            return [
                cell_xml(
                    f"{letter}{r}",
                    "formula",
                    key.format(r=r),
                    self._style("formula", row.get(currency_key)),
                )
                for row, r in zip(rows, numbers, strict=True)
            ]
        values = [row.get(key) for row in rows]
        if kind == "text":
            return self._texts(values, letter, numbers)
        if kind == "money":
            return self._money(values, [row.get(currency_key) or "" for row in rows], letter,
                               numbers)  # fmt: skip
        style = self._style(kind, "")
        if kind == "date":
            return self._dates(values, letter, numbers, style)
        return [
            "" if v is None or v == "" else cell_xml(f"{letter}{r}", "number", v, style)
            for v, r in zip(values, numbers, strict=True)
        ]

    def _dates(self, values: list, letter: str, numbers: range, style: int) -> list[str]:
        s = f' s="{style}"' if style else ""
        return _repeated(values, letter, numbers, lambda v: f"{s}><v>{date_serial(v)}</v></c>")

    def _texts(self, values: list, letter: str, numbers: range) -> list[str]:
        return _repeated(values, letter, numbers, lambda v: self._text_tail(str(v)))

    def _text_tail(self, value: str) -> str:
        """A text cell's XML after its reference."""
        if _PLAIN_TEXT.fullmatch(value):  # the usual case: nothing to escape, not formula-like
            return f' t="inlineStr"><is><t>{value}</t></is></c>'
        s = f' s="{self._quoted}"' if is_formula_like(value) else ""
        return f'{s} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'

    def _money(self, values: list, currencies: list, letter: str, numbers: range) -> list[str]:
        looks = {c: (self._style("money", c), CURRENCIES[c].exponent) for c in CURRENCIES}
        out = []
        for value, currency, r in zip(values, currencies, numbers, strict=True):
            if value is None:
                out.append("")
                continue
            look = looks.get(currency)
            if look is None:  # a code written otherwise (" jpy"), or unknown: exponent raises
                look = looks[currency] = (self._style("money", currency), exponent(currency))
            style, exp = look
            out.append(f'<c r="{letter}{r}" s="{style}"><v>{decimal_text(int(value), exp)}</v></c>')
        return out

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
        head = self.fast.append([("text", c.heading, self._head) for c in columns])
        first = head + 1
        letters = [get_column_letter(n) for n in range(1, len(columns) + 1)]
        for chunk in chunks(rows, CHUNK_ROWS):  # columns of a chunk at once, memory bounded
            numbers = range(self.row + 1, self.row + 1 + len(chunk))
            made = [self._column(c, currency_key, x, chunk, numbers)
                    for c, x in zip(columns, letters, strict=True)]  # fmt: skip
            self.fast.rows.extend(
                f'<row r="{r}">{"".join(cells)}</row>'
                for r, cells in zip(numbers, zip(*made, strict=True), strict=True)
            )
        last = max(self.row, first)
        self.ws.auto_filter.ref = f"A{head}:{get_column_letter(len(columns))}{last}"
        letters = {c.key: get_column_letter(n) for n, c in enumerate(columns, start=1)}
        sums = self._totals(columns, first, last, currency_key, totals, currencies)
        return Written(first, last, letters, sums)

    def _totals(self, columns, first, last, currency_key, totals, currencies):
        addresses: dict[str, dict[str, str]] = {}
        if not totals or not currencies:
            return addresses
        keys = [c.key for c in columns]
        cur_col = get_column_letter(keys.index(currency_key) + 1)
        bold_text = self.fast.styles.get(font=TOTAL_FONT)
        self.fast.append([])
        for currency in currencies:
            r = self.row + 1
            out: list[tuple | None] = []
            addresses[currency] = {}
            for n, col in enumerate(columns, start=1):
                letter = get_column_letter(n)
                if n == 1:
                    out.append(("text", f"Total {currency}", bold_text))
                elif col.key == currency_key:
                    out.append(("text", currency, bold_text))
                elif col.key in totals:
                    formula = (
                        f'SUMIF(${cur_col}${first}:${cur_col}${last},"{currency}",'
                        f"{letter}{first}:{letter}{last})"
                    )
                    money = currency if col.kind in ("money", "formula") else ""
                    kind = "formula" if money else "int"
                    out.append(("formula", formula, self._style(kind, money, bold=True)))
                    addresses[currency][col.key] = f"{letter}{r}"
                else:
                    out.append(None)
            self.fast.append(out)
        return addresses


def _repeated(
    values: list, letter: str, numbers: range, tail_of: Callable[[Any], str]
) -> list[str]:
    """Cells whose XML after the reference (``tail_of``) depends on the value alone. Codes,
    names, owners, buckets and dates repeat down a column: each distinct text is rendered
    once. Other values are rendered each time (1 and True are one dict key, not one text)."""
    tails: dict[str, str] = {}
    out = []
    for value, r in zip(values, numbers, strict=True):
        if value is None or value == "":
            out.append("")
            continue
        if type(value) is str:
            tail = tails.get(value)
            if tail is None:
                tail = tails[value] = tail_of(value)
        else:
            tail = tail_of(value)
        out.append(f'<c r="{letter}{r}"{tail}')
    return out
