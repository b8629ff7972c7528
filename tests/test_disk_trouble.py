"""A full disk or a read-only database: a clear message on the page and on the command line,
and no partial writes. SQLite reports both the same way whatever the cause, so the tests make
them happen on the connection (``max_page_count``, ``query_only``) rather than filling a disk."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import csv_bytes, open_app

import lib.db
from lib.db import connect
from lib.importing import ImportOptions, import_file

HEADER = ["Invoice No", "Customer Code", "Customer", "Invoice Date", "Due Date", "Amount"]


def ledger(rows: int) -> bytes:
    body = [
        [f"D-{n:05d}", f"C{n % 50}", f"Client {n % 50}", "2026-04-01", "2026-04-30", 5000]
        for n in range(rows)
    ]
    return csv_bytes([[*HEADER, "Currency"], *[[*r, "JPY"] for r in body]])


def full(db):
    """The disk fills up: the file may not grow by a single page."""
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    return db


def read_only(db):
    db.execute("PRAGMA query_only = 1")
    return db


@pytest.mark.parametrize("trouble", [full, read_only])
def test_an_import_that_cannot_be_written_leaves_nothing(db, collector, trouble):
    trouble(db)
    with pytest.raises(sqlite3.OperationalError):
        import_file(db, collector, ledger(3000), "big.csv", ImportOptions(kind="invoices"))
    counts = [db[t].count for t in ("invoices", "clients", "imports", "audit_log")]
    assert counts == [0, 0, 0, 0]
    assert not db.conn.in_transaction


@pytest.mark.parametrize(
    ("trouble", "words"),
    [(full, "The disk is full, so nothing was saved"), (read_only, "read-only right now")],
)
def test_the_upload_page_says_what_happened(app_db, monkeypatch, trouble, words):
    opened = lib.db.connect
    monkeypatch.setattr("lib.ui.context.connect", lambda path: trouble(opened(path)))
    at = open_app("priya", "pages/upload_page.py")
    at.file_uploader[0].upload("big.csv", ledger(3000), "text/csv").run()
    next(b for b in at.button if b.label.startswith("Import ")).click().run()
    assert not at.exception
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert connect(app_db)["invoices"].count == 0


@pytest.mark.parametrize(
    ("trouble", "words"), [(full, "The disk is full"), (read_only, "read-only right now")]
)
def test_the_command_line_says_what_happened(tmp_path, monkeypatch, capsys, trouble, words):
    from lib import cli

    path, file = tmp_path / "k.db", tmp_path / "big.csv"
    file.write_bytes(ledger(3000))
    opened = lib.db.connect
    monkeypatch.setattr(cli, "connect", lambda *a, **k: trouble(opened(*a, **k)))
    assert cli.main(["--db", str(path), "import", "invoices", str(file)]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert connect(path)["invoices"].count == 0
