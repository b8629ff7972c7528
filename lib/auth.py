"""Who is acting, what each role may do, passwords, and sign-in lockout.

Roles are enforced here, in lib: every write function takes the acting :class:`Actor` and
calls :func:`require` before touching the database, so a hidden menu is never the only guard.
Passwords are bcrypt hashes; bcrypt reads at most 72 bytes, so longer passwords are refused
rather than silently cut.
"""

from __future__ import annotations

import getpass
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import bcrypt

ROLES = ("lead", "collector", "intern")
ROLE_LABELS = {"lead": "Lead", "collector": "Collector", "intern": "Intern"}
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_BYTES = 72
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)

# What each permission means for the team; a role not listed may not do it.
PERMISSIONS: dict[str, frozenset[str]] = {
    "view": frozenset(ROLES),
    "log_follow_up": frozenset(ROLES),
    "import": frozenset({"lead", "collector"}),
    "edit_clients": frozenset({"lead", "collector"}),
    "match": frozenset({"lead", "collector"}),
    "send_email": frozenset({"lead", "collector"}),
    "assign_work": frozenset({"lead"}),
    "recovery": frozenset({"lead", "collector"}),
    "write_off": frozenset({"lead"}),
    # Skipping recovery stages forward and reopening a closed case.
    "manage_cases": frozenset({"lead"}),
    "manage_users": frozenset({"lead"}),
    "settings": frozenset({"lead"}),
    "audit": frozenset({"lead"}),
    "load_demo": frozenset({"lead"}),
}


class PermissionDenied(PermissionError):
    """The acting user's role may not do this."""


class PasswordRejected(ValueError):
    """A new password breaks the rules; the message says which and how to fix it."""


@dataclass(frozen=True)
class Actor:
    """The person behind a write: username, role, and where they acted (web, cli, system)."""

    username: str
    role: str
    source: str = "web"
    name: str = ""

    def can(self, permission: str) -> bool:
        """True when this actor's role holds ``permission``."""
        return self.role in PERMISSIONS.get(permission, frozenset())


def require(actor: Actor, permission: str) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``permission``."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if not actor.can(permission):
        role = ROLE_LABELS.get(actor.role, actor.role or "no role")
        raise PermissionDenied(
            f"{role}s may not {permission.replace('_', ' ')} (signed in as {actor.username})"
        )


def cli_actor() -> Actor:
    """The actor for command-line work: whoever holds the server's shell acts as the lead."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return Actor(username=f"cli:{login}", role="lead", source="cli")


def check_password(password: str) -> None:
    """Raise PasswordRejected unless the password is 10 characters to 72 bytes long."""
    size = len(password.encode("utf-8"))
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordRejected(
            f"use at least {MIN_PASSWORD_CHARS} characters (this one has {len(password)})"
        )
    if size > MAX_PASSWORD_BYTES:
        raise PasswordRejected(
            f"use at most {MAX_PASSWORD_BYTES} bytes; this one is {size} "
            "bytes (Japanese and other non-Latin characters count 3 each)"
        )
    if password.strip() != password:
        raise PasswordRejected("a password may not start or end with a space")


def hash_password(password: str) -> str:
    """The bcrypt hash of a password that passed :func:`check_password`."""
    check_password(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=12)).decode("ascii")


def password_matches(password: str, hashed: str) -> bool:
    """True when ``password`` matches the bcrypt ``hashed``; never raises on odd input."""
    try:
        return bcrypt.checkpw(password.encode("utf-8")[:MAX_PASSWORD_BYTES], hashed.encode())
    except (ValueError, TypeError):
        return False


def locked_until(row: dict, now: datetime) -> datetime | None:
    """When a user's sign-in lock ends, or None if the account is not locked at ``now``."""
    if not row.get("locked_until"):
        return None
    until = datetime.fromisoformat(row["locked_until"].replace("Z", "+00:00"))
    return until if until > now else None


def cookie_key(path: Path) -> str:
    """The secret that signs session cookies: read from ``path``, created on first run.

    It lives under data/ (never in git) with owner-only permissions.
    """
    if path.exists():
        key = path.read_text().strip()
        if len(key) >= 32:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
