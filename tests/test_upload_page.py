"""Upload page: a file goes in through the browser, counts come back, rejects download."""

from __future__ import annotations

from conftest import csv_bytes, open_app, xlsx_bytes
from statement_files import MT940_INR

from lib.db import connect

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

LEDGER = [
    [
        "Invoice No",
        "Customer Code",
        "Customer",
        "Invoice Date",
        "Due Date",
        "Amount",
        "Tax",
        "Currency",
    ],
    [
        "0000123",
        "C1",
        "Alpha Foods Pvt Ltd",
        "01/04/2025",
        "30/04/2025",
        "1,18,000.00",
        "18,000.00",
        "INR",
    ],
    [
        "0000124",
        "C1",
        "Alpha Foods Pvt Ltd",
        "15/04/2025",
        "15/05/2025",
        "59,000.00",
        "9,000.00",
        "INR",
    ],
    ["0000125", "C1", "Alpha Foods Pvt Ltd", "31/02/2025", "15/05/2025", "100", "0", "INR"],
]


def upload(at, name: str, data: bytes):
    at.file_uploader[0].upload(name, data, "text/csv").run()
    assert not at.exception, at.exception
    return at


def import_button(at):
    return next(b for b in at.button if b.label.startswith("Import "))


def test_collector_uploads_a_ledger_and_sees_the_counts(app_db):
    at = upload(open_app("priya", "pages/upload_page.py"), "ledger.csv", csv_bytes(LEDGER))
    assert any("Invoice ledger" in m.value for m in at.markdown)
    mapping = at.data_editor[0].value
    assert dict(zip(mapping["Column in the file"], mapping["Kaishu field"], strict=True))[
        "Invoice No"
    ].startswith("Invoice no")
    assert any("Check: 2 new rows · 1 with problems" in w.value for w in at.warning)
    assert connect(app_db)["invoices"].count == 0  # the check wrote nothing
    import_button(at).click().run()
    assert not at.exception
    counts = {m.label: m.value for m in at.metric}
    assert (counts["Added"], counts["Rejected"]) == ("2", "1")
    assert any(b.label.startswith("Download rejected rows") for b in at.download_button)
    assert connect(app_db)["invoices"].count == 2
    history = at.dataframe[-1].value
    assert list(history["File"]) == ["ledger.csv"] and list(history["Who"]) == ["priya"]


def test_same_file_again_adds_nothing(app_db):
    at = upload(open_app("priya", "pages/upload_page.py"), "ledger.csv", csv_bytes(LEDGER))
    import_button(at).click().run()
    at.run()  # the check is redone against the ledger as it is now: nothing new in this file
    assert any("Check: 0 new rows · 2 already there · 1 with problems." in w.value
               for w in at.warning)  # fmt: skip
    import_button(at).click().run()
    counts = {m.label: m.value for m in at.metric}
    assert counts["Added"] == "0" and counts["Already there"] == "2"
    assert any("already imported" in w.value for w in at.warning)
    assert connect(app_db)["invoices"].count == 2


def test_unreadable_file_says_why_and_missing_columns_block_the_import(app_db):
    at = upload(open_app("asha", "pages/upload_page.py"), "scan.xlsx", b"\x00\x01 not excel")
    assert any("not a valid Excel workbook" in e.value for e in at.error)
    short = csv_bytes([["Invoice No", "Amount"], ["A-1", "100"]])
    at = upload(open_app("asha", "pages/upload_page.py"), "short.csv", short)
    at.selectbox[0].select("Invoice ledger").run()
    assert any("Map these before importing" in w.value for w in at.warning)
    assert import_button(at).disabled


def test_correcting_the_mapping_in_the_editor(app_db):
    odd = csv_bytes(
        [
            ["Doc", "Party", "Dt", "Payable By", "Value", "CCY"],
            ["D-1", "P1", "2025-04-01", "2025-04-30", "100", "JPY"],
        ]
    )
    at = upload(open_app("priya", "pages/upload_page.py"), "odd.csv", odd)
    at.selectbox[0].select("Invoice ledger").run()
    assert import_button(at).disabled
    editor = at.data_editor[0]
    labels = {
        "Doc": "Invoice no *",
        "Party": "Client code",
        "Dt": "Invoice date *",
        "Payable By": "Due date",
        "Value": "Amount (incl. tax)",
    }
    edits = {
        i: {"Kaishu field": labels[h]}
        for i, h in enumerate(editor.value["Column in the file"])
        if h in labels
    }
    at.session_state["map-odd.csv"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert not import_button(at).disabled
    import_button(at).click().run()
    assert {m.label: m.value for m in at.metric}["Added"] == "1"


def test_interns_cannot_upload(app_db):
    at = open_app("ravi", "pages/upload_page.py")
    assert any("can't open Upload" in e.value for e in at.error)
    assert not at.file_uploader


def test_bank_statement_in_mt940_is_read_like_a_spreadsheet(app_db):
    at = upload(open_app("priya", "pages/upload_page.py"), "hdfc.sta", MT940_INR)
    assert any("read from the bank's format (MT940 statement)" in m.value for m in at.markdown)
    assert any("Check: 1 new row · 1 outflow to skip." in s.value for s in at.success)
    mapping = at.data_editor[0].value
    fields = dict(zip(mapping["Column in the file"], mapping["Kaishu field"], strict=True))
    assert fields["Credit"].startswith("Amount received") and fields["Payer"].startswith("Payer")
    import_button(at).click().run()
    assert not at.exception
    counts = {m.label: m.value for m in at.metric}
    assert counts["Added"] == "1"
    (receipt,) = connect(app_db).query("SELECT amount, currency, reference FROM receipts")
    assert receipt == {"amount": 25_000_000, "currency": "INR", "reference": "HDFC00123"}


def test_collector_undoes_a_statement_imported_in_the_wrong_currency(app_db):
    data = csv_bytes(
        [["Txn Date", "Narration", "Credit", "Ref No"], ["05/11/2026", "NEFT CR", "2,500", "UTR9"]]
    )
    at = open_app("priya", "pages/upload_page.py")
    at.selectbox[1].select("JPY").run()  # currency when the file has none: the wrong one
    at = upload(at, "hdfc.csv", data)
    import_button(at).click().run()
    assert connect(app_db).execute("SELECT currency FROM receipts").fetchone()[0] == "JPY"
    at.text_input(key="undo-reason-1").input("INR statement imported as JPY").run()
    next(b for b in at.button if b.label == "Undo import #1").click().run()
    assert not at.exception
    assert any("Import #1 undone: 1 receipt reversed." in s.value for s in at.success)
    rows = connect(app_db).execute("SELECT import_id, reversed_by FROM receipts").fetchall()
    assert rows == [(1, "priya")], rows
    history = at.dataframe[-1].value
    assert list(history["Undone"]) == ["by priya: INR statement imported as JPY"]


def test_ledger_with_a_credit_note_maps_it_and_lowers_the_invoice(app_db):
    rows = [
        LEDGER[0] + ["Against Invoice"],
        LEDGER[1] + [""],
        [
            "CN-0000123",
            "C1",
            "Alpha Foods Pvt Ltd",
            "20/04/2025",
            "",
            "-11,800.00",
            "-1,800.00",
            "INR",
            "0000123",
        ],  # fmt: skip
    ]
    at = upload(open_app("priya", "pages/upload_page.py"), "ledger.csv", csv_bytes(rows))
    mapping = at.data_editor[0].value
    fields = dict(zip(mapping["Column in the file"], mapping["Kaishu field"], strict=True))
    assert fields["Against Invoice"].startswith("Credits invoice")
    import_button(at).click().run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Added"] == "2"
    (left,) = (
        connect(app_db)
        .execute(
            "SELECT i.amount - s.settled FROM invoices i"
            " JOIN invoice_settled s ON s.invoice_id = i.id"
        )
        .fetchone()
    )
    assert left == 10_620_000


def test_statement_without_currency_asks_for_it_and_says_what_it_leaves_out(app_db):
    data = csv_bytes(
        [
            ["Txn Date", "Narration", "Credit", "Ref No"],
            ["*****", "*****", "*****", "*****"],
            ["05/11/2026", "NEFT CR-MEHTA", "2,500", "UTR9"],
            ["STATEMENT SUMMARY :-"],
            ["Opening Balance", "Dr Count", "Cr Count", "Closing Bal"],
            ["10,00,000.00", "0", "1", "10,02,500.00"],
        ]
    )
    at = upload(open_app("priya", "pages/upload_page.py"), "hdfc.csv", data)
    assert any("choose the statement's currency" in e.value for e in at.error)
    at.selectbox[1].select("INR").run()
    assert not at.exception and not at.error
    check = "Check: 1 new row · 3 lines left out as totals, notes or the bank's footer."
    assert any(check in s.value for s in at.success), [s.value for s in at.success]
    import_button(at).click().run()
    assert any("Also 3 lines left out" in c.value for c in at.caption)
    assert connect(app_db).execute("SELECT currency, amount FROM receipts").fetchall() == [
        ("INR", 250000)
    ]


def test_mapping_examples_skip_the_rule_of_stars_and_show_each_columns_first_value(app_db):
    data = csv_bytes(
        [
            ["Date", "Narration", "Withdrawal Amt.", "Deposit Amt.", "Currency"],
            ["********", "********", "********", "********", "********"],
            ["02/11/2026", "NEFT CR-SHARMA", "", "1,18,000.00", "INR"],
            ["03/11/2026", "ACH D- BAJAJFIN", "5,000.00", "", "INR"],
        ]
    )
    at = upload(open_app("priya", "pages/upload_page.py"), "hdfc.csv", data)
    mapping = at.data_editor[0].value
    examples = dict(zip(mapping["Column in the file"], mapping["Example"], strict=True))
    assert examples["Date"] == "02/11/2026"
    assert (examples["Withdrawal Amt."], examples["Deposit Amt."]) == ("5,000.00", "1,18,000.00")


def test_the_sheet_can_be_chosen_when_the_workbook_has_several(app_db):
    cover = [["請求一覧"], ["作成者: 経理部"]]
    other = [
        LEDGER[0],
        ["0000999", "C9", "Other Co", "01/05/2025", "31/05/2025", "500", "0", "INR"],
    ]
    data = xlsx_bytes(cover, sheet="表紙", extra_sheets={"Ledger": LEDGER, "May": other})
    at = open_app("priya", "pages/upload_page.py")
    at.file_uploader[0].upload("book.xlsx", data, XLSX).run()
    assert not at.exception, at.exception
    sheet = next(s for s in at.selectbox if s.label == "Sheet")
    assert sheet.value == "Ledger" and sheet.options == ["表紙", "Ledger", "May"]
    assert any("2 new rows" in w.value for w in at.warning)  # the 31/02 row has a problem
    sheet.set_value("May").run()
    assert not at.exception, at.exception
    assert any("1 new row" in s.value for s in at.success)
    import_button(at).click().run()
    invoices = connect(app_db).execute("SELECT invoice_no FROM invoices").fetchall()
    assert [r[0] for r in invoices] == ["0000999"]
