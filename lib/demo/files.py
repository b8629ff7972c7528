"""The demo ledger as the files the team receives: master data, ledger, bank and card exports."""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from lib.demo.dates import era_text
from lib.demo.records import ACCOUNTS
from lib.demo.refs import hdfc_ref_column
from lib.money import group_digits, to_units, units_text

if TYPE_CHECKING:
    from lib.demo import DemoLedger

CLIENT_HEADER = (
    "Customer Code", "Customer Name", "Furigana", "Segment", "Owner", "Email", "Phone", "Currency",
    "Payment Terms (days)", "Head Office Code",
)  # fmt: skip
INVOICE_HEADER = (
    "Invoice No", "Customer Code", "Customer Name", "Invoice Date", "Due Date", "Amount", "Tax",
    "Currency", "Disputed",
)  # fmt: skip
MUFG_HEADER = ("取引日", "摘要", "振込依頼人名", "出金額", "入金額", "残高", "照会番号")
HDFC_HEADER = (
    "Date", "Narration", "Chq./Ref.No.", "Value Dt", "Withdrawal Amt.", "Deposit Amt.",
    "Closing Balance",
)  # fmt: skip
CARD_HEADER = (
    "Transaction ID", "Payout Date", "Customer", "Invoice Ref", "Gross Amount", "Fee",
    "Net Amount", "Currency",
)  # fmt: skip
_W3CDTF = re.compile(r">\d{4}-\d\d-\d\dT[\d:.]+Z<")
MUFG_ACCOUNT_NO = "普通 1234567"
HDFC_ACCOUNT_NO = "50200012345678"
HDFC_LOW_BALANCE = 25_00_000_00  # the INR account never dips below ₹25 lakh


def write_files(ledger: DemoLedger) -> dict[str, bytes]:
    """Render the ledger as ``{file name: bytes}`` for the importers.

    ``clients.xlsx`` and ``invoices.xlsx`` (master data and the invoice ledger),
    ``mufg_jpy.csv`` (CP932 internet-banking export of the JPY account), ``hdfc_inr.xlsx``
    (HDFC statement of the INR account) and ``card_payouts.csv`` (card processor payouts in
    both currencies). Each bank file holds only its own account's lines, debits included.
    """
    return {
        "clients.xlsx": clients_xlsx(ledger),
        "invoices.xlsx": invoices_xlsx(ledger),
        "mufg_jpy.csv": mufg_csv(ledger),
        "hdfc_inr.xlsx": hdfc_xlsx(ledger),
        "card_payouts.csv": card_csv(ledger),
    }


def _xlsx(title: str, rows: Iterable[list[Any]], stamp: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for row in rows:
        sheet.append(row)
    return _saved(book, stamp)


def _saved(book: Workbook, stamp: str) -> bytes:
    """The workbook's bytes with its save times set to ``stamp``.

    The same ledger then always gives the same bytes, so an importer that recognises files
    by their hash sees a second import of the demo as a repeat.
    """
    out = io.BytesIO()
    book.save(out)
    fixed = io.BytesIO()
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _W3CDTF.sub(f">{stamp}T00:00:00Z<", data.decode()).encode()
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            dst.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    return fixed.getvalue()


def clients_xlsx(ledger: DemoLedger) -> bytes:
    """Client master: one row per client under ``CLIENT_HEADER``."""
    keys = ("client_code", "name", "name_kana", "segment", "owner", "email", "phone", "currency")
    rows: list[list[Any]] = [list(CLIENT_HEADER)]
    for client in ledger.clients:
        rows.append([client[k] for k in keys] + [client["terms"], client["parent_code"]])
    return _xlsx("Customers", rows, ledger.as_of)


def invoices_xlsx(ledger: DemoLedger) -> bytes:
    """Invoice ledger: two title rows and a blank row above ``INVOICE_HEADER``.

    Dates are real date cells; Amount and Tax are numbers in currency units (INR with two
    decimals); the numeric invoice series keeps its leading zeros as text.
    """
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Invoices")
    start, end = ledger.period_start, ledger.as_of
    for row in (
        ["Invoice ledger — demo company"],
        [f"Period: {start} to {end}"],
        [],
        INVOICE_HEADER,
    ):
        sheet.append(list(row))
    for inv in ledger.invoices:
        code = inv["currency"]
        fmt = "#,##0.00" if code == "INR" else "#,##0"
        sheet.append(
            [
                inv["invoice_no"],
                inv["client_code"],
                inv["client_name"],
                date.fromisoformat(inv["invoice_date"]),
                date.fromisoformat(inv["due_date"]),
                _number_cell(sheet, to_units(inv["amount"], code), fmt),
                _number_cell(sheet, to_units(inv["tax"], code), fmt),
                code,
                "Yes" if inv["disputed"] else "No",
            ]
        )
    return _saved(book, ledger.as_of)


def _number_cell(sheet: Any, value: Any, fmt: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def _statement_lines(ledger: DemoLedger, account: str) -> list[tuple[dict, bool]]:
    """(row, is_credit) for one account in date order; credits before debits on a day."""
    lines = [(r, True) for r in ledger.receipts if r["account"] == account]
    lines += [(d, False) for d in ledger.debits if d["account"] == account]
    lines.sort(key=lambda line: (line[0]["date"], not line[1]))
    return lines


def _balances(lines: list[tuple[dict, bool]], base: int) -> list[int]:
    """Running balances from an opening balance high enough never to go below ``base``."""
    running, lowest, moves = 0, 0, []
    for row, credit in lines:
        running += row["amount"] if credit else -row["amount"]
        lowest = min(lowest, running)
        moves.append(running)
    opening = base - lowest
    return [opening + move for move in moves]


def mufg_csv(ledger: DemoLedger) -> bytes:
    """The JPY account as a CP932 internet-banking CSV (title rows, then ``MUFG_HEADER``).

    Dates are ``YYYY/MM/DD`` with a few in the Reiwa form ``R7.12.1``; amounts and balances
    are text with thousands commas; a debit has 出金額 and an empty 入金額.
    """
    rng = random.Random(ledger.seed)  # only for cosmetic choices such as the date form
    start, end = date.fromisoformat(ledger.period_start), date.fromisoformat(ledger.as_of)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["口座番号", MUFG_ACCOUNT_NO])
    writer.writerow(["照会期間", f"{start:%Y/%m/%d}～{end:%Y/%m/%d}"])
    writer.writerow(MUFG_HEADER)
    lines = _statement_lines(ledger, ACCOUNTS["JPY"])
    for (row, credit), balance in zip(lines, _balances(lines, 3_000_000), strict=True):
        day = date.fromisoformat(row["date"])
        shown = era_text(day) if rng.random() < 0.03 else f"{day:%Y/%m/%d}"
        amount = f"{row['amount']:,}"
        writer.writerow(
            [
                shown,
                row["memo"],
                row["payer_name"] if credit else row["payee"],
                "" if credit else amount,
                amount if credit else "",
                f"{balance:,}",
                row["reference"] or "",
            ]
        )
    return out.getvalue().encode("cp932")


def _inr_text(paise: int) -> str:
    whole, frac = divmod(paise, 100)
    return f"{group_digits(whole, 'INR')}.{frac:02d}"


def hdfc_xlsx(ledger: DemoLedger) -> bytes:
    """The INR account as an HDFC statement: title rows, then ``HDFC_HEADER``.

    Every cell is text: dates ``DD/MM/YY``, amounts with lakh grouping (``1,23,456.78``).
    Chq./Ref.No. is often the ``0000000000000000`` placeholder on NEFT credits, whose UTR is
    then only in the narration.
    """
    start, end = date.fromisoformat(ledger.period_start), date.fromisoformat(ledger.as_of)
    rows: list[list[Any]] = [
        ["HDFC BANK Ltd."],
        [f"Account No : {HDFC_ACCOUNT_NO}"],
        [f"Statement From : {start:%d/%m/%Y} To : {end:%d/%m/%Y}"],
        [],
        list(HDFC_HEADER),
        ["*" * 8] * len(HDFC_HEADER),
    ]
    lines = _statement_lines(ledger, ACCOUNTS["INR"])
    balances = _balances(lines, HDFC_LOW_BALANCE)
    for (row, credit), balance in zip(lines, balances, strict=True):
        shown = f"{date.fromisoformat(row['date']):%d/%m/%y}"
        amount = _inr_text(row["amount"])
        ref = hdfc_ref_column(row["reference"], row["memo"]) if credit else "0000000000000000"
        rows.append(
            [
                shown,
                row["memo"],
                ref,
                shown,
                None if credit else amount,
                amount if credit else None,
                _inr_text(balance),
            ]
        )
    rows += _hdfc_summary(lines, balances, ledger.as_of)
    return _xlsx("Statement", rows, ledger.as_of)


def _hdfc_summary(lines: list[tuple[dict, bool]], balances: list[int], as_of: str) -> list[list]:
    # The block HDFC prints below the last line, which the import leaves out.
    credits = [row["amount"] for row, credit in lines if credit]
    debits = [row["amount"] for row, credit in lines if not credit]
    net = sum(credits) - sum(debits)
    closing = balances[-1] if balances else HDFC_LOW_BALANCE
    return [
        [],
        ["*" * 8] * len(HDFC_HEADER),
        ["STATEMENT SUMMARY  :-"],
        ["Opening Balance", "Dr Count", "Cr Count", "Debits", "Credits", "Closing Bal"],
        [_inr_text(closing - net), str(len(debits)), str(len(credits)),
         _inr_text(sum(debits)), _inr_text(sum(credits)), _inr_text(closing)],
        [f"Generated On: {date.fromisoformat(as_of):%d/%m/%Y}", None, "Generated By: NETBANK"],
        ["This is a computer generated statement and does not require signature."],
    ]  # fmt: skip


def card_csv(ledger: DemoLedger) -> bytes:
    """Card processor payouts (UTF-8) under ``CARD_HEADER``; amounts in currency units."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CARD_HEADER)
    for row in ledger.receipts:
        if row["channel"] != "card":
            continue
        code = row["currency"]
        writer.writerow(
            [
                row["reference"],
                row["date"],
                row["payer_name"],
                row["memo"],
                units_text(row["amount"] + row["fee"], code),
                units_text(row["fee"], code),
                units_text(row["amount"], code),
                code,
            ]
        )
    return out.getvalue().encode("utf-8")
