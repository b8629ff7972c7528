"""The team's accounts: first-run set-up, adding people, roles, passwords, lockout.

Every change runs in one transaction, is refused unless the acting user is the lead (except the
very first account), and is audited without ever writing a password hash to the log.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    ROLES,
    Actor,
    PermissionDenied,
    hash_password,
    locked_until,
    require,
)
from lib.db import transaction, utc_now

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
PUBLIC_FIELDS = (
    "id",
    "username",
    "name",
    "email",
    "role",
    "active",
    "failed_logins",
    "locked_until",
    "created_at",
    "updated_at",
)


class UserError(ValueError):
    """A user change that cannot be made; the message says why."""


def _public(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {k: row[k] for k in PUBLIC_FIELDS if k in row}


def get_user(db: Database, username: str) -> dict[str, Any] | None:
    """The user row (with its password hash) by username, case-insensitive, or None."""
    return next(db.query("SELECT * FROM users WHERE username = ?", [username.strip()]), None)


def list_users(db: Database) -> list[dict[str, Any]]:
    """Every account without password hashes, active ones first."""
    rows = db.query("SELECT * FROM users ORDER BY active DESC, role, username")
    return [_public(r) for r in rows]


def user_count(db: Database) -> int:
    """How many accounts exist (0 means the first-run set-up is due)."""
    return db.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def _check_new(db: Database, username: str, name: str, role: str) -> str:
    username = username.strip().lower()
    if not _USERNAME.fullmatch(username):
        raise UserError("a username is 2–40 characters: lower-case letters, digits, . _ -")
    if not name.strip():
        raise UserError("enter the person's full name")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if get_user(db, username):
        raise UserError(f"the username {username} is taken")
    return username


def _insert(
    db: Database,
    actor: Actor,
    username: str,
    name: str,
    role: str,
    password: str,
    email: str | None,
) -> dict[str, Any]:
    now = utc_now()
    row = {
        "username": username,
        "name": name.strip(),
        "email": (email or "").strip() or None,
        "role": role,
        "password_hash": hash_password(password),
        "active": 1,
        "failed_logins": 0,
        "created_at": now,
        "updated_at": now,
    }
    row["id"] = db["users"].insert(row).last_pk
    audit.record(db, actor, "users", row["id"], "create", None, _public(row))
    return row


def create_first_lead(
    db: Database,
    username: str,
    name: str,
    password: str,
    email: str | None = None,
    source: str = "web",
) -> Actor:
    """Create the lead's account on first run; refused once any account exists."""
    with transaction(db):
        if user_count(db):
            raise PermissionDenied("the first account already exists; ask the lead to add you")
        username = _check_new(db, username, name, "lead")
        actor = Actor(username, "lead", source, name.strip())
        _insert(db, actor, username, name, "lead", password, email)
    return actor


def add_user(
    db: Database,
    actor: Actor,
    username: str,
    name: str,
    role: str,
    password: str,
    email: str | None = None,
) -> None:
    """Add a teammate with a role; only the lead may."""
    require(actor, "manage_users")
    with transaction(db):
        username = _check_new(db, username, name, role)
        _insert(db, actor, username, name, role, password, email)


def _change(db: Database, actor: Actor, username: str, values: dict[str, Any], action: str) -> None:
    require(actor, "manage_users")
    with transaction(db):
        old = get_user(db, username)
        if old is None:
            raise UserError(f"no user named {username}")
        _keep_a_lead(db, old, values)
        db["users"].update(old["id"], {**values, "updated_at": utc_now()})
        shown = {k: v for k, v in values.items() if k != "password_hash"}
        before = {k: old[k] for k in shown}
        if "password_hash" in values:
            shown["password"], before["password"] = "(new)", "(old)"
        audit.record(db, actor, "users", old["id"], action, before, shown)


def _keep_a_lead(db: Database, old: dict, values: dict) -> None:
    losing = (
        old["role"] == "lead"
        and old["active"]
        and (values.get("active") == 0 or values.get("role", "lead") != "lead")
    )
    if losing:
        leads = db.execute("SELECT COUNT(*) FROM users WHERE role = 'lead' AND active = 1")
        if leads.fetchone()[0] <= 1:
            raise UserError("this is the only active lead; make someone else lead first")


def set_role(db: Database, actor: Actor, username: str, role: str) -> None:
    """Change a user's role (takes effect on their next click)."""
    require(actor, "manage_users")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    _change(db, actor, username, {"role": role}, "change role")


def reset_password(db: Database, actor: Actor, username: str, password: str) -> None:
    """Set a new password and lift any sign-in lock."""
    require(actor, "manage_users")
    _change(
        db,
        actor,
        username,
        {"password_hash": hash_password(password), "failed_logins": 0, "locked_until": None},
        "reset password",
    )


def set_active(db: Database, actor: Actor, username: str, active: bool) -> None:
    """Deactivate (they can no longer sign in) or reactivate a user; nothing is deleted."""
    require(actor, "manage_users")
    _change(db, actor, username, {"active": int(active)}, "reactivate" if active else "deactivate")


def actor_for(db: Database, username: str, source: str = "web") -> Actor | None:
    """The Actor for a signed-in username with the role the database holds now."""
    row = get_user(db, username) if username else None
    if row is None or not row["active"]:
        return None
    return Actor(row["username"], row["role"], source, row["name"])


def record_failed_login(db: Database, username: str, now: datetime) -> datetime | None:
    """Count a failed sign-in; after five in a row, lock the account for 15 minutes.

    Returns when the lock ends, or None while the account stays open.
    """
    with transaction(db):
        row = get_user(db, username)
        if row is None:
            return None
        failures = 0 if _lock_expired(row, now) else row["failed_logins"]
        failures += 1
        until = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
        db["users"].update(
            row["id"],
            {
                "failed_logins": failures,
                "locked_until": until.strftime("%Y-%m-%dT%H:%M:%SZ") if until else None,
            },
        )
        who = Actor(row["username"], row["role"], "web")
        audit.record(
            db,
            who,
            "users",
            row["id"],
            "sign-in locked" if until else "failed sign-in",
            {"failed_logins": row["failed_logins"]},
            {"failed_logins": failures},
        )
    return until


def _lock_expired(row: dict, now: datetime) -> bool:
    return bool(row["locked_until"]) and locked_until(row, now) is None


def record_login(db: Database, username: str) -> None:
    """A successful sign-in clears the failure count."""
    with transaction(db):
        row = get_user(db, username)
        if row and (row["failed_logins"] or row["locked_until"]):
            db["users"].update(row["id"], {"failed_logins": 0, "locked_until": None})


def authenticator_credentials(db: Database, now: datetime | None = None) -> dict[str, Any]:
    """A fresh credentials dict for streamlit-authenticator, built from active users.

    A locked user carries the failure count that makes the authenticator refuse the attempt.
    """
    now = now or datetime.now(UTC)
    users = {}
    for row in db.query("SELECT * FROM users WHERE active = 1"):
        locked = locked_until(row, now) is not None
        users[row["username"]] = {
            "name": row["name"],
            "email": row["email"] or "",
            "password": row["password_hash"],
            "roles": [row["role"]],
            "logged_in": False,
            "failed_login_attempts": MAX_FAILED_LOGINS if locked else 0,
        }
    return {"usernames": users}
