"""The audit log: who did what, when, to which row, with the row before and after.

Every write in lib calls :func:`record` inside the same transaction as the change, so the
log and the ledger can never disagree. The log is append-only (a trigger refuses updates
and deletes).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlite_utils import Database

from lib.auth import Actor, require
from lib.db import utc_now


def _json(row: Mapping[str, Any] | None) -> str | None:
    if row is None:
        return None
    return json.dumps(dict(row), ensure_ascii=False, sort_keys=True, default=str)


def record(
    db: Database,
    actor: Actor,
    table: str,
    row_id: int | None,
    action: str,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    client_id: int | None = None,
) -> None:
    """Append one audit entry; call it inside the transaction that makes the change."""
    record_many(db, actor, [(table, row_id, action, before, after, client_id)])


def record_many(
    db: Database,
    actor: Actor,
    entries: list[tuple[str, int | None, str, Mapping | None, Mapping | None, int | None]],
) -> None:
    """Append many audit entries at once: ``(table, row_id, action, before, after, client)``."""
    at = utc_now()
    db.conn.executemany(
        "INSERT INTO audit_log (at, username, source, table_name, row_id, action, client_id,"
        " before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (at, actor.username, actor.source, t, r, a, c, _json(b), _json(af))
            for t, r, a, b, af, c in entries
        ],
    )


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``after`` whose value differs from ``before`` (for update entries)."""
    return {k: v for k, v in after.items() if before.get(k) != v}


def search(
    db: Database,
    actor: Actor,
    username: str | None = None,
    table: str | None = None,
    client_code: str | None = None,
    start: str | None = None,
    end: str | None = None,
    limit: int = 5000,
) -> list[dict[str, Any]]:
    """Audit entries matching the filters, newest first; only the lead may read the log.

    ``start`` (inclusive) and ``end`` (exclusive) are UTC timestamps in ISO text.
    """
    require(actor, "audit")
    where, params = [], []
    if username:
        where.append("a.username = ?")
        params.append(username)
    if table:
        where.append("a.table_name = ?")
        params.append(table)
    if client_code:
        where.append("c.client_code = ?")
        params.append(client_code)
    if start:
        where.append("a.at >= ?")
        params.append(start)
    if end:
        where.append("a.at < ?")
        params.append(end)
    sql = (
        "SELECT a.id, a.at, a.username, a.source, a.table_name, a.row_id, a.action, "
        "c.client_code, a.before, a.after FROM audit_log a "
        "LEFT JOIN clients c ON c.id = a.client_id"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.id DESC LIMIT ?"
    )
    return list(db.query(sql, [*params, limit]))


def facets(db: Database) -> dict[str, list[str]]:
    """The users and tables that appear in the log, for the filter lists."""
    return {
        "users": [r[0] for r in db.execute("SELECT DISTINCT username FROM audit_log ORDER BY 1")],
        "tables": [
            r[0] for r in db.execute("SELECT DISTINCT table_name FROM audit_log ORDER BY 1")
        ],
    }


def describe(before: str | None, after: str | None, limit: int = 160) -> str:
    """One readable line for an entry: ``due_date: 2025-04-30 → 2025-05-15; …``."""
    old = json.loads(before) if before else {}
    new = json.loads(after) if after else {}
    if not old:
        text = ", ".join(f"{k}={v}" for k, v in new.items() if v not in (None, "", 0))
    else:
        # A write may restate fields it left alone (a reset clears a lock that was not
        # there): the line names what moved, the full before and after stay in the entry.
        moved = [k for k in new if _shown(old.get(k)) != _shown(new.get(k))] or list(new)
        text = "; ".join(f"{k}: {old.get(k)} → {new.get(k)}" for k in moved)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shown(value: Any) -> Any:
    # None, '' and an empty list all read as "nothing" to the lead.
    return None if value in (None, "", [], {}) else value
