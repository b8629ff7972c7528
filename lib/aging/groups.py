"""The aging summed by group in SQLite, without a Python row per invoice: what the Aging
page, the meeting and the client list show.

Today's open invoices stream past in client order from the index ``invoices_open`` and SQLite
sums them per client without sorting 100,000 rows (see :data:`lib.aging.PARTS`). The clients
are read in two halves, the first on a connection of its own (:func:`lib.db.beside`), so
that on two cores both halves are summed at once. Each client is summed whole in one half; a
change saved while the halves are read shows in one of them, and the next reading (reports
are cached under the ledger's fingerprint, taken before) sees it everywhere.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib.aging import (
    CLOSED_ON_THE_DAY,
    GROUP_KEYS,
    GROUPS,
    Buckets,
    Filters,
    _client_fields,
    _edges,
    _finish,
    balances_query,
)
from lib.bulk import gc_paused
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
# Each group's names, joined to its sums (a few thousand rows), not to every invoice.
NAMED = {
    "client": (
        "c.client_code, c.name, c.segment, COALESCE(c.owner, ''), p.client_code",
        " JOIN clients c ON c.id = s.grp LEFT JOIN clients p ON p.id = c.parent_id",
    ),
    "parent": ("c.client_code, c.name", " JOIN clients c ON c.id = s.grp"),
}
HALF = "SELECT (MIN(id) + MAX(id) + 1) / 2 FROM clients"
Piece = tuple[str | None, str]  # a part of PARTS (None: the one scan) and a condition


def edge_sums(buckets: Buckets, day: date, alias: str = "b") -> tuple[str, dict[str, str]]:
    """SQL for a group's outstanding in each bucket of ``buckets`` on ``day``, and the edges
    as parameters. Each invoice is tested once per edge, for the part dated on or after it; a
    bucket is the difference of two such parts, taken once per group (SQLite sums an
    aggregate that is written twice only once; a FILTER skips the rows it leaves out, where
    an IIF would add their zero)."""
    column, params = _edges(buckets, day, alias)
    parts = [
        f"COALESCE(SUM({alias}.outstanding) FILTER (WHERE {column} >= :{edge}), 0)"
        for edge in params
    ]
    newer = ["0", *parts]
    older = [*parts, f"SUM({alias}.outstanding)"]
    return ", ".join(f"{b} - {a}" for a, b in zip(newer, older, strict=True)), params


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
    late = "COALESCE(SUM({}) FILTER (WHERE b.due_date < :as_of), 0)"
    select = (
        f"b.currency AS cur, {key} AS grp, SUM(b.n), {late.format('b.outstanding')},"
        f" {late.format('b.n')}, IIF({late.format('b.n')} > 0, CAST(julianday(:as_of)"
        f" - julianday(MIN(b.due_date)) AS INTEGER), 0), {sums}"
    )
    query = (select, by, as_of, buckets, filters, needs_clients, edges)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    first, *rest = _pieces(db, as_of)
    with gc_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        aside = beside(db, pool, _sums, query, first)
        for piece in rest:
            _add(rows, _sums(db, query, piece), by, len(edges) + 1)
        _add(rows, aside.result(), by, len(edges) + 1)
    return _finish(rows)


def _pieces(db: Database, as_of: date) -> list[Piece]:
    """The queries that together read every invoice open on the day, the biggest first."""
    day = {"as_of": as_of.isoformat()}
    after = db.execute(f"SELECT {ENTRIES_AFTER}", day).fetchone()[0]
    if after > MOVED_LIMIT or (after and db.execute(CLOSED_ON_THE_DAY, day).fetchone()[0]):
        return [(None, "")]
    half = db.execute(HALF).fetchone()[0] or 0
    return [
        ("now", f"b.client_id < {int(half)}"),
        ("now", f"b.client_id >= {int(half)}"),
        ("moved", ""),
    ]


def _sums(db: Database, query: tuple, piece: Piece) -> list[tuple]:
    select, by, as_of, buckets, filters, needs_clients, edges = query
    part, condition = piece
    sql, params = balances_query(select, as_of, buckets, filters, needs_clients, part)
    params.update(edges)
    where = f" AND {condition}" if condition else ""
    sql = f"{sql}{where} GROUP BY 2, 1"
    if by in NAMED:
        names, joins = NAMED[by]
        sql = f"SELECT s.*, {names} FROM ({sql}) s{joins}"
    return db.execute(sql, params).fetchall()


def _add(rows: dict, found: list[tuple], by: str, width: int) -> None:
    # A group is found once in each piece it has invoices in: mostly once in all.
    for cur, group, count, overdue, overdue_count, oldest, *rest in found:
        parts = rest[:width]
        row = rows.get((cur, group))
        if row is None:
            rows[(cur, group)] = _named(by, group, cur, rest[width:]) | {
                "buckets": parts,
                "total": sum(parts),
                "overdue": overdue,
                "invoices": count,
                "overdue_invoices": overdue_count,
                "oldest": oldest,
            }
            continue
        row["buckets"] = [a + b for a, b in zip(row["buckets"], parts, strict=True)]
        row["total"] += sum(parts)
        row["overdue"] += overdue
        row["invoices"] += count
        row["overdue_invoices"] += overdue_count
        row["oldest"] = max(row["oldest"], oldest)


def _named(by: str, group: Any, currency: str, names: list) -> dict[str, Any]:
    if by == "client":
        code, name, segment, owner, parent_code = names
        return {"group": code, "label": f"{code} {name}", "currency": currency,
                **_client_fields(name, segment, owner, parent_code)}  # fmt: skip
    if by == "parent":
        code, name = names
        return {"group": code, "label": f"{code} {name}", "currency": currency}
    return {"group": group, "currency": currency,
            "label": group.title() if by == "segment" else group}  # fmt: skip
