"""Balances as of a date: which invoices were open, and by how much, on any day.

An invoice counts when dated on or before ``as_of``; allocations, deductions and write-offs
count when effective on or before it, and a recovery after write-off gives back the part of
the write-off it recovered (its cash is an ordinary allocation). Reversed entries never count
(a reversal corrects a mistake). Functions take ``as_of`` and never read today's date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

SETTLED_AS_OF = """
SELECT invoice_id, SUM(amount) AS settled FROM (
  SELECT invoice_id, amount FROM allocations
   WHERE reversed_at IS NULL AND effective_date <= :as_of
  UNION ALL
  SELECT invoice_id, amount FROM deductions
   WHERE reversed_at IS NULL AND effective_date <= :as_of
  UNION ALL
  SELECT invoice_id, amount FROM write_offs
   WHERE reversed_at IS NULL AND effective_date <= :as_of
  UNION ALL
  SELECT invoice_id, -amount FROM write_off_recoveries
   WHERE reversed_at IS NULL AND effective_date <= :as_of
) GROUP BY invoice_id
"""

OPEN_ITEMS = f"""
WITH settled AS ({SETTLED_AS_OF})
SELECT i.id AS invoice_id, i.invoice_no, c.id AS client_id, c.client_code,
       c.name AS client_name, i.currency, i.invoice_date, i.due_date, i.amount,
       i.amount - COALESCE(s.settled, 0) AS outstanding,
       CAST(julianday(:as_of) - julianday(i.due_date) AS INTEGER) AS days_past_due,
       i.disputed
  FROM invoices i
  JOIN clients c ON c.id = i.client_id
  LEFT JOIN settled s ON s.invoice_id = i.id
 WHERE i.invoice_date <= :as_of AND i.voided_at IS NULL
   AND i.amount - COALESCE(s.settled, 0) > 0
 ORDER BY c.client_code, i.due_date, i.invoice_no
"""


def open_items(db: Database, as_of: date) -> list[dict[str, Any]]:
    """One row per invoice with a balance on ``as_of``: amounts in minor units, with
    ``outstanding`` and ``days_past_due`` (negative while not yet due)."""
    return list(db.query(OPEN_ITEMS, {"as_of": as_of.isoformat()}))


UNAPPLIED = """
SELECT r.currency, COUNT(*) AS receipts, SUM(r.amount - COALESCE(a.applied, 0)) AS unapplied
  FROM receipts r
  LEFT JOIN (SELECT receipt_id, SUM(amount) AS applied FROM allocations
              WHERE reversed_at IS NULL AND effective_date <= :as_of
              GROUP BY receipt_id) a ON a.receipt_id = r.id
 WHERE r.reversed_at IS NULL AND r.value_date <= :as_of
   AND r.amount - COALESCE(a.applied, 0) > 0
 GROUP BY r.currency
"""


def summary(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Per currency on ``as_of``: open receivables, overdue part, open invoice count, and
    receipts not yet applied. Currencies are never added together."""
    figures: dict[str, dict[str, Any]] = {}

    def row(currency: str) -> dict[str, Any]:
        return figures.setdefault(
            currency,
            {
                "currency": currency,
                "open": 0,
                "overdue": 0,
                "open_invoices": 0,
                "overdue_invoices": 0,
                "unapplied": 0,
                "unapplied_receipts": 0,
            },
        )

    for item in open_items(db, as_of):
        target = row(item["currency"])
        target["open"] += item["outstanding"]
        target["open_invoices"] += 1
        if item["days_past_due"] > 0:
            target["overdue"] += item["outstanding"]
            target["overdue_invoices"] += 1
    for line in db.query(UNAPPLIED, {"as_of": as_of.isoformat()}):
        target = row(line["currency"])
        target["unapplied"], target["unapplied_receipts"] = line["unapplied"], line["receipts"]
    return [figures[c] for c in sorted(figures)]
