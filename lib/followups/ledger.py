"""What the follow-up work reads from the ledger: open items per client or for everyone.

Same rules as :mod:`lib.aging` (invoices dated up to ``as_of``; allocations, deductions and
write-offs effective up to it; reversals and voided invoices never count). The one-client form
uses per-invoice lookups on the ``(invoice_id, effective_date)`` index, so logging a call
stays fast on a large ledger.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

from lib.aging import SETTLED_ONE

CLIENT_OPEN = f"""
SELECT * FROM (
  SELECT i.id AS invoice_id, i.invoice_no, i.client_id, i.currency, i.invoice_date,
         i.due_date, i.amount, i.amount - ({SETTLED_ONE}) AS outstanding,
         CAST(julianday(:as_of) - julianday(i.due_date) AS INTEGER) AS days_past_due,
         i.disputed, i.dispute_reason, i.sent_date, i.sent_channel
    FROM invoices i
   WHERE i.client_id = :client AND i.invoice_date <= :as_of AND i.voided_at IS NULL
) WHERE outstanding > 0
ORDER BY due_date, invoice_no
"""


def client_open_items(db: Database, client_id: int, as_of: date) -> list[dict[str, Any]]:
    """The client's invoices with a balance on ``as_of``, oldest due first, with
    ``outstanding``, ``days_past_due`` (negative while not yet due) and the dispute flag."""
    return list(db.query(CLIENT_OPEN, {"client": client_id, "as_of": as_of.isoformat()}))


def overdue(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items past their due date."""
    return [i for i in items if i["days_past_due"] > 0]
