"""Balances as of a date: which invoices were open, and by how much, on any day.

An invoice counts when dated on or before ``as_of``; allocations, deductions and write-offs
count when effective on or before it, and a recovery after write-off gives back the part of
the write-off it recovered (its cash is an ordinary allocation). Reversed entries never count
(a reversal corrects a mistake). Functions take ``as_of`` and never read today's date.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
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


# Aging by bucket (issue 7): the same balances, bucketed by days past due or days since the
# invoice date, grouped the way the lead asks for them in the meeting.

DEFAULT_LIMITS: tuple[int, ...] = (0, 30, 60, 90, 180)
MAX_LIMIT_DAYS = 3650
BASES = {"due": "Days past due", "invoice": "Days since the invoice date"}
GROUPS = {
    "client": "Client",
    "segment": "Segment",
    "owner": "Owner",
    "currency": "Currency",
    "parent": "Parent group",
}
NO_OWNER = "No owner"


def check_limits(limits: Sequence[int]) -> tuple[int, ...]:
    """Bucket upper limits in days, checked: whole days, rising, at most 10; 0 (not yet due)
    is always the first limit. Raises ValueError saying what is wrong."""
    days = list(limits)
    if any(not isinstance(x, int) or isinstance(x, bool) for x in days):
        raise ValueError("bucket limits are whole numbers of days")
    if any(b <= a for a, b in zip(days, days[1:], strict=False)):
        raise ValueError("bucket limits must rise, each one larger than the one before")
    if days and (days[0] < 0 or days[-1] > MAX_LIMIT_DAYS):
        raise ValueError(f"bucket limits are between 0 and {MAX_LIMIT_DAYS} days")
    if not days or days[0] != 0:
        days.insert(0, 0)
    if len(days) < 2:
        raise ValueError("give at least one limit after 'not due', e.g. 30")
    if len(days) > 10:
        raise ValueError("at most 10 bucket limits")
    return tuple(days)


@dataclass(frozen=True)
class Buckets:
    """Aging buckets: upper limits in days (the lead's setting) and the basis they count
    from. With the due-date basis the first bucket is "Not due"; with the invoice-date basis
    every invoice is at least 0 days old, so the buckets read "0–30 days old" and so on."""

    limits: tuple[int, ...] = DEFAULT_LIMITS
    basis: str = "due"

    def __post_init__(self) -> None:
        if self.basis not in BASES:
            raise ValueError(f"basis is 'due' or 'invoice', not {self.basis!r}")
        object.__setattr__(self, "limits", check_limits(self.limits))

    @property
    def edges(self) -> tuple[int, ...]:
        return self.limits if self.basis == "due" else self.limits[1:]

    def labels(self) -> list[str]:
        """The bucket names in order, e.g. Not due, 1–30 days, …, Over 180 days."""
        edges, old = self.edges, " old" if self.basis == "invoice" else ""
        labels = ["Not due"] if self.basis == "due" else [f"0–{edges[0]} days{old}"]
        for low, high in zip(edges, edges[1:], strict=False):
            labels.append(f"{low + 1}–{high} days{old}")
        return [*labels, f"Over {edges[-1]} days{old}"]

    def index(self, days: int) -> int:
        """The bucket an invoice falls in, by its days past due (or its age)."""
        return bisect_left(self.edges, days)

    def days(self, item: dict[str, Any]) -> int:
        """The days an open item counts with on this basis."""
        return item["days_past_due"] if self.basis == "due" else item["days_old"]


# The balances of every open invoice in one pass: the invoice amount and its settling entries
# as one stream, summed per invoice. Full scans (NOT INDEXED) beat the effective-date index
# here, because aging reads nearly every row; this is what keeps 100,000 invoices under 1 s.
OPEN_BALANCES = """
SELECT invoice_id, SUM(amount) AS outstanding FROM (
  SELECT id AS invoice_id, amount, 1 AS is_invoice FROM invoices NOT INDEXED
   WHERE invoice_date <= :as_of AND voided_at IS NULL
  UNION ALL
  SELECT invoice_id, -amount, 0 FROM allocations NOT INDEXED
   WHERE reversed_at IS NULL AND effective_date <= :as_of
  UNION ALL
  SELECT invoice_id, -amount, 0 FROM deductions NOT INDEXED
   WHERE reversed_at IS NULL AND effective_date <= :as_of
  UNION ALL
  SELECT invoice_id, -amount, 0 FROM write_offs NOT INDEXED
   WHERE reversed_at IS NULL AND effective_date <= :as_of
  UNION ALL
  SELECT invoice_id, amount, 0 FROM write_off_recoveries NOT INDEXED
   WHERE reversed_at IS NULL AND effective_date <= :as_of
) GROUP BY invoice_id HAVING MAX(is_invoice) = 1 AND SUM(amount) > 0
"""

AGING_ITEMS = f"""
WITH open AS ({OPEN_BALANCES})
SELECT i.id, i.invoice_no, i.client_id, i.currency, i.invoice_date, i.due_date, i.amount,
       o.outstanding, CAST(julianday(:as_of) - julianday(i.due_date) AS INTEGER),
       CAST(julianday(:as_of) - julianday(i.invoice_date) AS INTEGER), i.disputed
  FROM open o JOIN invoices i ON i.id = o.invoice_id
"""
_ITEM_KEYS = (
    "invoice_id", "invoice_no", "client_id", "currency", "invoice_date", "due_date", "amount",
    "outstanding", "days_past_due", "days_old", "disputed",
)  # fmt: skip
CLIENT_FIELDS = """
SELECT c.id, c.client_code, c.name, c.segment, COALESCE(c.owner, ''), p.client_code, p.name
  FROM clients c LEFT JOIN clients p ON p.id = c.parent_id
"""
_CLIENT_KEYS = (
    "client_code", "client_name", "segment", "owner", "parent_code", "parent_name",
)  # fmt: skip


def aging_items(db: Database, as_of: date, buckets: Buckets) -> list[dict[str, Any]]:
    """The open items of :func:`open_items` with the client's segment, owner and parent
    group, the days on the chosen basis and the bucket (``bucket`` index, ``bucket_label``).
    Unordered: callers sort what they show."""
    clients = {
        row[0]: dict(zip(_CLIENT_KEYS, row[1:], strict=True)) for row in db.execute(CLIENT_FIELDS)
    }
    labels = buckets.labels()
    index, due = buckets.index, buckets.basis == "due"
    items = []
    for values in db.execute(AGING_ITEMS, {"as_of": as_of.isoformat()}):
        item = dict(zip(_ITEM_KEYS, values, strict=True))
        item.update(clients[item["client_id"]])
        days = item["days_past_due"] if due else item["days_old"]
        item["days"], item["bucket"] = days, index(days)
        item["bucket_label"] = labels[item["bucket"]]
        items.append(item)
    return items


@dataclass(frozen=True)
class Filters:
    """What the lead narrowed the aging to; empty means everything."""

    currency: str = ""
    segment: str = ""
    owner: str = ""
    client: str = ""  # a client code, or a parent group's code with by=parent

    def apply(self, items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """The items these filters keep."""
        return [
            i
            for i in items
            if (not self.currency or i["currency"] == self.currency)
            and (not self.segment or i["segment"] == self.segment)
            and (not self.owner or (i["owner"] or NO_OWNER) == self.owner)
            and (not self.client or self.client in (i["client_code"], i["parent_code"]))
        ]


def group_of(item: dict[str, Any], by: str) -> tuple[str, str]:
    """The group an item belongs to when aging is grouped ``by``: (key, label)."""
    if by == "client":
        return item["client_code"], f"{item['client_code']} {item['client_name']}"
    if by == "segment":
        return item["segment"], item["segment"].title()
    if by == "owner":
        return item["owner"] or NO_OWNER, item["owner"] or NO_OWNER
    if by == "currency":
        return item["currency"], item["currency"]
    if by == "parent":  # a head office with its branches; a client without one alone
        if item["parent_code"]:
            return item["parent_code"], f"{item['parent_code']} {item['parent_name']}"
        return item["client_code"], f"{item['client_code']} {item['client_name']}"
    raise ValueError(f"group by one of {', '.join(GROUPS)}, not {by!r}")


def aging_table(items: Iterable[dict[str, Any]], buckets: Buckets, by: str) -> list[dict[str, Any]]:
    """One row per group and currency: ``group``, ``label``, ``currency``, ``buckets`` (a
    list of minor units, also as ``b0``, ``b1``, …), ``total``, ``overdue``, ``invoices``
    (and, by client, the client's name, segment, owner and parent code).
    Largest balance first within each currency; currencies are never added together."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    width = len(buckets.labels())
    for item in items:
        key, label = group_of(item, by)
        row = rows.get((item["currency"], key))
        if row is None:
            row = rows[(item["currency"], key)] = {
                "group": key,
                "label": label,
                "currency": item["currency"],
                "buckets": [0] * width,
                "total": 0,
                "overdue": 0,
                "invoices": 0,
            }
            if by == "client":
                row.update({k: item[k] for k in ("client_name", "segment", "owner")})
                row["parent_code"] = item["parent_code"] or ""
        row["buckets"][item["bucket"]] += item["outstanding"]
        row["total"] += item["outstanding"]
        row["overdue"] += item["outstanding"] if item["days_past_due"] > 0 else 0
        row["invoices"] += 1
    out = sorted(rows.values(), key=lambda r: (r["currency"], -r["total"], r["group"]))
    for row in out:
        row.update({f"b{n}": v for n, v in enumerate(row["buckets"])})
    return out


def currency_totals(items: Iterable[dict[str, Any]], buckets: Buckets) -> dict[str, list[int]]:
    """Per currency, the outstanding in each bucket."""
    width = len(buckets.labels())
    totals: dict[str, list[int]] = {}
    for item in items:
        totals.setdefault(item["currency"], [0] * width)[item["bucket"]] += item["outstanding"]
    return dict(sorted(totals.items()))


def invoices_behind(
    items: Iterable[dict[str, Any]],
    by: str,
    group: str | None = None,
    bucket: int | None = None,
    currency: str | None = None,
) -> list[dict[str, Any]]:
    """The invoices behind one bar or cell of the aging: one group, one bucket, one currency
    (any of them left out means all), oldest due first."""
    chosen = [
        i
        for i in items
        if (group is None or group_of(i, by)[0] == group)
        and (bucket is None or i["bucket"] == bucket)
        and (currency is None or i["currency"] == currency)
    ]
    return sorted(chosen, key=lambda i: (i["due_date"], i["invoice_no"]))
