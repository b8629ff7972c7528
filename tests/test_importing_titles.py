"""A statement's currency and account read from what it says about itself, and a statement
that does not say its currency refused as a whole, not row by row."""

from __future__ import annotations

import pytest
from conftest import csv_bytes

from lib.importing import FileError, ImportOptions, check_file, import_file
from lib.importing.titles import account_from_titles, currency_named

ICICI = [
    ["DETAILED STATEMENT"],
    [],
    ["Transactions List - KAISHU SERVICES (INR) - 000405012345"],
    [],
    ["S No.", "Value Date", "Transaction Date", "Cheque Number", "Transaction Remarks",
     "Withdrawal Amount (INR )", "Deposit Amount (INR )", "Balance (INR )"],
    ["1", "01/11/2026", "01/11/2026", "-", "NEFT-CITIN26112233-PATEL INDUSTRIES", "0.00",
     "35,400.00", "1,35,400.00"],
    ["2", "02/11/2026", "02/11/2026", "-", "BIL/ONL/000123/ELECTRICITY", "2,500.00", "0.00",
     "1,32,900.00"],
    ["Legends Used in Account Statement"],
]  # fmt: skip
RAKUTEN = [
    ["取引日", "入出金(円)", "取引後残高(円)", "入出金内容"],
    ["20261104", "109890", "1109890", "振込 ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"],
    ["20261105", "-1100", "1108790", "振込手数料"],
]


def statement(db, actor, rows, name="statement.csv", **options):
    data = csv_bytes(rows, encoding="cp932" if name.startswith("rakuten") else "utf-8")
    return import_file(db, actor, data, name, ImportOptions(kind="receipts", **options))


def test_currency_named_in_the_money_headers(db, collector):
    result = statement(db, collector, ICICI, name="icici.csv")
    assert (result.imported, result.skipped_outflows, result.rejected) == (1, 1, [])
    assert "currency INR read from the header 'Deposit Amount (INR )'" in result.warnings
    row = next(db.query("SELECT currency, amount, memo FROM receipts"))
    assert (row["currency"], row["amount"]) == ("INR", 3540000)


def test_rakuten_yen_with_one_signed_amount_column(db, collector):
    result = statement(db, collector, RAKUTEN, name="rakuten.csv")
    assert (result.imported, result.skipped_outflows, result.rejected) == (1, 1, [])
    row = next(db.query("SELECT currency, amount, receipt_date, memo FROM receipts"))
    assert (row["currency"], row["amount"], row["receipt_date"]) == ("JPY", 109890, "2026-11-04")
    assert row["memo"] == "振込 ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"


def test_a_chosen_currency_the_file_contradicts_is_refused(db, collector):
    # The Upload page keeps the last choice: JPY left over from a MUFG file must not turn an
    # ICICI rupee statement into yen.
    with pytest.raises(FileError, match="JPY was chosen, but the file says INR"):
        statement(db, collector, ICICI, name="icici.csv", currency="JPY")
    assert db["receipts"].count == 0
    result = statement(db, collector, ICICI, name="icici.csv", currency="INR")
    assert not any(w.startswith("currency") for w in result.warnings)
    assert next(db.query("SELECT currency FROM receipts"))["currency"] == "INR"


def test_a_statement_that_does_not_say_its_currency_is_refused_whole(db, collector):
    rows = [["Txn Date", "Narration", "Credit"], ["05/11/2026", "NEFT CR-MEHTA", "2,50,000.00"]]
    data, options = csv_bytes(rows), ImportOptions(kind="receipts")
    with pytest.raises(FileError, match="choose the statement's currency"):
        check_file(db, data, "hdfc.csv", options, collector)
    with pytest.raises(FileError, match="choose the statement's currency"):
        import_file(db, collector, data, "hdfc.csv", options)
    assert db["imports"].count == 0 and db["receipts"].count == 0


def test_a_file_naming_two_currencies_names_none():
    titles = [["Account Currency : USD"]]
    headers = ["Date", "Deposit Amount (INR)"]
    assert currency_named(titles, headers, {0: "date", 1: "amount"}) == (None, "")


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("Currency : INR", "INR"),
        ("Account Currency: JPY", "JPY"),
        ("通貨：JPY", "JPY"),
        ("Transactions List - KAISHU SERVICES (INR) - 000405012345", "INR"),
        ("Currency of the account as agreed", None),
    ],
)
def test_currency_named_in_the_title_rows(title, code):
    found, where = currency_named([[title]], ["Date", "Credit"], {0: "date", 1: "amount"})
    assert found == code
    assert where == ("the title rows" if code else "")


def test_account_from_titles():
    assert account_from_titles([["Account No : 5020 0012 345678"]]) == "50200012345678"
    assert account_from_titles([["口座番号", "普通 1234567"]]) == "1234567"
    assert account_from_titles([["Statement From : 01/11/2026"]]) is None
