"""The bad-debt report: what was written off in a period, why, on whose approval, and what
has been recovered since.

One row per write-off standing (reversed ones are corrections and leave the report), with the
period on the write-off's effective date. Money stays per currency; the export writes
currency units and neutralises formula-like text (:mod:`lib.exports`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from lib.exports import Column, write_csv, write_xlsx

REPORT = """
SELECT w.id, w.effective_date, c.client_code, c.name AS client_name, i.invoice_no,
       i.invoice_date, i.due_date, i.currency, i.amount AS invoice_amount,
       w.amount AS written_off, w.reason, w.approved_by, w.approval_ref, k.case_no,
       COALESCE((SELECT SUM(v.amount) FROM write_off_recoveries v WHERE v.write_off_id = w.id
                  AND v.reversed_at IS NULL AND v.effective_date <= :as_of), 0) AS recovered
  FROM write_offs w JOIN invoices i ON i.id = w.invoice_id JOIN clients c ON c.id = i.client_id
  LEFT JOIN cases k ON k.id = w.case_id
 WHERE w.reversed_at IS NULL AND w.effective_date BETWEEN :start AND :end {client}
 ORDER BY w.effective_date, c.client_code, i.invoice_no
"""
COLUMNS = (
    Column("effective_date", "Written off on", width=14),
    Column("client_code", "Client code", width=12),
    Column("client_name", "Client", width=34),
    Column("invoice_no", "Invoice", width=18),
    Column("due_date", "Due date", width=12),
    Column("currency", "Currency", width=9),
    Column("invoice_amount", "Invoice amount", "money", width=16),
    Column("written_off", "Written off", "money", width=16),
    Column("reason", "Reason", width=40),
    Column("approved_by", "Approved by", width=14),
    Column("approval_ref", "Approval ref", width=18),
    Column("case_no", "Case", width=14),
    Column("recovered", "Recovered since", "money", width=16),
    Column("net", "Net bad debt", "money", width=16),
)


def bad_debts(
    db: Database, start: date, end: date, as_of: date, client_code: str = ""
) -> list[dict[str, Any]]:
    """Write-offs effective from ``start`` to ``end`` (inclusive) with what was recovered by
    ``as_of`` and the net; ``client_code`` narrows to one client."""
    if end < start:
        raise ValueError("the period ends before it starts")
    params = {"start": start.isoformat(), "end": end.isoformat(), "as_of": as_of.isoformat()}
    scope = ""
    if client_code.strip():
        scope = "AND c.client_code = :code"
        params["code"] = client_code.strip()
    rows = list(db.query(REPORT.format(client=scope), params))
    for row in rows:
        row["net"] = row["written_off"] - row["recovered"]
    return rows


def totals(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Written off, recovered and net per currency."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        t = out.setdefault(row["currency"], {"written_off": 0, "recovered": 0, "net": 0})
        for key in t:
            t[key] += row[key]
    return dict(sorted(out.items()))


def report_bytes(rows: list[dict[str, Any]], kind: str, start: date, end: date) -> bytes:
    """The report as .xlsx or .csv bytes."""
    if kind == "csv":
        return write_csv(rows, COLUMNS)
    return write_xlsx(rows, COLUMNS, title=f"Bad debts {start.isoformat()} {end.isoformat()}")


def export(db: Database, path: Path, start: date, end: date, as_of: date) -> int:
    """Write the report for the period to ``path`` (.csv or .xlsx); returns its rows."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"{Path(path).name}: export to .csv or .xlsx")
    rows = bad_debts(db, start, end, as_of)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(report_bytes(rows, suffix[1:], start, end))
    return len(rows)
