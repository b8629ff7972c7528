"""Receivable totals on a date, cheaply: sums by currency and bucket summed by the database,
without a Python row per invoice, for trends over many dates (DSO, CEI, aging at month ends,
this week against last week). The rules are those of :mod:`lib.aging`: invoices dated on or
before the day, entries effective on or before it, recoveries giving back write-offs, voided
invoices and reversed entries never.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib.aging import Buckets, balances_query


def bucket_totals_at(db: Database, day: date, buckets: Buckets) -> dict[str, list[int]]:
    """Per currency, the outstanding in each bucket on ``day`` (equal to summing
    :func:`lib.aging.aging_items` by bucket, without building them)."""
    sql, params = balances_query(
        "b.currency, {bucket}, SUM(b.outstanding)", day, buckets, clients=False
    )
    width = len(buckets.labels())
    totals: dict[str, list[int]] = {}
    for currency, bucket, amount in db.execute(sql + " GROUP BY 1, 2", params):
        totals.setdefault(currency, [0] * width)[bucket] = amount
    return dict(sorted(totals.items()))


def totals_at(db: Database, day: date) -> dict[str, dict[str, int]]:
    """Per currency on ``day``: ``open`` (all receivables) and ``not_due`` (the current
    part, due on or after ``day``); ``overdue`` is the rest."""
    out = {}
    for currency, parts in bucket_totals_at(db, day, Buckets((0, 1))).items():
        total = sum(parts)
        out[currency] = {"open": total, "not_due": parts[0], "overdue": total - parts[0]}
    return out


SETTLED_BY_DAY = """
SELECT i.currency, MAX(i.invoice_date, x.effective_date) AS day, SUM(x.amount) FROM (
  SELECT invoice_id, amount, effective_date FROM allocations NOT INDEXED
   WHERE reversed_at IS NULL AND effective_date <= :last
  UNION ALL
  SELECT invoice_id, amount, effective_date FROM deductions NOT INDEXED
   WHERE reversed_at IS NULL AND effective_date <= :last
  UNION ALL
  SELECT invoice_id, amount, effective_date FROM write_offs NOT INDEXED
   WHERE reversed_at IS NULL AND effective_date <= :last
  UNION ALL
  SELECT invoice_id, -amount, effective_date FROM write_off_recoveries NOT INDEXED
   WHERE reversed_at IS NULL AND effective_date <= :last
) x JOIN invoices i ON i.id = x.invoice_id
 WHERE i.voided_at IS NULL AND i.invoice_date <= :last
 GROUP BY 1, 2
"""


def invoiced_by_day(db: Database, last: date) -> list[tuple[str, str, int]]:
    """Invoiced amounts per currency and invoice date up to ``last``, voided invoices left
    out: what :func:`open_series` and :func:`sales_by_month` are made of, read once."""
    return db.execute(
        "SELECT currency, invoice_date, SUM(amount) FROM invoices NOT INDEXED"
        " WHERE voided_at IS NULL AND invoice_date <= :last GROUP BY 1, 2",
        {"last": last.isoformat()},
    ).fetchall()


def open_series(
    db: Database, points: Iterable[date], invoiced: list[tuple[str, str, int]] | None = None
) -> dict[date, dict[str, int]]:
    """Open receivables per currency at each of ``points``, in one pass over the ledger
    (``invoiced``: :func:`invoiced_by_day` up to the last point, if already read).

    An entry counts on a day when both it and its invoice are dated on or before the day,
    that is when the later of the two dates is; and no invoice is ever settled beyond its
    amount, so the open total is what was invoiced less what was settled by then."""
    days = sorted(set(points))
    if not days:
        return {}
    params = {"last": days[-1].isoformat()}
    moves: dict[str, list[tuple[str, int]]] = {}
    if invoiced is None:
        invoiced = invoiced_by_day(db, days[-1])
    for currency, day, amount in invoiced:
        moves.setdefault(currency, []).append((day, amount))
    for currency, day, amount in db.execute(SETTLED_BY_DAY, params):
        moves.setdefault(currency, []).append((day, -amount))
    out: dict[date, dict[str, int]] = {day: {} for day in days}
    for currency, changes in moves.items():
        changes.sort()
        running, k = 0, 0
        for day in days:
            while k < len(changes) and changes[k][0] <= day.isoformat():
                running += changes[k][1]
                k += 1
            if running:
                out[day][currency] = running
    return out


def sales_by_month(
    db: Database, as_of: date, invoiced: list[tuple[str, str, int]] | None = None
) -> dict[str, dict[str, int]]:
    """Credit sales (invoiced amounts) per currency and month ``'YYYY-MM'``, up to
    ``as_of``: what DSO and CEI count as sales (``invoiced`` as for :func:`open_series`)."""
    out: dict[str, dict[str, int]] = {}
    if invoiced is None:
        invoiced = invoiced_by_day(db, as_of)
    last = as_of.isoformat()
    for currency, day, amount in invoiced:
        if day <= last:
            months = out.setdefault(currency, {})
            months[day[:7]] = months.get(day[:7], 0) + amount
    return out


def sales_between(db: Database, first: date, last: date) -> dict[str, int]:
    """Credit sales per currency for invoices dated ``first`` to ``last`` inclusive."""
    return {
        currency: amount
        for currency, amount in db.execute(
            "SELECT currency, SUM(amount) FROM invoices WHERE invoice_date BETWEEN ? AND ?"
            " AND voided_at IS NULL GROUP BY 1",
            [first.isoformat(), last.isoformat()],
        )
    }


_OUTSTANDING_ONE = """
SELECT i.id, i.currency, i.amount
  - COALESCE((SELECT SUM(amount) FROM allocations a WHERE a.invoice_id = i.id
              AND a.reversed_at IS NULL AND a.effective_date <= :day), 0)
  - COALESCE((SELECT SUM(amount) FROM deductions d WHERE d.invoice_id = i.id
              AND d.reversed_at IS NULL AND d.effective_date <= :day), 0)
  - COALESCE((SELECT SUM(amount) FROM write_offs w WHERE w.invoice_id = i.id
              AND w.reversed_at IS NULL AND w.effective_date <= :day), 0)
  + COALESCE((SELECT SUM(amount) FROM write_off_recoveries v WHERE v.invoice_id = i.id
              AND v.reversed_at IS NULL AND v.effective_date <= :day), 0)
  FROM invoices i WHERE i.id IN ({marks}) AND i.invoice_date <= :day AND i.voided_at IS NULL
"""


def outstanding_of(db: Database, invoice_ids: Iterable[int], day: date) -> dict[int, int]:
    """What each of a few invoices owed on ``day`` (index lookups; for cases, promises)."""
    ids = sorted(set(invoice_ids))
    out: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        params: dict[str, Any] = {f"i{n}": v for n, v in enumerate(part)}
        params["day"] = day.isoformat()
        marks = ", ".join(f":i{n}" for n in range(len(part)))
        for invoice_id, _currency, left in db.execute(_OUTSTANDING_ONE.format(marks=marks), params):
            out[invoice_id] = left
    return out


VERSION_TABLES = (
    "invoices", "receipts", "allocations", "deductions", "write_offs", "write_off_recoveries",
    "clients", "imports", "audit_log", "promises", "follow_ups", "cases", "case_stages",
    "fx_rates",
)  # fmt: skip


def ledger_version(db: Database) -> tuple[int, ...]:
    """A cheap fingerprint of the ledger: the newest row of each table reports read, and
    of the audit log (every change through Kaishu, reversals and edits included, writes
    one). Reports cached under it are recomputed as soon as anything changes."""
    parts = ", ".join(f"(SELECT COALESCE(MAX(rowid), 0) FROM {t})" for t in VERSION_TABLES)
    return tuple(db.execute(f"SELECT {parts}").fetchone())
