"""What to tell a person when something fails: the page and the command line say the same
thing, in the team's words, and never show a traceback."""

from __future__ import annotations

import sqlite3

from lib.auth import PermissionDenied


def explain(exc: BaseException, log_hint: str = "data/logs/app.log") -> str:
    """The message for an error that stopped a change: what happened, that nothing was
    saved, and what to do next."""
    text = str(exc).lower()
    if isinstance(exc, PermissionDenied):
        return f"Not allowed: {exc}."
    if isinstance(exc, sqlite3.OperationalError) and "full" in text:
        return (
            "The disk is full, so nothing was saved. Ask IT to free space, then try "
            "again; your last change was not applied."
        )
    if isinstance(exc, sqlite3.OperationalError) and "readonly" in text.replace("-", ""):
        return (
            "The database is read-only right now (a backup or a permissions problem), "
            "so nothing was saved. Ask IT to check data/kaishu.db, then try again."
        )
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return "Kaishu is busy with other people's changes. Nothing was saved; try again."
    if isinstance(exc, sqlite3.DatabaseError) and "malformed" in text:
        return (
            "The database file is damaged, so nothing was saved. Stop the app and restore "
            "the latest backup (see the README, Backups)."
        )
    return (
        "Something went wrong and nothing was saved. Try again; if it keeps happening, "
        f"tell the lead what you were doing (the details are in {log_hint})."
    )
