"""Balances as of a date: which invoices were open, and by how much, on any day.

An invoice counts when dated on or before ``as_of``; allocations, deductions and write-offs
count when effective on or before it. Reversed entries never count (a reversal corrects a
mistake). Functions take ``as_of`` and never read today's date.
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
