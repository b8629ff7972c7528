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

from lib.auth import Actor
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
