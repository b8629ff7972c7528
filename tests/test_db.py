"""The schema and its guards: migrations, connection settings, ledger invariants in SQL."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from builders import (
    make_allocation,
    make_client,
    make_invoice,
    make_receipt,
    make_recovery,
    make_write_off,
)

from lib.db import connect, migrations, transaction


def test_connection_settings(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_migrations_are_recorded_and_idempotent(tmp_path):
    path = tmp_path / "k.db"
    connect(path).close()
    again = connect(path)
    applied = [m.name for m in migrations.applied(again)]
    assert applied == [m.name for m in migrations._migrations]
    assert migrations.pending(again) == []


def test_kaishu_db_environment_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("KAISHU_DB", str(tmp_path / "env.db"))
    connect().close()
    assert (tmp_path / "env.db").exists()


def test_invoice_can_never_be_settled_beyond_its_amount(db):
    invoice = make_invoice(db, amount=1000, tax=0, currency="JPY")
    receipt = make_receipt(db, amount=5000, currency="JPY")
    make_allocation(db, receipt, invoice, 600)
    with pytest.raises(sqlite3.IntegrityError, match="beyond its amount"):
        make_allocation(db, receipt, invoice, 401)
    make_allocation(db, receipt, invoice, 400)


def test_receipt_can_never_be_applied_beyond_its_amount(db):
    first = make_invoice(db, amount=1000, tax=0, currency="JPY")
    second = make_invoice(db, amount=1000, tax=0, currency="JPY")
    receipt = make_receipt(db, amount=1500, currency="JPY")
    make_allocation(db, receipt, first, 1000)
    with pytest.raises(sqlite3.IntegrityError, match="receipt would be applied"):
        make_allocation(db, receipt, second, 501)


def test_reversed_allocation_frees_the_invoice(db):
    invoice = make_invoice(db, amount=1000, tax=0, currency="JPY")
    receipt = make_receipt(db, amount=1000, currency="JPY")
    alloc = make_allocation(db, receipt, invoice, 1000)
    db["allocations"].update(
        alloc,
        {
            "reversed_at": "2026-01-02T00:00:00Z",
            "reversed_by": "lead1",
            "reversal_reason": "wrong client",
        },
    )
    make_allocation(db, receipt, invoice, 1000)
    with pytest.raises(sqlite3.IntegrityError, match="reversed entry cannot change"):
        db["allocations"].update(alloc, {"reversed_at": None})


@pytest.mark.parametrize("table", ["invoices", "receipts", "allocations", "clients", "audit_log"])
def test_ledger_rows_are_never_deleted(db, table):
    invoice = make_invoice(db, amount=1000, tax=0, currency="JPY")
    receipt = make_receipt(db, amount=1000, currency="JPY")
    make_allocation(db, receipt, invoice, 1000)
    db.execute(
        "INSERT INTO audit_log (at, username, table_name, action) VALUES ('t', 'u', 'x', 'y')"
    )
    with pytest.raises(sqlite3.IntegrityError, match="never deleted|append-only"):
        db.execute(f"DELETE FROM {table}")


def test_money_must_be_integer_minor_units(db):
    client = make_client(db)
    with pytest.raises(sqlite3.IntegrityError):
        make_invoice(db, client_id=client, amount=10.5)
    with pytest.raises(sqlite3.IntegrityError):
        make_invoice(db, client_id=client, amount=0)
    with pytest.raises(sqlite3.IntegrityError):
        make_invoice(db, client_id=client, currency="EUR")
    with pytest.raises(sqlite3.IntegrityError):
        make_invoice(db, client_id=client, invoice_date="10/01/2026")
    with pytest.raises(sqlite3.IntegrityError):
        make_invoice(db, client_id=client, invoice_date="2026-02-01", due_date="2026-01-01")


def test_invoice_amount_cannot_drop_below_what_is_settled(db):
    invoice = make_invoice(db, amount=1000, tax=0, currency="JPY")
    receipt = make_receipt(db, amount=1000, currency="JPY")
    make_allocation(db, receipt, invoice, 800)
    with pytest.raises(sqlite3.IntegrityError, match="below what is already settled"):
        db["invoices"].update(invoice, {"amount": 700})


def test_transaction_rolls_back_everything_on_error(db):
    with pytest.raises(RuntimeError), transaction(db):
        make_client(db, client_code="GONE")
        raise RuntimeError("boom")
    assert db["clients"].count == 0


def test_two_writers_wait_for_each_other_instead_of_failing(tmp_path):
    path = tmp_path / "busy.db"
    connect(path).close()
    errors = []

    def writer(prefix: str) -> None:
        own = connect(path)
        try:
            for i in range(50):
                with transaction(own):
                    make_client(own, client_code=f"{prefix}{i}")
        except Exception as exc:  # pragma: no cover - the assertion reports it
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=writer, args=(p,)) for p in "AB"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert connect(path)["clients"].count == 100


def test_recovery_after_write_off_gives_back_the_write_off_for_the_cash(db):
    invoice = make_invoice(db, amount=1000, tax=0, currency="JPY")
    receipt = make_receipt(db, amount=300, currency="JPY", value_date="2026-05-10")
    write_off = make_write_off(db, invoice, 1000)
    with pytest.raises(sqlite3.IntegrityError, match="beyond its amount"):
        make_allocation(db, receipt, invoice, 300)  # written off: no room for cash
    make_recovery(db, write_off, invoice, receipt, 300)
    make_allocation(db, receipt, invoice, 300, effective_date="2026-05-10")
    settled = "SELECT settled FROM invoice_settled WHERE invoice_id = ?"
    assert db.execute(settled, [invoice]).fetchone()[0] == 1000
    with pytest.raises(sqlite3.IntegrityError, match="recovered beyond"):
        make_recovery(db, write_off, invoice, receipt, 701)
    with pytest.raises(sqlite3.IntegrityError, match="recoveries against this write-off"):
        db["write_offs"].update(write_off, {"reversed_at": "2026-06-01T00:00:00Z"})
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        db.execute("DELETE FROM write_off_recoveries")


def test_an_invoice_sits_in_one_open_recovery_case_at_a_time(db):
    invoice = make_invoice(db, amount=1000, tax=0, currency="JPY")
    client = db["invoices"].get(invoice)["client_id"]
    case = {
        "client_id": client,
        "stage": "pre_legal_notice",
        "opened_on": "2026-04-01",
        "created_by": "priya",
        "created_at": "2026-04-01T00:00:00Z",
        "updated_at": "2026-04-01T00:00:00Z",
    }
    first = db["cases"].insert({**case, "case_no": "RC-2026-0001"}).last_pk
    second = db["cases"].insert({**case, "case_no": "RC-2026-0002"}).last_pk
    line = {"invoice_id": invoice, "outstanding_at_open": 1000, "added_on": "2026-04-01"}
    db["case_invoices"].insert({**line, "case_id": first, "added_by": "priya"})
    with pytest.raises(sqlite3.IntegrityError, match="already in an open recovery case"):
        db["case_invoices"].insert({**line, "case_id": second, "added_by": "priya"})
    with pytest.raises(sqlite3.IntegrityError):  # a closed stage needs its closing date
        db["cases"].update(first, {"stage": "closed_recovered"})


def test_writers_of_one_process_take_their_turn_in_order(tmp_path):
    from lib.db import _FairLock

    lock, order = _FairLock(), []
    assert lock.acquire(timeout=1)

    def writer(n: int) -> None:
        assert lock.acquire(timeout=5)
        order.append(n)
        lock.release()

    threads = []
    for n in range(5):
        threads.append(threading.Thread(target=writer, args=(n,)))
        threads[-1].start()
        while lock._next != n + 2:  # wait until this writer holds its ticket
            pass
    assert not lock.acquire(timeout=0.05)  # one gives up: its turn is skipped, not blocking
    lock.release()
    for thread in threads:
        thread.join()
    assert order == [0, 1, 2, 3, 4]
    assert lock.acquire(timeout=1)


def test_a_write_lock_held_elsewhere_is_waited_for_not_reported(tmp_path):
    path = tmp_path / "k.db"
    first, second = connect(path), connect(path)
    other = sqlite3.connect(path, check_same_thread=False)  # as if another process
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.5, other.rollback)
    timer.start()
    with transaction(second):
        make_client(second, client_code="AFTER-WAIT")
    timer.join()
    assert first["clients"].count == 1


def _invoice_indexes(db) -> list[tuple]:
    return sorted(db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'invoices'"
    ).fetchall())  # fmt: skip


def _rows(client: int, numbers: list[str]) -> list[tuple]:
    return [(n, client, "2026-04-01", "2026-05-01", "JPY", 1_000, "x", "x") for n in numbers]


INSERT = (
    "INSERT INTO invoices (invoice_no, client_id, invoice_date, due_date, currency, amount,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def test_a_bulk_first_load_rebuilds_the_indexes_it_set_aside(db, monkeypatch):
    from lib import db as schema

    monkeypatch.setattr(schema, "BULK_ROWS", 3)
    client = make_client(db)
    before = _invoice_indexes(db)
    with transaction(db):
        schema.insert_many(db, "invoices", INSERT, _rows(client, [f"B{n}" for n in range(5)]))
    assert _invoice_indexes(db) == before
    assert db.execute("SELECT COUNT(*) FROM invoices INDEXED BY invoices_open").fetchone() == (5,)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_bulk_load_that_fails_leaves_table_and_indexes_as_they_were(db, monkeypatch):
    from lib import db as schema

    monkeypatch.setattr(schema, "BULK_ROWS", 3)
    client = make_client(db)
    before = _invoice_indexes(db)
    with pytest.raises(sqlite3.IntegrityError), transaction(db):  # a number twice: refused
        schema.insert_many(db, "invoices", INSERT, _rows(client, ["A", "B", "C", "D", "A"]))
    assert _invoice_indexes(db) == before
    assert db.execute("SELECT COUNT(*) FROM invoices").fetchone() == (0,)


def _count_and_thread(conn, table):
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0], threading.get_ident()


def test_a_read_beside_runs_on_its_own_connection_and_thread(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from lib.db import beside

    db = connect(tmp_path / "k.db")
    db["settings"].insert({"key": "k", "value": "v"})
    with ThreadPoolExecutor(max_workers=1) as pool:
        count, thread = beside(db, pool, _count_and_thread, "settings").result()
    assert count == 1
    assert thread != threading.get_ident()


def test_a_read_beside_an_in_memory_database_runs_here():
    from concurrent.futures import ThreadPoolExecutor

    from lib.db import beside

    db = connect(":memory:")
    db["settings"].insert({"key": "k", "value": "v"})
    with ThreadPoolExecutor(max_workers=1) as pool:
        count, thread = beside(db, pool, _count_and_thread, "settings").result()
    assert (count, thread) == (1, threading.get_ident())
