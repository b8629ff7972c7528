"""Reports the team sends out: open items today, and (later) aging and the MIS workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlite_utils import Database

from lib.aging import open_items
from lib.exports import Column, write_table

OPEN_ITEM_COLUMNS = (
    Column("invoice_no", "invoice_no", width=18),
    Column("client_code", "client_code", width=14),
    Column("client_name", "client_name", width=36),
    Column("currency", "currency", width=9),
    Column("invoice_date", "invoice_date", width=12),
    Column("due_date", "due_date", width=12),
    Column("amount", "amount", "money", width=16),
    Column("outstanding", "outstanding", "money", width=16),
    Column("days_past_due", "days_past_due", "int", width=14),
)


def export(db: Database, what: str, path: Path, as_of: date) -> int:
    """Write the report ``what`` as of ``as_of`` to ``path`` (.csv or .xlsx); return its rows."""
    if what != "open-items":
        raise ValueError(f"unknown report {what!r}")
    rows = open_items(db, as_of)
    write_table(path, rows, OPEN_ITEM_COLUMNS, title=f"Open items {as_of.isoformat()}")
    return len(rows)
