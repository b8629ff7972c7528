"""A date split over year, month and day columns (PayPay Bank's CSV), joined into one."""

from __future__ import annotations

from datetime import date

from conftest import csv_bytes, xlsx_bytes
from hypothesis import given
from hypothesis import strategies as st

from lib.importing import ImportOptions, import_file, inspect_file
from lib.importing.split_dates import join_split_dates

PAYPAY_HEADER = [
    "操作日(年)", "操作日(月)", "操作日(日)", "操作時刻(時)", "操作時刻(分)", "操作時刻(秒)",
    "取引順番号", "摘要", "お支払金額", "お預り金額", "残高", "メモ",
]  # fmt: skip


def paypay(*lines: list[object]) -> list[list[object]]:
    return [PAYPAY_HEADER, *lines]


def test_the_three_columns_become_one_date_in_the_year_column():
    rows = paypay(
        ["2026", "11", "5", "9", "30", "0", "1", "ﾌﾘｺﾐ ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "", "110,000", "1", ""]
    )
    joined = join_split_dates(rows)
    assert joined[0][:3] == ["操作日", "操作日(月)", "操作日(日)"]
    assert joined[1][0] == date(2026, 11, 5)
    assert joined[1][1:3] == ["11", "5"]  # kept for the preview and the rejected rows
    assert rows[0][0] == "操作日(年)"  # the file's own rows are not changed


def test_numbers_from_a_workbook_and_full_width_brackets_join_too():
    rows = [
        ["Statement"],
        ["取引日（年）", "取引日（月）", "取引日（日）", "入金額"],
        [2026.0, 4, 1, 500],
    ]
    assert join_split_dates(rows)[2][0] == date(2026, 4, 1)
    assert join_split_dates(rows)[1][0] == "取引日"


def test_a_day_that_does_not_exist_stays_text_for_the_parser_to_reject():
    joined = join_split_dates(paypay(["2026", "2", "30"], ["", "", ""], ["2026", "x", "1"]))
    assert joined[1][0] == "2026/2/30"
    assert joined[2][0] == ""  # a blank line stays blank, a note rather than a bad date
    assert joined[3][0] == "2026/x/1"


def test_files_without_a_split_date_are_untouched():
    rows = [["請求日", "支払期日", "入金日", "年月日"], ["2026-04-01", "2026-04-30", "", ""]]
    assert join_split_dates(rows) is rows


def test_a_paypay_statement_imports_with_its_dates(db, collector):
    data = csv_bytes(
        paypay(
            ["2026", "11", "5", "9", "30", "0", "1", "ﾌﾘｺﾐ ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "", "110,000", "500000", ""],
            ["2026", "11", "6", "10", "0", "0", "2", "ﾃｽｳﾘﾖｳ", "330", "", "499670", ""],
            ["2026", "11", "31", "10", "0", "0", "3", "ﾌﾘｺﾐ ｽｽﾞｷ ﾀﾛｳ", "", "5,000", "504670", ""],
        ),
        encoding="cp932",
    )
    found = inspect_file(db, data, "paypay.csv", "receipts")
    assert {found.headers[c]: f for c, f in found.mapping.items()}["操作日"] == "date"
    options = ImportOptions(kind="receipts", currency="JPY", account="PAYPAY-001")
    result = import_file(db, collector, data, "paypay.csv", options)
    assert (result.imported, result.skipped_outflows) == (1, 1)
    assert [(e.row, e.column) for e in result.rejected] == [(4, "操作日")]
    receipt = db.execute("SELECT receipt_date, amount FROM receipts").fetchone()
    assert tuple(receipt) == ("2026-11-05", 110000)


def test_a_workbook_with_a_split_date_imports_too(db, collector):
    data = xlsx_bytes(
        [
            ["入出金明細"],
            PAYPAY_HEADER[:3] + ["摘要", "お預り金額"],
            [2026, 12, 1, "ﾌﾘｺﾐ ｻﾄｳ", 2200],
        ]
    )
    options = ImportOptions(kind="receipts", currency="JPY", account="PAYPAY-001")
    result = import_file(db, collector, data, "paypay.xlsx", options)
    assert (result.imported, result.rejected) == (1, [])
    assert db.execute("SELECT receipt_date FROM receipts").fetchone()[0] == "2026-12-01"


@given(st.lists(st.one_of(st.none(), st.text(max_size=12), st.integers(), st.floats()), max_size=3))
def test_any_cells_give_a_date_or_text_never_an_exception(cells):
    joined = join_split_dates(paypay(cells))
    assert len(joined[1]) == len(cells)
    assert not cells or joined[1][0] is None or isinstance(joined[1][0], date | str | int | float)
