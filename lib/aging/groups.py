"""The aging summed by group in SQLite, without a Python row per invoice: what the Aging
page, the meeting and the client list show.

Today's open invoices stream past in client order from the index ``invoices_open`` and SQLite
sums them per client without sorting 100,000 rows (see :data:`lib.aging.PARTS`). The clients
are read in two halves, the first on a connection of its own (:func:`lib.db.beside`), so
that on two cores both halves are summed at once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib.aging import (
    GROUP_KEYS,
    GROUPS,
    Buckets,
    Filters,
    _blank,
    _edges,
    _finish,
    balances_query,
)
from lib.db import SETTLING, beside

# Past this many entries dated after the day (an aging far back), one scan of every invoice
# beats the two parts (measured: 613 entries 0.21 s against 0.31 s; 33,000 0.37 against 0.29).
MOVED_LIMIT = 10_000
ENTRIES_AFTER = " + ".join(
    f"(SELECT COUNT(*) FROM {table} WHERE effective_date > :as_of)" for table, _ in SETTLING
)
# Grouping keys as integers where they can be (faster to sum by), named afterwards.
GROUP_IDS = {
    "client": ("b.client_id", False),
    "parent": ("COALESCE(c.parent_id, c.id)", True),
    "segment": ("c.segment", True),
    "owner": (GROUP_KEYS["owner"][0], True),
    "currency": ("b.currency", False),
}
CLIENT_NAMES = """
SELECT c.id, c.client_code, c.name, c.segment, COALESCE(c.owner, ''), p.client_code
  FROM clients c LEFT JOIN clients p ON p.id = c.parent_id
"""
HALF = "SELECT (MIN(id) + MAX(id) + 1) / 2 FROM clients"
Piece = tuple[str | None, str]  # a part of PARTS (None: the one scan) and a condition


def edge_sums(buckets: Buckets, day: date, alias: str = "b") -> tuple[str, dict[str, str]]:
    """SQL for the total ``outstanding`` of a group and, for each bucket edge, the part
    dated on or after it, with the edges as parameters: one test per edge and invoice
    (:func:`split_sums` turns them into buckets)."""
    column, params = _edges(buckets, day, alias)
    sums = [f"SUM(IIF({column} >= :{edge}, {alias}.outstanding, 0))" for edge in params]
    return ", ".join([f"SUM({alias}.outstanding)", *sums]), params


def split_sums(total: int, on_or_after: list[int]) -> list[int]:
    """Buckets from :func:`edge_sums`: each edge's part less the newer edge's part, and
    the total less the oldest edge's part for the last bucket."""
    return [b - a for a, b in zip([0, *on_or_after], [*on_or_after, total], strict=True)]


def aging_groups(
    db: Database, as_of: date, buckets: Buckets, by: str, filters: Filters | None = None
) -> list[dict[str, Any]]:
    """:func:`lib.aging.aging_table` of the filtered items, summed by the database: one row
    per group and currency. Rows also carry ``oldest`` (the most days past due) and
    ``overdue_invoices``."""
    if by not in GROUP_IDS:
        raise ValueError(f"group by one of {', '.join(GROUPS)}, not {by!r}")
    key, needs_clients = GROUP_IDS[by]
    sums, edges = edge_sums(buckets, as_of)
    select = (
        f"b.currency, {key}, COUNT(*), {sums},"
        " SUM(IIF(b.due_date < :as_of, b.outstanding, 0)), SUM(b.due_date < :as_of),"
        " MIN(b.due_date)"
    )
    query = (select, as_of, buckets, filters, needs_clients, edges)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    names = {r[0]: r[1:] for r in db.execute(CLIENT_NAMES)} if by in ("client", "parent") else {}
    first, *rest = _pieces(db, as_of)
    with ThreadPoolExecutor(max_workers=1) as pool:
        aside = beside(db, pool, _sums, query, first)
        for piece in rest:
            _add(rows, _sums(db, query, piece), by, as_of, len(buckets.labels()), names)
        _add(rows, aside.result(), by, as_of, len(buckets.labels()), names)
    return _finish(rows)


def _pieces(db: Database, as_of: date) -> list[Piece]:
    """The queries that together read every invoice open on the day, the biggest first."""
    after = db.execute(f"SELECT {ENTRIES_AFTER}", {"as_of": as_of.isoformat()}).fetchone()[0]
    if after > MOVED_LIMIT:
        return [(None, "")]
    half = db.execute(HALF).fetchone()[0] or 0
    return [
        ("now", f"b.client_id < {int(half)}"),
        ("now", f"b.client_id >= {int(half)}"),
        ("moved", ""),
    ]


def _sums(db: Database, query: tuple, piece: Piece) -> list[tuple]:
    select, as_of, buckets, filters, needs_clients, edges = query
    part, condition = piece
    sql, params = balances_query(select, as_of, buckets, filters, needs_clients, part)
    params.update(edges)
    where = f" AND {condition}" if condition else ""
    return db.execute(f"{sql}{where} GROUP BY 2, 1", params).fetchall()


def _add(rows: dict, found: list[tuple], by: str, as_of: date, width: int, names: dict) -> None:
    for cur, group, count, total, *parts, overdue, overdue_count, first_due in found:
        buckets = split_sums(total, parts)
        row = rows.get((cur, group))
        if row is None:
            row = rows[(cur, group)] = _named(by, group, cur, width, names)
        row["buckets"] = [a + b for a, b in zip(row["buckets"], buckets, strict=True)]
        row["total"] += total
        row["overdue"] += overdue
        row["invoices"] += count
        row["overdue_invoices"] += overdue_count
        if overdue_count:
            row["oldest"] = max(row["oldest"], (as_of - date.fromisoformat(first_due)).days)


def _named(by: str, group: Any, currency: str, width: int, names: dict) -> dict[str, Any]:
    if by in ("client", "parent"):
        code, name, segment, owner, parent_code = names[group]
        row = _blank(code, f"{code} {name}", currency, width)
        if by == "client":
            row.update(client_name=name, segment=segment, owner=owner)
            row["parent_code"] = parent_code or ""
        return row
    return _blank(group, group.title() if by == "segment" else group, currency, width)
