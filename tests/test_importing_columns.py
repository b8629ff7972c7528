"""Header mapping of the statement layouts the team's banks and card processors export."""

from __future__ import annotations

import pytest

from lib.importing.columns import auto_map, detect_kind, header_currency, missing_required

# The header rows of real exports, and the fields Kaishu must find in them without help.
LAYOUTS = {
    "MUFG": (
        "日付,摘要,摘要内容,支払い金額,預かり金額,差引残高,メモ,未資金化区分,入払区分",
        {"日付": "date", "摘要": "memo", "摘要内容": "payer_name", "支払い金額": "debit",
         "預かり金額": "amount", "差引残高": "balance", "入払区分": "dr_cr"},
    ),
    "SMBC": (
        "年月日,お引出し,お預入れ,お取り扱い内容,残高,メモ,ラベル",
        {"年月日": "date", "お引出し": "debit", "お預入れ": "amount",
         "お取り扱い内容": "memo", "残高": "balance"},
    ),
    "Rakuten": (
        "取引日,入出金(円),取引後残高(円),入出金内容",
        {"取引日": "date", "入出金(円)": "amount", "取引後残高(円)": "balance",
         "入出金内容": "memo"},
    ),
    "PayPay": (
        "摘要,お支払金額,お預り金額,残高",
        {"摘要": "memo", "お支払金額": "debit", "お預り金額": "amount", "残高": "balance"},
    ),
    "Axis": (
        "Tran Date,CHQNO,PARTICULARS,DR,CR,BAL,SOL",
        {"Tran Date": "date", "CHQNO": "reference", "PARTICULARS": "memo", "DR": "debit",
         "CR": "amount", "BAL": "balance"},
    ),
    "YES": (
        "Transaction Date,Value Date,Description,Reference No.,Withdrawals,Deposits,"
        "Running Balance",
        {"Transaction Date": "date", "Value Date": "value_date", "Description": "memo",
         "Reference No.": "reference", "Withdrawals": "debit", "Deposits": "amount",
         "Running Balance": "balance"},
    ),
    "IndusInd": (  # "Withdrawl" is how IndusInd spells it
        "Date,Particulars,Chq./Ref. No,Withdrawl,Deposit,Balance",
        {"Date": "date", "Particulars": "memo", "Chq./Ref. No": "reference",
         "Withdrawl": "debit", "Deposit": "amount", "Balance": "balance"},
    ),
    "Bank of Baroda": (
        "TRAN DATE,VALUE DATE,NARRATION,CHQ.NO.,WITHDRAWAL(DR),DEPOSIT(CR),BALANCE(INR)",
        {"TRAN DATE": "date", "VALUE DATE": "value_date", "NARRATION": "memo",
         "CHQ.NO.": "reference", "WITHDRAWAL(DR)": "debit", "DEPOSIT(CR)": "amount",
         "BALANCE(INR)": "balance"},
    ),
    "HDFC delimited": (  # the .txt download: "Value Dat" cut short, as HDFC prints it
        "  Date     ,Narration     ,Value Dat,Debit Amount       ,Credit Amount      ,"
        "Chq/Ref Number   ,Closing Balance",
        {"  Date     ": "date", "Narration     ": "memo", "Value Dat": "value_date",
         "Debit Amount       ": "debit", "Credit Amount      ": "amount",
         "Chq/Ref Number   ": "reference", "Closing Balance": "balance"},
    ),
    "Kotak": (
        "Sl. No.,Date,Description,Chq / Ref No.,Amount,Dr / Cr,Balance,Dr / Cr",
        {"Date": "date", "Description": "memo", "Chq / Ref No.": "reference",
         "Amount": "amount", "Dr / Cr": "dr_cr", "Balance": "balance"},
    ),
    "Stripe payouts": (  # beside Net, Amount is the gross: Net is what reached the bank
        "id,Type,Amount,Fee,Net,Currency,Created (UTC),Available On (UTC),Description",
        {"Amount": "gross", "Fee": "fee", "Net": "amount", "Currency": "currency",
         "Created (UTC)": "date", "Available On (UTC)": "value_date", "Description": "memo"},
    ),
    "Razorpay settlements": (
        "settlement_id,settlement_utr,amount,fee,tax,settled_at",
        {"amount": "amount", "fee": "fee", "settled_at": "date"},
    ),
    "Japanese card payout": (
        "ご利用日,加盟店名,売上金額,手数料,お振込金額,お振込日",
        {"売上金額": "gross", "手数料": "fee", "お振込金額": "amount", "お振込日": "date"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("bank", LAYOUTS)
def test_real_statement_layouts_map_without_help(bank):
    line, expected = LAYOUTS[bank]
    headers = line.split(",")
    mapping = auto_map(headers, "receipts")
    assert {headers[c]: f for c, f in mapping.items()} == expected
    assert detect_kind([headers]) == "receipts"
    if "date" in expected.values():  # PayPay splits its date (see test_importing_split_dates)
        assert missing_required("receipts", mapping) == []


def test_amount_gives_way_only_to_a_net_column():
    # A bank's "Amount" beside "Credit" stays the amount; "Net" wins, and Gross stays gross.
    assert auto_map(["Amount", "Debit", "Credit"], "receipts") == {0: "amount", 1: "debit"}
    assert auto_map(["Date", "Amount", "Net", "Gross"], "receipts") == {
        0: "date",
        2: "amount",
        3: "gross",
    }


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Deposit Amount (INR )", "INR"),
        ("BALANCE(INR)", "INR"),
        ("Credit (Rs.)", "INR"),
        ("入出金(円)", "JPY"),
        ("入金額（円）", "JPY"),
        ("Amount [USD]", "USD"),
        ("Deposit Amt.", None),
        ("INR Amount", None),
    ],
)
def test_header_currency(header, code):
    assert header_currency(header) == code


# Invoice ledgers as the accounting packages export them.
LEDGERS = {
    "Tally bills receivable": (
        "Date,Ref. No.,Party's Name,Pending Amount,Due on,Overdue by days",
        {"Date": "invoice_date", "Ref. No.": "invoice_no", "Party's Name": "client_name",
         "Pending Amount": "amount", "Due on": "due_date"},
    ),
    "Tally with the opening amount": (  # the bill itself, not what is left of it
        "Date,Ref. No.,Party's Name,Pending Amount,Opening Amount,Due on,Overdue by days",
        {"Date": "invoice_date", "Ref. No.": "invoice_no", "Party's Name": "client_name",
         "Opening Amount": "amount", "Due on": "due_date"},
    ),
    "a ledger with a reference beside the invoice number": (
        "Ref No,Invoice No,Customer Code,Invoice Date,Amount",
        {"Invoice No": "invoice_no", "Customer Code": "client_code",
         "Invoice Date": "invoice_date", "Amount": "amount"},
    ),
    "SAP FBL5N": (
        "Assignment,Document Number,Document Date,Net due date,Amount in doc. curr.,"
        "Document currency,Text",
        {"Document Number": "invoice_no", "Document Date": "invoice_date",
         "Net due date": "due_date", "Amount in doc. curr.": "amount",
         "Document currency": "currency"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("export", LEDGERS)
def test_ledger_exports_map_without_help(export):
    line, expected = LEDGERS[export]
    headers = line.split(",")
    assert {headers[c]: f for c, f in auto_map(headers, "invoices").items()} == expected
    assert detect_kind([headers]) == "invoices"


def test_a_statement_with_a_ref_no_is_still_a_statement():
    headers = ["Date", "Description", "Ref No", "Amount", "Dr / Cr", "Balance"]
    assert detect_kind([headers]) == "receipts"
