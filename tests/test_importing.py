"""Importing the team's real files: ledgers, Japanese and Indian statements, card payouts."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import SAMPLES, csv_bytes, xlsx_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.auth import PermissionDenied
from lib.importing import (
    FileError,
    ImportOptions,
    check_file,
    import_file,
    inspect_file,
    save_preset,
)
from lib.importing import store as store_module

INVOICE_HEADER = [
    "Invoice No",
    "Customer Code",
    "Customer",
    "Invoice Date",
    "Due Date",
    "Amount",
    "Tax",
    "Currency",
]


def ledger(*rows: list[object], title: bool = True) -> bytes:
    head = (
        [["Invoice ledger — Kaishu test"], ["Period: 2025-04-01 to 2026-03-31"], []]
        if title
        else []
    )
    return xlsx_bytes(head + [INVOICE_HEADER] + [list(r) for r in rows])


def invoices(db, actor, data, name="ledger.xlsx", **options):
    return import_file(db, actor, data, name, ImportOptions(kind="invoices", **options))


def receipts(db, actor, data, name="statement.csv", **options):
    return import_file(db, actor, data, name, ImportOptions(kind="receipts", **options))


def test_xlsx_with_title_rows_imports_to_the_yen_and_paisa(db, collector):
    data = ledger(
        [
            "0000611365",
            "JP0001",
            "株式会社山田商事",
            date(2025, 4, 1),
            date(2025, 4, 30),
            110000,
            10000,
            "JPY",
        ],
        [
            "INV2509-01066",
            "IN0001",
            "Sharma Traders Pvt Ltd",
            date(2025, 9, 5),
            date(2025, 10, 5),
            33710.52,
            5142.29,
            "INR",
        ],
    )
    result = invoices(db, collector, data)
    assert (result.imported, result.rejected) == (2, [])
    rows = {r["invoice_no"]: r for r in db.query("SELECT * FROM invoices")}
    assert rows["0000611365"]["amount"] == 110000 and rows["0000611365"]["tax"] == 10000
    assert rows["INV2509-01066"]["amount"] == 3371052
    assert rows["INV2509-01066"]["due_date"] == "2025-10-05"
    clients = {r["client_code"]: r for r in db.query("SELECT * FROM clients")}
    assert clients["JP0001"]["name"] == "株式会社山田商事"
    assert clients["JP0001"]["language"] == "ja"
    assert db.execute("SELECT header_row FROM imports").fetchone()[0] == 4


def test_bad_rows_are_rejected_with_row_column_and_reason_and_good_rows_kept(db, collector):
    data = ledger(
        ["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"],
        [None, "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"],
        ["A-3", "C1", "Alpha", date(2025, 4, 1), date(2025, 3, 1), 1000, 0, "JPY"],
        ["A-4", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), "abc", 0, "JPY"],
        ["A-5", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "XYZ"],
        ["A-6", "C1", "Alpha", "31/02/2025", date(2025, 4, 30), 1000, 0, "JPY"],
        ["A-7", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), "12.50", 0, "JPY"],
    )
    result = invoices(db, collector, data)
    assert result.imported == 1
    found = {(e.row, e.column): e.reason for e in result.rejected}
    assert set(found) == {
        (6, "Invoice No"),
        (7, "Due Date"),
        (8, "Amount"),
        (9, "Currency"),
        (10, "Invoice Date"),
        (11, "Amount"),
    }
    assert "missing invoice number" in found[(6, "Invoice No")]
    assert "before the invoice date" in found[(7, "Due Date")]
    assert "abc" in found[(8, "Amount")]
    assert "XYZ" in found[(9, "Currency")]
    assert "decimals" in found[(11, "Amount")]
    assert result.rejected[0].values["Customer Code"] == "C1"
    stored = json.loads(db.execute("SELECT rejected_rows FROM imports").fetchone()[0])
    assert len(stored) == 6 and stored[0]["row"] == 6


def test_same_file_twice_adds_nothing(db, collector):
    data = ledger(["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"])
    first = invoices(db, collector, data)
    second = invoices(db, collector, data)
    assert first.imported == 1
    assert second.imported == 0 and second.duplicates == 1 and second.already_imported
    assert db["invoices"].count == 1


def test_an_invoice_number_twice_in_one_file_is_kept_once(db, collector):
    row = ["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"]
    changed = ["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1200, 0, "JPY"]
    result = invoices(db, collector, ledger(row, row, changed))
    assert (result.imported, result.duplicates) == (1, 1)
    assert [(e.row, e.column) for e in result.rejected] == [(7, "invoice number")]
    assert "appears twice in this file with different values (first at row 5)" in (
        result.rejected[0].reason
    )
    assert db.execute("SELECT amount FROM invoices").fetchone()[0] == 1000


def test_a_bad_value_repeated_down_a_column_rejects_every_row_it_is_on(db, collector):
    # Many repeats of one cell take the parse-each-distinct-value-once path.
    good = [[f"A-{n}", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 100, 0, "JPY"]
            for n in range(8)]  # fmt: skip
    bad = [[f"B-{n}", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 100, 0, "XYZ"]
           for n in range(8)]  # fmt: skip
    result = invoices(db, collector, ledger(*good, *bad))
    assert result.imported == 8
    assert [e.row for e in result.rejected] == list(range(13, 21))
    assert all("unknown currency 'XYZ'" in e.reason for e in result.rejected)


def test_a_column_mixing_numbers_and_flags_is_read_cell_by_cell(db, collector):
    # 1 == 1.0 == True in Python: a set of such cells would read the flag as the number.
    rows = [[f"A-{n}", code, "Alpha", date(2025, 4, 1), date(2025, 4, 30), 100, 0, "JPY"]
            for n, code in enumerate([1] * 8 + [1.0, True])]  # fmt: skip
    assert invoices(db, collector, ledger(*rows)).imported == 10
    codes = db.execute("SELECT client_code, COUNT(*) FROM invoices JOIN clients c"
                       " ON c.id = client_id GROUP BY 1 ORDER BY 1").fetchall()  # fmt: skip
    assert codes == [("1", 9), ("TRUE", 1)]


def test_reimported_ledger_updates_changed_fields_and_audits_each_change(db, collector):
    invoices(
        db,
        collector,
        ledger(
            ["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"],
            ["A-2", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 2000, 0, "JPY"],
        ),
    )
    result = invoices(
        db,
        collector,
        ledger(
            ["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 5, 15), 1000, 0, "JPY"],
            ["A-2", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 2000, 0, "JPY"],
            ["A-3", "C1", "Alpha", date(2025, 4, 2), date(2025, 4, 30), 3000, 0, "JPY"],
        ),
    )
    assert (result.imported, result.updated, result.duplicates) == (1, 1, 1)
    assert (
        db.execute("SELECT due_date FROM invoices WHERE invoice_no='A-1'").fetchone()[0]
        == "2025-05-15"
    )
    entry = next(db.query("SELECT * FROM audit_log WHERE table_name='invoices'"))
    assert entry["username"] == "priya" and entry["action"] == "update from ledger"
    assert json.loads(entry["before"]) == {"due_date": "2025-04-30"}
    assert json.loads(entry["after"]) == {"due_date": "2025-05-15"}


def test_amount_change_is_refused_once_money_is_applied(db, collector):
    from builders import make_allocation, make_receipt

    invoices(
        db,
        collector,
        ledger(["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"]),
    )
    invoice_id = db.execute("SELECT id FROM invoices").fetchone()[0]
    receipt_id = make_receipt(db, currency="JPY", amount=400)
    make_allocation(db, receipt_id, invoice_id, 400)
    result = invoices(
        db,
        collector,
        ledger(["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 900, 0, "JPY"]),
    )
    assert result.updated == 0 and len(result.rejected) == 1
    assert "already has ¥400 settled" in result.rejected[0].reason
    assert db.execute("SELECT amount FROM invoices").fetchone()[0] == 1000


def test_a_failure_mid_import_leaves_the_database_as_it_was(db, collector, monkeypatch):
    data = ledger(["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"])
    original = store_module.store_invoices

    def crash(*args, **kwargs):
        original(*args, **kwargs)
        raise OSError("disk unplugged")

    monkeypatch.setitem(__import__("lib.importing", fromlist=["_STORE"])._STORE, "invoices", crash)
    with pytest.raises(OSError):
        invoices(db, collector, data)
    for table in ("invoices", "clients", "imports", "audit_log"):
        assert db[table].count == 0, table


def test_missing_required_column_is_a_file_error_and_writes_nothing(db, collector):
    data = xlsx_bytes([["Invoice No", "Customer Code", "Amount"], ["A-1", "C1", 100]])
    with pytest.raises(FileError, match="Invoice date"):
        invoices(db, collector, data, currency="JPY")
    assert db["imports"].count == 0


@pytest.mark.parametrize(
    "payload,name",
    [
        (b"%PDF-1.7 not a spreadsheet\x00\x01", "scan.pdf"),
        (b"PK\x03\x04garbage-zip", "ledger.xlsx"),
        (b"just some words", "ledger.xlsx"),
        (b"", "empty.csv"),
        (bytes(range(256)) * 10, "random.csv"),
    ],
)
def test_unusable_files_raise_a_clear_file_error(db, collector, payload, name):
    with pytest.raises(FileError) as excinfo:
        invoices(db, collector, payload, name=name)
    assert name in str(excinfo.value)
    assert db["imports"].count == 0


@pytest.mark.parametrize(
    "payload,name,says",
    [
        (
            (SAMPLES / "password-protected.xlsx").read_bytes(),
            "hdfc.xlsx",
            "protected with a password",
        ),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "statement.pdf", "as Excel or CSV"),
    ],
)
def test_a_locked_workbook_or_a_pdf_says_what_to_do(db, collector, payload, name, says):
    with pytest.raises(FileError, match=says):
        receipts(db, collector, payload, name=name, currency="INR")
    assert db["imports"].count == 0


def test_interns_may_not_import(db, intern):
    with pytest.raises(PermissionDenied):
        invoices(
            db, intern, ledger(["A-1", "C1", "A", date(2025, 4, 1), date(2025, 4, 30), 1, 0, "JPY"])
        )


def test_invoice_for_unknown_client_creates_it_from_code_and_name(db, collector):
    invoices(
        db,
        collector,
        ledger(["A-1", "NEW01", "新しい会社", date(2025, 4, 1), date(2025, 4, 30), 500, 0, "JPY"]),
    )
    client = next(db.query("SELECT * FROM clients"))
    assert (client["client_code"], client["name"], client["currency"]) == (
        "NEW01",
        "新しい会社",
        "JPY",
    )
    assert (
        db.execute("SELECT action FROM audit_log WHERE table_name='clients'").fetchone()[0]
        == "create from invoice ledger"
    )


def test_due_date_from_client_terms_when_the_ledger_has_none(db, collector):
    import_file(
        db,
        collector,
        xlsx_bytes(
            [
                ["Customer Code", "Customer Name", "Currency", "Payment Terms (days)"],
                ["C1", "Alpha", "INR", 45],
            ]
        ),
        "clients.xlsx",
        ImportOptions(kind="clients"),
    )
    data = xlsx_bytes(
        [
            ["Bill No", "Customer Code", "Bill Date", "Total"],
            ["B-1", "C1", "01/04/2025", "₹1,18,000.00"],
        ]
    )
    result = invoices(db, collector, data)
    assert result.imported == 1, result.rejected
    row = next(db.query("SELECT * FROM invoices"))
    assert (row["due_date"], row["amount"], row["currency"]) == ("2025-05-16", 11800000, "INR")


def test_cp932_statement_with_japanese_headers_skips_debits(db, collector):
    rows = [
        ["口座番号", "普通 1234567"],
        ["照会期間", "2025/12/01～2025/12/31"],
        ["取引日", "摘要", "振込依頼人名", "出金額", "入金額", "残高", "照会番号"],
        ["2025/12/01", "ﾌﾘｺﾐ", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "", "109,890", "1,109,890", "000123"],
        ["2025/12/02", "ﾃｽｳﾘﾖｳ", "", "440", "", "1,109,450", ""],
        ["R7.12.3", "ﾌﾘｺﾐ", "1861 ﾄﾞ)ﾔﾏｸﾞﾁｼﾖｸﾋﾝ", "", "54,890", "1,164,340", "000124"],
        ["", "", "合計", "440", "164,780", "", ""],
    ]
    data = csv_bytes(rows, encoding="cp932")
    result = receipts(db, collector, data, name="mufg.csv", currency="JPY")
    assert (result.imported, result.skipped_outflows, result.rejected) == (2, 1, [])
    got = list(db.query("SELECT * FROM receipts ORDER BY receipt_date"))
    assert [r["amount"] for r in got] == [109890, 54890]
    assert got[0]["payer_name"] == "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ" and got[0]["reference"] == "000123"
    assert got[1]["receipt_date"] == "2025-12-03"
    assert got[0]["account"] == "1234567"  # read from the title rows
    assert got[0]["channel"] == "bank"


def test_indian_bank_xlsx_with_lakh_text_amounts_and_day_first_dates(db, collector):
    rows = [
        ["HDFC BANK Ltd.", "", "", "", "", "", ""],
        ["Account No : 50200012345678", "", "", "", "", "", ""],
        ["Statement From : 01/11/2025 To : 30/11/2025"],
        [],
        [
            "Date",
            "Narration",
            "Chq./Ref.No.",
            "Value Dt",
            "Withdrawal Amt.",
            "Deposit Amt.",
            "Closing Balance",
        ],
        [
            "03/11/25",
            "NEFT CR-HDFC0000123-SHARMA TRADERS PVT LTD-INV 2509 01066-HDFCN5202511",
            "0000000000000000",
            "03/11/25",
            "",
            "1,23,456.78",
            "5,23,456.78",
        ],
        [
            "04/11/25",
            "UPI/512345678901/MEHTA FOODS/bill 77/ICICI",
            "0000512345678901",
            "04/11/25",
            "",
            "9,440.00",
            "5,32,896.78",
        ],
        ["13/11/25", "ATM WDL", "0000000000000000", "13/11/25", "10,000.00", "", "5,22,896.78"],
        ["**** End of Statement ****"],
    ]
    result = receipts(db, collector, xlsx_bytes(rows), name="hdfc.xlsx", currency="INR")
    assert (result.imported, result.skipped_outflows, result.rejected) == (2, 1, [])
    got = {r["receipt_date"]: r for r in db.query("SELECT * FROM receipts")}
    assert got["2025-11-03"]["amount"] == 12345678
    assert got["2025-11-04"]["amount"] == 944000
    assert got["2025-11-03"]["reference"] == "0000000000000000"
    assert got["2025-11-03"]["account"] == "50200012345678"


def test_card_payout_csv_keeps_net_amount_and_fee(db, collector):
    rows = [
        [
            "Transaction ID",
            "Payout Date",
            "Customer",
            "Invoice Ref",
            "Gross Amount",
            "Fee",
            "Net Amount",
            "Currency",
        ],
        [
            "ch_3PqA1",
            "2025-11-20",
            "Kapoor Retail LLP",
            "INV2510-00012",
            "11,800.00",
            "283.20",
            "11,516.80",
            "INR",
        ],
        [
            "ch_3PqA2",
            "2025-11-20",
            "株式会社佐藤食品",
            "INV2510-00013",
            "33000",
            "990",
            "32010",
            "JPY",
        ],
    ]
    result = receipts(
        db, collector, csv_bytes(rows), name="payouts.csv", channel="card", account="CARD-STRIPE"
    )
    assert result.imported == 2, result.rejected
    got = {r["reference"]: r for r in db.query("SELECT * FROM receipts")}
    assert (got["ch_3PqA1"]["amount"], got["ch_3PqA1"]["fee"]) == (1151680, 28320)
    assert (got["ch_3PqA2"]["amount"], got["ch_3PqA2"]["fee"]) == (32010, 990)
    assert got["ch_3PqA2"]["channel"] == "card" and got["ch_3PqA2"]["memo"] == "INV2510-00013"


def test_overlapping_statements_add_only_the_new_lines(db, collector):
    head = [["Txn Date", "Description", "Ref No./Cheque No.", "Debit", "Credit", "Balance"]]
    line = [
        ["01/12/2025", "NEFT/UTR1/A/x", "", "", "100.00", "100.00"],
        ["02/12/2025", "NEFT/UTR2/B/y", "", "", "200.00", "300.00"],
        ["02/12/2025", "NEFT/UTR2/B/y", "", "", "200.00", "500.00"],
        ["03/12/2025", "NEFT/UTR3/C/z", "", "", "300.00", "800.00"],
    ]
    first = receipts(
        db, collector, csv_bytes(head + line[:3]), name="sbi-1.csv", currency="INR", account="SBI"
    )
    second = receipts(
        db, collector, csv_bytes(head + line[1:]), name="sbi-2.csv", currency="INR", account="SBI"
    )
    assert first.imported == 3  # the two equal lines of 2 Dec are two receipts
    assert (second.imported, second.duplicates) == (1, 2)
    assert db["receipts"].count == 4


def test_ibm_sample_keeps_leading_zeros_and_reads_month_first_dates(db, collector):
    raw = (SAMPLES / "ibm-accounts-receivable.csv").read_bytes()
    result = invoices(db, collector, raw, name="ibm.csv", currency="USD")
    assert (result.imported, result.rejected) == (2466, [])
    expected = list(csv.DictReader(io.StringIO(raw.decode())))
    total = sum(Decimal(r["InvoiceAmount"]) for r in expected)
    assert db.execute("SELECT SUM(amount) FROM invoices").fetchone()[0] == int(total * 100)
    first = next(db.query("SELECT * FROM invoices WHERE invoice_no = '0000611365'"))
    assert (first["invoice_date"], first["due_date"], first["amount"]) == (
        "2013-01-02",
        "2013-02-01",
        5594,
    )
    assert db.execute("SELECT COUNT(*) FROM invoices WHERE disputed = 1").fetchone()[0] == sum(
        r["Disputed"] == "Yes" for r in expected
    )
    assert db["clients"].count == len({r["customerID"] for r in expected})


def test_ambiguous_dates_use_the_default_and_say_so(db, collector):
    data = xlsx_bytes(
        [INVOICE_HEADER, ["A-1", "C1", "Alpha", "01/02/2025", "03/04/2025", 100, 0, "JPY"]]
    )
    result = invoices(db, collector, data)
    assert any("DD/MM" in w for w in result.warnings)
    assert db.execute("SELECT invoice_date FROM invoices").fetchone()[0] == "2025-02-01"


def test_corrected_mapping_is_saved_as_a_preset_and_used_for_the_next_file(db, collector):
    headers = ["Doc", "Party", "Dt", "Payable By", "Value", "CCY"]
    data = xlsx_bytes([headers, ["D-1", "P1", "2025-04-01", "2025-04-30", 100, "JPY"]])
    with pytest.raises(FileError):
        invoices(db, collector, data)
    fixed = {
        "Doc": "invoice_no",
        "Party": "client_code",
        "Dt": "invoice_date",
        "Payable By": "due_date",
        "Value": "amount",
    }
    found = inspect_file(db, data, "odd.xlsx", "invoices", overrides=fixed)
    assert found.missing == []
    save_preset(db, collector, "Odd ERP export", "invoices", found.headers, found.mapping)
    again = inspect_file(db, data, "odd-next-month.xlsx", "invoices")
    assert again.preset == "Odd ERP export" and again.missing == []
    assert invoices(db, collector, data, name="odd-next-month.xlsx").imported == 1


def test_client_master_with_head_offices(db, collector):
    rows = [
        [
            "Customer Code",
            "Customer Name",
            "Furigana",
            "Segment",
            "Owner",
            "Email",
            "Currency",
            "Payment Terms (days)",
            "Head Office Code",
        ],
        [
            "JP0002",
            "山田商事株式会社 大阪支店",
            "ヤマダショウジ",
            "franchisee",
            "kenji",
            "osaka@yamada.example",
            "JPY",
            30,
            "JP0001",
        ],
        ["JP0001", "山田商事株式会社", "ヤマダショウジ", "client", "kenji", "", "JPY", 30, ""],
        ["JP0003", "Loop", "", "client", "", "", "JPY", 30, "JP0004"],
        ["JP0004", "Loop parent", "", "client", "", "", "JPY", 30, "JP0003"],
        ["JP0005", "Ghost child", "", "client", "", "", "JPY", 30, "JP9999"],
        ["JP0006", "Bad email", "", "client", "", "not-an-email", "JPY", 30, ""],
    ]
    result = import_file(
        db, collector, xlsx_bytes(rows), "clients.xlsx", ImportOptions(kind="clients")
    )
    assert result.imported == 2
    reasons = {e.row: e.reason for e in result.rejected}
    assert "circle" in reasons[4] and "circle" in reasons[5]
    assert "JP9999" in reasons[6] and "email" in reasons[7]
    child = next(
        db.query(
            "SELECT c.*, p.client_code AS parent FROM clients c "
            "JOIN clients p ON p.id = c.parent_id"
        )
    )
    assert (child["client_code"], child["parent"], child["segment"]) == (
        "JP0002",
        "JP0001",
        "franchisee",
    )


def test_client_reimport_never_blanks_a_value(db, collector):
    head = ["Customer Code", "Customer Name", "Email", "Phone"]
    import_file(
        db,
        collector,
        xlsx_bytes([head, ["C1", "Alpha", "a@x.example", "022-1"]]),
        "c1.xlsx",
        ImportOptions(kind="clients"),
    )
    result = import_file(
        db,
        collector,
        xlsx_bytes([head, ["C1", "Alpha Ltd", "", "022-2"]]),
        "c2.xlsx",
        ImportOptions(kind="clients"),
    )
    row = next(db.query("SELECT * FROM clients"))
    assert result.updated == 1
    assert (row["name"], row["email"], row["phone"]) == ("Alpha Ltd", "a@x.example", "022-2")


def test_tsv_and_semicolon_files_are_sniffed(db, collector):
    rows = [INVOICE_HEADER, ["A-1", "C1", "Alpha", "2025-04-01", "2025-04-30", "100", "0", "JPY"]]
    assert invoices(db, collector, csv_bytes(rows, delimiter="\t"), name="l.tsv").imported == 1
    rows[1][0] = "A-2"
    data = csv_bytes(rows, delimiter=";", encoding="utf-8-sig")
    assert invoices(db, collector, data, name="l.csv").imported == 1


def test_progress_is_reported_up_to_done(db, collector):
    seen = []
    data = ledger(["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"])
    import_file(
        db,
        collector,
        data,
        "l.xlsx",
        ImportOptions(kind="invoices"),
        progress=lambda f, m: seen.append(f),
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_legacy_xls_workbook(db, collector):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Ledger")
    for r, row in enumerate(
        [INVOICE_HEADER, ["0000123", "C1", "Alpha", "2025-04-01", "2025-04-30", 1500, 0, "JPY"]]
    ):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    result = invoices(db, collector, buffer.getvalue(), name="old.xls")
    assert result.imported == 1, result.rejected
    assert db.execute("SELECT invoice_no, amount FROM invoices").fetchone() == ("0000123", 1500)


cells = st.one_of(
    st.text(max_size=30),
    st.integers(-(10**18), 10**18).map(str),
    st.sampled_from(
        [
            "",
            "¥1,234",
            "(1,234)",
            "1,23,456.78",
            "31/02/2025",
            "令和6年4月1日",
            "=cmd|'/C calc'!A0",
            "\x00\x1f",
            "🙂",
        ]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(cells, min_size=8, max_size=8), min_size=1, max_size=8))
def test_any_cells_give_rows_or_row_errors_never_a_crash(db, collector, body):
    before = db["invoices"].count
    data = csv_bytes([INVOICE_HEADER, *body])
    try:
        result = invoices(db, collector, data, name="fuzz.csv", currency="JPY")
    except FileError:
        assert db["invoices"].count == before
        return
    assert db["invoices"].count - before == result.imported
    for error in result.rejected:
        assert error.row >= 2 and error.column and error.reason


def test_check_file_validates_every_row_and_writes_nothing(db):
    data = ledger(
        ["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"],
        ["A-2", "C1", "Alpha", date(2025, 4, 1), date(2025, 3, 30), 1000, 0, "JPY"],
    )
    result = check_file(db, data, "l.xlsx", ImportOptions(kind="invoices"))
    assert result.imported == 1 and [e.row for e in result.rejected] == [6]
    assert db["invoices"].count == 0 and db["imports"].count == 0


def test_check_with_the_actor_counts_what_the_import_would_do_and_writes_nothing(db, collector):
    first = ledger(["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 4, 30), 1000, 0, "JPY"])
    invoices(db, collector, first)
    changed = ledger(
        ["A-1", "C1", "Alpha", date(2025, 4, 1), date(2025, 5, 31), 1000, 0, "JPY"],
        ["A-2", "C1", "Alpha", date(2025, 4, 2), date(2025, 5, 2), 500, 0, "JPY"],
    )
    audit_before = db["audit_log"].count
    check = check_file(db, changed, "l2.xlsx", ImportOptions(kind="invoices"), collector)
    assert (check.imported, check.updated, check.duplicates) == (1, 1, 0)
    assert db["invoices"].count == 1 and db["imports"].count == 1
    assert db["audit_log"].count == audit_before
    assert db.execute("SELECT due_date FROM invoices").fetchone()[0] == "2025-04-30"
    result = invoices(db, collector, changed, name="l2.xlsx")
    assert (result.imported, result.updated) == (1, 1)


COVER = [["請求一覧 2026年11月"], ["作成者: 経理部"], ["注意: このファイルは社外秘です"]]


def test_the_ledger_sheet_is_found_behind_a_cover_sheet(db, collector):
    rows = [INVOICE_HEADER, ["A-001", "JP0001", "山田商事", date(2026, 11, 2), date(2026, 11, 30),
                             11000, 1000, "JPY"]]  # fmt: skip
    data = xlsx_bytes(COVER, sheet="表紙", extra_sheets={"集計": [["合計", 11000]], "請求": rows})
    found = inspect_file(db, data, "book.xlsx")
    assert (found.sheet.name, found.kind) == ("請求", "invoices")
    assert found.sheet.sheet_names == ["表紙", "集計", "請求"]
    result = invoices(db, collector, data, "book.xlsx")
    assert (result.imported, result.rejected) == (1, [])


def test_a_workbook_with_no_known_header_falls_back_to_its_first_sheet(db):
    data = xlsx_bytes([["Notes"]], sheet="Empty", extra_sheets={"Data": [["a", "b"], [1, 2]]})
    with pytest.raises(FileError, match="no header row recognised"):
        inspect_file(db, data, "book.xlsx")
    found = inspect_file(db, data, "book.xlsx", "invoices")
    assert found.sheet.name == "Empty"  # nothing known anywhere: the first sheet, as before
    assert "Invoice no" in found.missing


def test_a_named_sheet_is_read_even_when_another_looks_like_data(db, collector):
    first = [INVOICE_HEADER, ["A-001", "JP0001", "山田商事", date(2026, 11, 2),
                              date(2026, 11, 30), 11000, 1000, "JPY"]]  # fmt: skip
    second = [INVOICE_HEADER, ["B-001", "JP0002", "鈴木商店", date(2026, 11, 3),
                               date(2026, 12, 3), 22000, 2000, "JPY"]]  # fmt: skip
    data = xlsx_bytes(first, sheet="October", extra_sheets={"November": second})
    assert inspect_file(db, data, "book.xlsx").sheet.name == "October"
    result = invoices(db, collector, data, "book.xlsx", sheet="November")
    assert result.imported == 1
    assert [r[0] for r in db.execute("SELECT invoice_no FROM invoices")] == ["B-001"]


def test_tally_outstandings_with_dr_and_cr_marks(db, collector):
    # Tally's Bills Receivable, saved to Excel: company and period above the header, and the
    # amounts in the bookkeeping sense (Dr owed by the party, Cr an advance from it).
    data = xlsx_bytes(
        [
            ["Sharma Services India Pvt Ltd"],
            ["Bills Receivable"],
            ["1-Apr-25 to 31-Mar-26"],
            ["Date", "Ref. No.", "Party's Name", "Pending Amount", "Due on", "Overdue by days"],
            [
                "1-Oct-25",
                "SSI/25-26/0412",
                "Alpha Foods Pvt Ltd",
                "1,18,000.00 Dr",
                "31-Oct-25",
                152,
            ],
            [
                "15-Nov-25",
                "SSI/25-26/0533",
                "Alpha Foods Pvt Ltd",
                "59,000.00 Dr",
                "15-Dec-25",
                107,
            ],
            ["20-Nov-25", "ADV/25-26/07", "Alpha Foods Pvt Ltd", "5,000.00 Cr", "", ""],
        ]
    )
    db["clients"].insert({"client_code": "ALPHA", "name": "Alpha Foods Pvt Ltd", "currency": "INR",
                          "language": "en", "created_at": "2025-01-01T00:00:00Z",
                          "updated_at": "2025-01-01T00:00:00Z"})  # fmt: skip
    result = invoices(db, collector, data, "outstanding.xlsx", currency="INR")
    assert result.imported == 2
    assert [(e.row, e.column) for e in result.rejected] == [(7, "Pending Amount")]
    assert "credit note" in result.rejected[0].reason
    assert any("read from Pending Amount" in w for w in result.warnings)
    rows = db.execute("SELECT invoice_no, amount, due_date FROM invoices ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [
        ("SSI/25-26/0412", 11_800_000, "2025-10-31"),
        ("SSI/25-26/0533", 5_900_000, "2025-12-15"),
    ]


def test_tally_opening_amount_is_the_bill_and_needs_no_warning(db, collector):
    # With both columns, the Opening Amount is the bill as raised; Pending Amount is left over.
    data = xlsx_bytes(
        [
            ["Bills Receivable"],
            ["Date", "Ref. No.", "Party's Name", "Opening Amount", "Pending Amount", "Due on"],
            ["1-Oct-25", "SSI/25-26/0412", "Alpha Foods", "1,18,000.00 Dr", "18,000.00 Dr",
             "31-Oct-25"],
        ]
    )  # fmt: skip
    db["clients"].insert({"client_code": "ALPHA", "name": "Alpha Foods", "currency": "INR",
                          "language": "en", "created_at": "2025-01-01T00:00:00Z",
                          "updated_at": "2025-01-01T00:00:00Z"})  # fmt: skip
    result = invoices(db, collector, data, "bills.xlsx", currency="INR")
    assert result.imported == 1
    assert not any("Pending Amount" in w for w in result.warnings)
    assert db.execute("SELECT amount FROM invoices").fetchone()[0] == 11_800_000


def _client(db, code: str, name: str, currency: str, terms: int | None = None) -> None:
    db["clients"].insert({"client_code": code, "name": name, "currency": currency,
                          "terms_days": terms, "language": "en",
                          "created_at": "2025-01-01T00:00:00Z",
                          "updated_at": "2025-01-01T00:00:00Z"})  # fmt: skip


def test_a_ledger_naming_known_parties_takes_their_currency_and_terms(db, collector):
    # Tally names the party and gives neither code nor currency: the client master has both.
    _client(db, "JN01", "Jai Nair Retail & Co", "INR", terms=45)
    data = xlsx_bytes(
        [
            ["Date", "Ref. No.", "Party's Name", "Pending Amount", "Due on"],
            ["1-Oct-25", "SSI/0412", "JAI NAIR RETAIL & CO", "1,18,000.00 Dr", "31-Oct-25"],
            ["2-Oct-25", "SSI/0413", "Jai Nair Retail & Co", "2,000.00 Dr", None],
        ]
    )
    result = invoices(db, collector, data, "bills.xlsx")
    assert (result.imported, result.rejected) == (2, [])
    rows = db.execute(
        "SELECT i.invoice_no, c.client_code, i.currency, i.amount, i.due_date"
        " FROM invoices i JOIN clients c ON c.id = i.client_id ORDER BY i.id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("SSI/0412", "JN01", "INR", 11_800_000, "2025-10-31"),
        ("SSI/0413", "JN01", "INR", 200_000, "2025-11-16"),  # 45 days' terms
    ]


def test_a_name_two_clients_share_fits_neither(db, collector):
    _client(db, "AF01", "Alpha Foods", "INR")
    _client(db, "AF02", "Alpha Foods", "JPY")
    data = xlsx_bytes(
        [
            ["Invoice No", "Customer", "Invoice Date", "Due Date", "Amount", "Currency"],
            ["A-1", "Alpha Foods", "2025-10-01", "2025-10-31", 5000, "JPY"],
        ]
    )
    result = invoices(db, collector, data, "ledger.xlsx")
    assert result.imported == 0
    assert [(e.row, e.column) for e in result.rejected] == [(2, "Customer")]
    assert "name of two clients" in result.rejected[0].reason
    assert db["invoices"].count == 0


def test_an_unknown_party_is_named_as_the_reason_not_the_currency_it_would_give(db, collector):
    _client(db, "JN01", "Jai Nair Retail & Co", "INR")
    data = xlsx_bytes(
        [
            ["Date", "Ref. No.", "Party's Name", "Pending Amount", "Due on"],
            ["1-Oct-25", "SSI/0412", "Unknown Traders LLP", "12,000.00 Dr", "31-Oct-25"],
        ]
    )
    result = invoices(db, collector, data, "bills.xlsx")
    assert [(e.row, e.column) for e in result.rejected] == [(2, "Party's Name")]
    assert "not in the client master" in result.rejected[0].reason
