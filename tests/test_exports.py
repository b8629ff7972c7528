"""Exports: money in currency units, formulas neutralised, files that open."""

from __future__ import annotations

import csv
import io
from datetime import date

from builders import make_allocation, make_client, make_invoice, make_receipt
from python_calamine import CalamineWorkbook

from lib.exports import Column, safe_text, write_csv, write_xlsx
from lib.reports import export

COLUMNS = [Column("name", "name"), Column("amount", "amount", "money")]


def test_safe_text_neutralises_formulas():
    assert safe_text('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for start in "=+-@\t\r":
        assert safe_text(start + "1").startswith("'")
    assert safe_text("山田商事") == "山田商事" and safe_text(None) == ""


def test_csv_writes_currency_units_and_inert_text():
    rows = [
        {"name": "=cmd|' /C calc'!A0", "amount": 5594, "currency": "USD"},
        {"name": "ﾔﾏﾀﾞ", "amount": 597650, "currency": "JPY"},
    ]
    text = write_csv(rows, COLUMNS).decode("utf-8-sig")
    got = list(csv.reader(io.StringIO(text)))
    assert got == [["name", "amount"], ["'=cmd|' /C calc'!A0", "55.94"], ["ﾔﾏﾀﾞ", "597650"]]


def test_xlsx_keeps_formula_text_as_text_and_amounts_as_numbers():
    rows = [{"name": "=1+1", "amount": 12345678, "currency": "INR"}]
    book = CalamineWorkbook.from_filelike(io.BytesIO(write_xlsx(rows, COLUMNS)))
    values = book.get_sheet_by_index(0).to_python()
    assert values[1][0] == "=1+1"  # a string cell, not a formula
    assert values[1][1] == 123456.78
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(write_xlsx(rows, COLUMNS))).active
    assert sheet["A2"].data_type == "s" and sheet["B2"].number_format == "#,##0.00"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:B2"


def test_open_items_as_of_subtracts_what_was_applied_by_then(db, tmp_path):
    client = make_client(db, client_code="C1", name="Alpha", currency="JPY")
    paid = make_invoice(
        db,
        client_id=client,
        invoice_no="0001",
        amount=1000,
        tax=0,
        currency="JPY",
        invoice_date="2026-01-01",
        due_date="2026-01-31",
    )
    make_invoice(
        db,
        client_id=client,
        invoice_no="0002",
        amount=2000,
        tax=0,
        currency="JPY",
        invoice_date="2026-01-15",
        due_date="2026-02-14",
    )
    make_invoice(
        db,
        client_id=client,
        invoice_no="0003",
        amount=500,
        tax=0,
        currency="JPY",
        invoice_date="2026-03-01",
        due_date="2026-03-31",
    )
    receipt = make_receipt(db, amount=1000, currency="JPY")
    make_allocation(db, receipt, paid, 600, effective_date="2026-02-05")
    path = tmp_path / "open.csv"
    assert export(db, "open-items", path, as_of=date(2026, 2, 10)) == 2
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert [(r["invoice_no"], r["outstanding"], r["days_past_due"]) for r in rows] == [
        ("0001", "400", "10"),
        ("0002", "2000", "-4"),
    ]
    assert export(db, "open-items", path, as_of=date(2026, 2, 1)) == 2
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    assert rows[0]["outstanding"] == "1000"
