"""Backups: a consistent copy while others write, rotation, restore, and the role check."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta

import pytest
from builders import make_client

from lib.backup import BackupError, backup, backups, integrity, restore
from lib.db import connect, transaction


def test_backup_while_others_write_is_consistent_and_rotates(tmp_path, lead):
    path = tmp_path / "k.db"
    db = connect(path)
    stop = threading.Event()

    def writer():
        own = connect(path)
        n = 0
        while not stop.is_set():
            with transaction(own):
                make_client(own, client_code=f"W{n:05d}")
            n += 1
        own.close()

    thread = threading.Thread(target=writer)
    thread.start()
    start = datetime(2026, 11, 23, tzinfo=UTC)
    try:
        for day in range(4):
            backup(lead, path, tmp_path / "backups", keep=3, now=start + timedelta(days=day))
    finally:
        stop.set()
        thread.join()
    copies = backups(tmp_path / "backups")
    assert [c.taken_at[:8] for c in copies] == ["20261126", "20261125", "20261124"]
    for copy in copies:
        assert integrity(copy.path) == "ok"
        assert sqlite3.connect(copy.path).execute("SELECT COUNT(*) FROM clients").fetchone()[0]
    assert (
        db["clients"].count
        >= sqlite3.connect(copies[0].path).execute("SELECT COUNT(*) FROM clients").fetchone()[0]
    )


def test_restore_brings_the_copy_back_and_keeps_the_replaced_database(tmp_path, lead):
    path = tmp_path / "k.db"
    db = connect(path)
    make_client(db, client_code="KEEP")
    copy = backup(lead, path, tmp_path / "backups").path
    make_client(db, client_code="LATER")
    db.close()
    saved = restore(lead, copy, path)
    assert [r[0] for r in sqlite3.connect(path).execute("SELECT client_code FROM clients")] == [
        "KEEP"
    ]
    assert {r[0] for r in sqlite3.connect(saved).execute("SELECT client_code FROM clients")} == {
        "KEEP",
        "LATER",
    }


def test_a_damaged_copy_is_refused(tmp_path, lead):
    path = tmp_path / "k.db"
    connect(path).close()
    bad = tmp_path / "kaishu-bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises((BackupError, sqlite3.DatabaseError)):
        restore(lead, bad, path)


def test_only_the_lead_backs_up(tmp_path, collector):
    path = tmp_path / "k.db"
    connect(path).close()
    with pytest.raises(PermissionError):
        backup(collector, path, tmp_path / "b")


def test_cli_backup_and_restore(tmp_path):
    from lib.cli import main

    path = tmp_path / "k.db"
    connect(path).close()
    assert main(["--db", str(path), "backup", str(tmp_path / "b")]) == 0
    copy = next((tmp_path / "b").glob("kaishu-*.db"))
    assert main(["--db", str(path), "restore", str(copy)]) == 2  # needs --yes
    assert main(["--db", str(path), "restore", str(copy), "--yes"]) == 0
