"""The lead's settings, kept as text in the ``settings`` table under dotted keys
(``followups.grace_days``, ``recovery.interest_rate_bp``, ``reports.aging_buckets`` …).

Each concern's module turns them into typed values and checks them; reading and writing the
table, and auditing every change with the old and the new value, happens only here.
"""

from __future__ import annotations

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import utc_now


def get(db: Database, key: str) -> str | None:
    """The stored text of ``key``, or None when it was never set."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def under(db: Database, prefix: str) -> dict[str, str]:
    """Every setting whose key starts with ``prefix``, keyed by the rest of the key."""
    rows = db.execute(
        "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ?", [len(prefix), prefix]
    )
    return {key[len(prefix) :]: value for key, value in rows}


def put(db: Database, actor: Actor, key: str, value: str) -> bool:
    """Store ``value`` under ``key`` and audit it, inside the caller's transaction (after its
    role check); returns False, writing nothing, when the value is already that. Settings
    are the lead's: the check is repeated here."""
    require(actor, "settings")
    old = get(db, key)
    if old == value:
        return False
    db.execute(
        "INSERT INTO settings (key, value, updated_by, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
        " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        [key, value, actor.username, utc_now()],
    )
    audit.record(db, actor, "settings", None, "edit", {key: old}, {key: value})
    return True


def put_all(
    db: Database, actor: Actor, prefix: str, wanted: dict[str, str], defaults: dict[str, str]
) -> int:
    """Store each of ``wanted`` under ``prefix`` that changed, inside the caller's transaction;
    returns how many did. A value never set that equals its default stays unset, so a better
    default written later in the code still reaches everyone who never chose one."""
    require(actor, "settings")
    changed = 0
    for key, value in wanted.items():
        if get(db, prefix + key) is None and value == defaults.get(key, ""):
            continue
        changed += put(db, actor, prefix + key, value)
    return changed
