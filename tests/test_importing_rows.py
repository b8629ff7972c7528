"""Column-at-a-time conversion: the fast paths give exactly what cell-by-cell parsing gives."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from lib.importing.rows import Columns, Context, infer_orders
from lib.parsing import ParseError, parse_amount, parse_text


def columns(cells: list[object], name: str = "memo") -> Columns:
    return Columns([[c] for c in cells], {0: name}, Context("receipts"))


def one_by_one(parse, cells: list[object], *extra: list[object]) -> tuple[list, set[int]]:
    values, failed = [], set()
    for i, args in enumerate(zip(cells, *extra, strict=True)):
        try:
            values.append(parse(*args))
        except (ParseError, ValueError):
            values.append(None)
            failed.add(i)
    return values, failed


@given(st.lists(st.text(max_size=12) | st.sampled_from([" A-1 ", "\ufeffINV", "a\nb", "\t"])))
def test_text_columns_read_as_parse_text_reads_each_cell(cells):
    cols = columns(cells)
    expected, failed = one_by_one(parse_text, cells)
    assert cols.text("memo") == expected
    assert set(cols.failed) == failed


def test_a_text_column_with_numbers_and_dates_still_reads_each_cell():
    cols = columns(["  INV-1 ", 1234.0, date(2025, 4, 1), None])
    assert cols.text("memo") == ["INV-1", "1234", "2025-04-01", None]


def test_money_column_with_one_bad_cell_names_that_row_and_keeps_the_rest():
    cells = [1200, "¥3,300", "twelve", 55.94, None]
    currencies = ["JPY", "JPY", "JPY", "INR", "INR"]
    cols = columns(cells, "amount")
    assert cols.money("amount", currencies) == [1200, 3300, None, 5594, None]
    assert list(cols.failed) == [2]
    assert cols.failed[2][0] == "amount"
    assert one_by_one(parse_amount, cells, currencies)[1] == {2}


def test_date_cells_need_no_order_and_give_no_warning():
    rows = [[date(2025, 4, d)] for d in range(1, 11)]
    orders, warnings = infer_orders(rows, {0: "date"}, "receipts", "DMY")
    assert orders == {"date": "DMY"} and warnings == []


def test_text_dates_beside_date_cells_decide_the_order():
    rows = [[date(2025, 4, 1)], ["04/13/2025"], ["05/02/2025"], [None]]
    orders, warnings = infer_orders(rows, {0: "date"}, "receipts", "DMY")
    assert orders == {"date": "MDY"} and warnings == []


def test_ambiguous_text_dates_take_the_default_and_say_so():
    rows = [[date(2025, 4, 1)], ["04/05/2025"]]
    orders, warnings = infer_orders(rows, {0: "date"}, "receipts", "DMY")
    assert orders == {"date": "DMY"}
    assert len(warnings) == 1 and "DD/MM" in warnings[0]
