"""The fast table sheet: each distinct text and date is rendered once and reused down the
column, and what Excel reads back is still each row's own value."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook, load_workbook

from lib.reports.fastsheet import inject
from lib.reports.workbook import Col, TableSheet

COLUMNS = [Col("name", "Client"), Col("day", "Due", "date", 12)]
ROWS = [
    {"name": "山田商事 & Co", "day": "2026-11-30"},
    {"name": "=1+1", "day": date(2026, 11, 30)},
    {"name": "山田商事 & Co", "day": "2026-11-30"},
    {"name": 1, "day": None},
    {"name": True, "day": "2026-12-01"},
    {"name": "=1+1", "day": ""},
    {"name": " padded ", "day": "2026-12-01"},
]


def _read_back(rows: list[dict]):
    book = Workbook(write_only=True)
    sheet = TableSheet(book.create_sheet("Items"), [c.width for c in COLUMNS])
    sheet.table(COLUMNS, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(inject(buffer.getvalue(), [sheet.fast])))["Items"]


def _written(rows: list[dict]) -> list[tuple]:
    return [tuple(c.value for c in row) for row in _read_back(rows).iter_rows(min_row=2)]


def test_repeated_texts_and_dates_read_back_as_each_rows_own():
    day, next_day = datetime(2026, 11, 30), datetime(2026, 12, 1)
    assert _written(ROWS) == [
        ("山田商事 & Co", day),
        ("=1+1", day),  # text, never a formula
        ("山田商事 & Co", day),
        ("1", None),
        ("True", next_day),  # not the "1" above, though 1 == True
        ("=1+1", None),
        (" padded ", next_day),
    ]


def test_formula_like_text_keeps_its_quote_prefix_when_repeated():
    formula_like = [c for c in _read_back(ROWS)["A"] if c.value == "=1+1"]
    assert len(formula_like) == 2
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_like)
