"""Reports the team sends out: open items, allocations, the aging and the MIS workbook."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlite_utils import Database

from lib.aging import Buckets, aging_items, open_items
from lib.exports import Column, write_table
from lib.matching.queries import allocations_for_export
from lib.reports.report_settings import bucket_limits

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


def aging_columns(buckets: Buckets) -> tuple[Column, ...]:
    """The aging export: one row per open invoice, with its days and bucket, and its
    outstanding again under its bucket's column so a spreadsheet can total each bucket."""
    days = "days_past_due" if buckets.basis == "due" else "days_since_invoice"
    return (
        Column("client_code", "client_code", width=14),
        Column("client_name", "client_name", width=36),
        Column("segment", "segment", width=11),
        Column("owner", "owner", width=11),
        Column("parent_code", "parent_code", width=12),
        Column("invoice_no", "invoice_no", width=18),
        Column("currency", "currency", width=9),
        Column("invoice_date", "invoice_date", width=12),
        Column("due_date", "due_date", width=12),
        Column("days", days, "int", width=12),
        Column("bucket_label", "bucket", width=16),
        Column("amount", "amount", "money", width=16),
        Column("outstanding", "outstanding", "money", width=16),
        Column("disputed", "disputed", "int", width=9),
        *(Column(f"b{n}", label, "money", width=15) for n, label in enumerate(buckets.labels())),
    )


def aging_rows(db: Database, as_of: date, buckets: Buckets) -> list[dict]:
    """The aging export's rows, by client, then due date."""
    rows = aging_items(db, as_of, buckets)
    for row in rows:
        row[f"b{row['bucket']}"] = row["outstanding"]
    return sorted(rows, key=lambda r: (r["client_code"], r["due_date"], r["invoice_no"]))


def export(
    db: Database,
    what: str,
    path: Path,
    as_of: date | None = None,
    basis: str = "due",
    period: tuple[date, date] | None = None,
) -> int:
    """Write the report ``what`` (open-items or aging as of ``as_of``, allocations, or the
    mis workbook, whose collections cover ``period``) to ``path`` (.csv or .xlsx; mis only
    .xlsx); return its rows (for mis, its open invoices)."""
    if what in ("aging", "mis"):
        if as_of is None:
            raise ValueError(f"{what} needs --as-of")
        buckets = Buckets(bucket_limits(db), basis)
        if what == "aging":
            rows = aging_rows(db, as_of, buckets)
            title = f"Aging {as_of.isoformat()}"
            write_table(path, rows, aging_columns(buckets), title=title)
            return len(rows)
        if Path(path).suffix.lower() != ".xlsx":
            raise ValueError(f"{Path(path).name}: the MIS report is an Excel workbook (.xlsx)")
        from lib.reports.mis import Period, build_mis

        stats: dict[str, int] = {}
        chosen = Period(*period) if period else None
        data = build_mis(db, as_of, buckets, chosen, stats=stats)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(data)
        return stats["open_invoices"]
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
