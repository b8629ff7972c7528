"""Backups of the ledger: consistent copies taken while people keep working, and restores.

A copy is made with SQLite's online backup API (``Connection.backup``), which copies a
consistent snapshot page by page even while others write; it is then checked with
``PRAGMA integrity_check`` before it counts. Old copies are rotated away. A restore checks
the copy first and keeps a safety copy of the current database.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lib.auth import Actor, require

PREFIX = "kaishu-"
SUFFIX = ".db"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why."""


@dataclass
class Backup:
    path: Path
    size: int
    taken_at: str


def integrity(path: Path) -> str:
    """``ok``, or SQLite's first complaint about the database file at ``path``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def backup(
    actor: Actor, db_file: Path, folder: Path, keep: int = 14, now: datetime | None = None
) -> Backup:
    """Copy the database at ``db_file`` into ``folder`` and keep the newest ``keep`` copies.

    Safe while the app is in use: the online backup API copies a consistent snapshot.
    """
    require(actor, "settings")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{PREFIX}{stamp}{SUFFIX}"
    partial = target.with_suffix(".partial")
    source = sqlite3.connect(db_file)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy, pages=1024, sleep=0.005)
    except sqlite3.Error as exc:
        copy.close()
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup could not be written: {exc}") from exc
    finally:
        source.close()
    copy.close()
    if integrity(partial) != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError("the copy failed its integrity check; nothing was kept")
    os.replace(partial, target)
    _rotate(folder, keep)
    return Backup(target, target.stat().st_size, stamp)


def _rotate(folder: Path, keep: int) -> None:
    copies = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))
    for old in copies[: max(0, len(copies) - keep)]:
        old.unlink()


def backups(folder: Path) -> list[Backup]:
    """The copies in ``folder``, newest first."""
    found = []
    for path in sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), reverse=True):
        stamp = path.name[len(PREFIX) : -len(SUFFIX)]
        found.append(Backup(path, path.stat().st_size, stamp))
    return found


def restore(actor: Actor, copy: Path, db_file: Path) -> Path:
    """Put ``copy`` back as the database; returns where the replaced database was saved.

    Stop the app first (or expect people to sign in again): the copy replaces the file.
    """
    require(actor, "settings")
    if not copy.exists():
        raise BackupError(f"{copy}: no such backup")
    if integrity(copy) != "ok":
        raise BackupError(f"{copy.name} fails its integrity check; it was not restored")
    safety = db_file.with_name(
        f"{db_file.stem}.before-restore-{datetime.now(UTC):%Y%m%d-%H%M%S}{db_file.suffix}"
    )
    if db_file.exists():
        current = sqlite3.connect(db_file)
        saved = sqlite3.connect(safety)
        current.backup(saved)
        saved.close()
        current.close()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    target = sqlite3.connect(db_file)
    try:
        source.backup(target)  # page by page into the live file, under SQLite's locks
    finally:
        source.close()
        target.close()
    return safety
