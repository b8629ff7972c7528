"""Reports the team sends out: open items today, and (later) aging and the MIS workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlite_utils import Database

from lib.aging import open_items
from lib.exports import Column, write_table
from lib.matching.queries import allocations_for_export

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


ALLOCATION_COLUMNS = (
    Column("payment_reference", "payment_reference", width=24),
    Column("invoice_no", "invoice_no", width=18),
    Column("currency", "currency", width=9),
    Column("applied_amount", "applied_amount", "money", width=16),
    Column("deduction_amount", "deduction_amount", "money", width=16),
    Column("deduction_reason", "deduction_reason", width=30),
    Column("method", "method", width=8),
    Column("rule", "rule", width=20),
    Column("confidence", "confidence", "number", width=10),
    Column("explanation", "explanation", width=60),
)


def export(db: Database, what: str, path: Path, as_of: date | None = None) -> int:
    """Write the report ``what`` (open-items as of ``as_of``, or allocations) to ``path``
    (.csv or .xlsx); return its rows."""
    if what == "open-items":
        if as_of is None:
            raise ValueError("open items need --as-of")
        rows = open_items(db, as_of)
        write_table(path, rows, OPEN_ITEM_COLUMNS, title=f"Open items {as_of.isoformat()}")
    elif what == "allocations":
        rows = allocations_for_export(db)
        write_table(path, rows, ALLOCATION_COLUMNS, title="Allocations")
    else:
        raise ValueError(f"unknown report {what!r}")
    return len(rows)
