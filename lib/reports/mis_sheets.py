"""The MIS workbook's table sheets: aging by client, open items, and the detail sheets.

Each sheet is a title line, a frozen heading row with an autofilter, the rows, and one
totals row per currency (SUMIF formulas). Each writer returns the totals' cell addresses
per currency, for the Summary to refer to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlite_utils import Database

from lib.aging import BASES, Buckets
from lib.reports.mis_data import (
    case_rows,
    collection_rows,
    dispute_rows,
    promise_rows,
    write_off_rows,
)
from lib.reports.periods import dmy
from lib.reports.workbook import Col, TableSheet, Written

SHEET_NAMES = {
    "summary": "Summary",
    "aging": "Aging by client",
    "items": "Open items",
    "collections": "Collections",
    "promises": "Promises",
    "disputes": "Disputes",
    "cases": "Recovery cases",
    "write_offs": "Write-offs",
}
DETAIL_SHEETS = ("collections", "promises", "disputes", "cases", "write_offs")


def _sheet(book: Workbook, name: str, columns: list[Col], freeze: str = "A4") -> TableSheet:
    # Row 1 is the title, row 2 a note, row 3 the headings: freeze everything above row 4.
    sheet = TableSheet(book.create_sheet(SHEET_NAMES[name]), [c.width for c in columns], freeze)
    book.kaishu_fast_sheets.append(sheet.fast)  # lib.reports.mis puts their rows in when saving
    return sheet


def write_aging(
    book: Workbook, table: list[dict], buckets: Buckets, currencies: list[str], as_of: date
) -> Written:
    """One row per client and currency, a column per bucket and a SUM per row."""
    labels = buckets.labels()
    bucket_cols = [Col(f"b{n}", label, "money", 15) for n, label in enumerate(labels)]
    first, last = "G", get_column_letter(6 + len(labels))
    columns = [
        Col("group", "Client code", width=13),
        Col("client_name", "Client", width=34),
        Col("segment", "Segment", width=11),
        Col("owner", "Owner", width=11),
        Col("parent_code", "Parent group", width=13),
        Col("currency", "Currency", width=9),
        *bucket_cols,
        Col(f"=SUM({first}{{r}}:{last}{{r}})", "Total", "formula", 17),
        Col("invoices", "Invoices", "int", 9),
    ]
    sheet = _sheet(book, "aging", columns, "C4")
    sheet.title(
        f"Aging by client as of {dmy(as_of)} · {BASES[buckets.basis].lower()}",
        "One row per client and currency. Totals per currency are SUMIF formulas.",
    )
    rows = table
    keys = [c.key for c in bucket_cols] + [columns[-2].key, "invoices"]
    written = sheet.table(columns, rows, totals=keys, currencies=currencies)
    for currency in written.totals:
        written.totals[currency]["total"] = written.totals[currency].pop(columns[-2].key)
    return written


def write_items(
    book: Workbook, items: list[dict], buckets: Buckets, currencies: list[str], as_of: date
) -> Written:
    """Every open invoice with its days and bucket."""
    columns = [
        Col("invoice_no", "Invoice", width=16),
        Col("client_code", "Client code", width=13),
        Col("client_name", "Client", width=34),
        Col("owner", "Owner", width=11),
        Col("currency", "Currency", width=9),
        Col("invoice_date", "Invoice date", "date", 12),
        Col("due_date", "Due date", "date", 12),
        Col("days_past_due", "Days past due", "int", 10),
        Col("bucket_label", "Bucket", width=16),
        Col("amount", "Invoice amount", "money", 16),
        Col("outstanding", "Outstanding", "money", 16),
        Col("disputed_text", "Disputed", width=9),
    ]
    sheet = _sheet(book, "items", columns)
    sheet.title(f"Open items as of {dmy(as_of)}", "Amounts in each invoice's own currency.")
    rows = ({**i, "disputed_text": "Yes" if i["disputed"] else ""} for i in items)
    return sheet.table(columns, rows, totals=("amount", "outstanding"), currencies=currencies)


def _collections(db: Database, as_of: date, period: Any, outstanding: dict) -> tuple:
    columns = [
        Col("day", "Date", "date", 12),
        Col("month", "Month", width=9),
        Col("client_code", "Client code", width=13),
        Col("client_name", "Client", width=34),
        Col("owner", "Owner", width=11),
        Col("currency", "Currency", width=9),
        Col("invoice_no", "Invoice", width=16),
        Col("kind", "Applied / on account", width=14),
        Col("amount", "Amount", "money", 16),
        Col("reference", "Receipt reference", width=24),
        Col("channel", "Channel", width=8),
    ]
    rows = collection_rows(db, period.first, period.last, as_of)
    note = f"Cash collected {dmy(period.first)} – {dmy(period.last)}: applied and on account."
    return columns, rows, ("amount",), note


def _promises(db: Database, as_of: date, period: Any, outstanding: dict) -> tuple:
    columns = [
        Col("promised_on", "Made on", "date", 12),
        Col("client_code", "Client code", width=13),
        Col("client_name", "Client", width=30),
        Col("owner", "Owner", width=11),
        Col("currency", "Currency", width=9),
        Col("amount", "Promised", "money", 16),
        Col("instalments", "Instalments", "int", 11),
        Col("due_on", "Last due", "date", 12),
        Col("state", "State", width=12),
        Col("paid", "Paid", "money", 16),
        Col("text", "How it stands", width=44),
        Col("by", "Logged by", width=11),
    ]
    rows = promise_rows(db, as_of, period.first)
    return columns, rows, ("amount", "paid"), f"Made since {dmy(period.first)}, or still pending."


def _disputes(db: Database, as_of: date, period: Any, outstanding: dict) -> tuple:
    columns = [
        Col("invoice_no", "Invoice", width=16),
        Col("client_code", "Client code", width=13),
        Col("client_name", "Client", width=30),
        Col("owner", "Owner", width=11),
        Col("currency", "Currency", width=9),
        Col("amount", "Invoice amount", "money", 16),
        Col("outstanding", "Outstanding", "money", 16),
        Col("reason", "Reason", width=18),
        Col("note", "Note", width=36),
        Col("opened_on", "Opened on", "date", 12),
        Col("days_open", "Days open", "int", 9),
        Col("status", "Status", width=10),
        Col("resolution", "Resolution", width=26),
        Col("resolved_on", "Resolved on", "date", 12),
    ]
    rows = dispute_rows(db, as_of, period.first, outstanding)
    return columns, rows, ("outstanding",), f"Open, or resolved since {dmy(period.first)}."


def _cases(db: Database, as_of: date, period: Any, outstanding: dict) -> tuple:
    columns = [
        Col("case_no", "Case", width=14),
        Col("client_code", "Client code", width=13),
        Col("client_name", "Client", width=30),
        Col("stage", "Stage", width=24),
        Col("opened_on", "Opened on", "date", 12),
        Col("closed_on", "Closed on", "date", 12),
        Col("status", "Status", width=9),
        Col("assignee", "Assignee", width=11),
        Col("priority", "Priority", width=9),
        Col("currency", "Currency", width=9),
        Col("outstanding", "Still owed", "money", 16),
        Col("invoices", "Invoices", width=40),
    ]
    rows = case_rows(db, as_of, period.first)
    return columns, rows, ("outstanding",), f"Open, or closed since {dmy(period.first)}."


def _write_offs(db: Database, as_of: date, period: Any, outstanding: dict) -> tuple:
    columns = [
        Col("effective_date", "Date", "date", 12),
        Col("invoice_no", "Invoice", width=16),
        Col("client_code", "Client code", width=13),
        Col("client_name", "Client", width=30),
        Col("currency", "Currency", width=9),
        Col("amount", "Written off", "money", 16),
        Col("recovered", "Recovered since", "money", 16),
        Col("net", "Net written off", "money", 16),
        Col("reason", "Reason", width=36),
        Col("approved_by", "Approved by", width=12),
        Col("approval_ref", "Approval reference", width=18),
        Col("case_no", "Case", width=14),
    ]
    rows = write_off_rows(db, as_of, period.first)
    totals = ("amount", "recovered", "net")
    return columns, rows, totals, f"Effective {dmy(period.first)} – {dmy(as_of)}."


DETAILS: dict[str, Callable[..., tuple]] = {
    "collections": _collections,
    "promises": _promises,
    "disputes": _disputes,
    "cases": _cases,
    "write_offs": _write_offs,
}


def write_detail(
    book: Workbook, name: str, db: Database, as_of: date, period: Any, outstanding: dict
) -> Written:
    """One of the detail sheets (see :data:`DETAIL_SHEETS`)."""
    columns, rows, totals, note = DETAILS[name](db, as_of, period, outstanding)
    rows = list(rows)
    currencies = sorted({r["currency"] for r in rows if r.get("currency")})
    sheet = _sheet(book, name, columns)
    sheet.title(SHEET_NAMES[name], note if rows else note + " Nothing to show.")
    return sheet.table(columns, rows, totals=totals, currencies=currencies)
