"""Undoing an import: rows reversed or voided with a reason, whole or not at all, and the
corrected file (or the same file with the right options) importing again."""

from __future__ import annotations

from datetime import date

import pytest
from builders import make_allocation, make_follow_up
from conftest import csv_bytes, xlsx_bytes

from lib.auth import Actor, PermissionDenied
from lib.importing import ImportOptions, import_file
from lib.importing.undo import UndoRefused, undo_import, undo_plan

STATEMENT = [
    ["Txn Date", "Narration", "Credit", "Ref No"],
    ["05/11/2026", "NEFT CR-MEHTA BUILDERS-INV2610-00412", "2,50,000.00", "UTR001"],
    ["06/11/2026", "NEFT CR-SHARMA TRADERS", "1,18,000.00", "UTR002"],
]
LEDGER_HEAD = ["Invoice No", "Customer Code", "Customer", "Invoice Date", "Due Date", "Amount",
               "Currency"]  # fmt: skip


def ledger(*rows) -> bytes:
    return xlsx_bytes([LEDGER_HEAD, *rows])


def statement(db, actor, data=None, **options):
    data = data or csv_bytes(STATEMENT)
    return import_file(db, actor, data, "hdfc.csv", ImportOptions(kind="receipts", **options))


def invoices(db, actor, data, name="ledger.xlsx", **options):
    return import_file(db, actor, data, name, ImportOptions(kind="invoices", **options))


def live_receipts(db) -> list[tuple]:
    return db.execute(
        "SELECT reference, currency, amount FROM receipts WHERE reversed_at IS NULL ORDER BY id"
    ).fetchall()


def test_wrong_currency_statement_is_undone_and_imported_again_right(db, collector):
    wrong = statement(db, collector, currency="JPY")  # the INR statement imported as yen
    assert live_receipts(db) == [("UTR001", "JPY", 250000), ("UTR002", "JPY", 118000)]
    plan = undo_import(db, collector, wrong.import_id, "INR statement imported as JPY")
    assert plan.summary() == "2 receipts"
    assert live_receipts(db) == []
    reversed_rows = db.execute("SELECT reversed_by, reversal_reason FROM receipts").fetchall()
    assert reversed_rows == [("priya", f"import #{wrong.import_id} undone: INR statement "
                              "imported as JPY")] * 2  # fmt: skip
    right = statement(db, collector, currency="INR")
    assert right.imported == 2
    assert live_receipts(db) == [("UTR001", "INR", 25_000_000), ("UTR002", "INR", 11_800_000)]
    actions = [r[0] for r in db.execute("SELECT action FROM audit_log WHERE action IN "
                                        "('reverse', 'undo') ORDER BY id")]  # fmt: skip
    assert actions == ["reverse", "reverse", "undo"]


def test_the_same_file_can_come_in_again_once_its_import_is_undone(db, collector):
    first = statement(db, collector, currency="INR")
    assert statement(db, collector, currency="INR").already_imported
    undo_import(db, collector, first.import_id, "uploaded before the bank corrected it")
    again = statement(db, collector, currency="INR")
    assert (again.already_imported, again.imported) == (False, 2)


def test_a_receipt_with_money_applied_blocks_the_whole_undo(db, collector):
    result = statement(db, collector, currency="INR")
    rows = invoices(db, collector, ledger(["INV-1", "IN01", "Mehta Builders", date(2026, 10, 1),
                                           date(2026, 10, 31), 250000, "INR"]))  # fmt: skip
    receipt_id = db.execute("SELECT id FROM receipts WHERE reference = 'UTR001'").fetchone()[0]
    invoice_id = db.execute("SELECT id FROM invoices").fetchone()[0]
    make_allocation(db, receipt_id, invoice_id, 25_000_000)
    plan = undo_plan(db, collector, result.import_id)
    assert plan.blockers == ["receipt UTR001: money applied"]
    assert plan.headline() == (
        "1 of its 2 receipts are already in use; unmatch them on the Matching page first"
    )
    with pytest.raises(UndoRefused, match="receipt UTR001: money applied"):
        undo_import(db, collector, result.import_id, "wrong file")
    assert len(live_receipts(db)) == 2  # nothing changed
    with pytest.raises(UndoRefused, match="invoice INV-1: money applied"):
        undo_import(db, collector, rows.import_id, "wrong file")


def test_ledger_with_dates_read_the_wrong_way_is_undone_and_reimported(db, collector):
    data = csv_bytes([LEDGER_HEAD, ["A-1", "JP01", "山田商事", "04/05/2026", "06/05/2026", "110000",
                                    "JPY"]])  # fmt: skip
    wrong = invoices(db, collector, data, "ledger.csv", date_order="MDY")  # April 5, June 5
    assert db.execute("SELECT due_date FROM invoices").fetchone()[0] == "2026-06-05"
    plan = undo_import(db, collector, wrong.import_id, "dates are DD/MM, read as MM/DD")
    assert plan.summary() == "1 invoice · 1 new client"
    assert db.execute("SELECT active FROM clients WHERE client_code = 'JP01'").fetchone()[0] == 0
    right = invoices(db, collector, data, "ledger.csv", date_order="DMY")
    assert right.imported == 1
    row = db.execute(
        "SELECT invoice_date, due_date, voided_at, voided_by_import, import_id FROM invoices"
    ).fetchone()
    assert row == ("2026-05-04", "2026-05-06", None, None, right.import_id)
    assert db.execute("SELECT active FROM clients WHERE client_code = 'JP01'").fetchone()[0] == 1
    # Undoing the second import voids the invoice again: it belongs to that import now.
    assert undo_import(db, collector, right.import_id, "test of a second undo").invoices


def test_an_invoice_with_a_call_logged_blocks_the_undo(db, collector):
    result = invoices(db, collector, ledger(["A-2", "JP02", "鈴木工業", date(2026, 10, 1),
                                             date(2026, 10, 31), 5000, "JPY"]))  # fmt: skip
    client_id, invoice_id = db.execute("SELECT client_id, id FROM invoices").fetchone()
    follow_up = make_follow_up(db, client_id)
    db["follow_up_invoices"].insert({"follow_up_id": follow_up, "invoice_id": invoice_id})
    assert undo_plan(db, collector, result.import_id).blockers == [
        "invoice A-2: a follow-up logged"
    ]


def test_who_may_undo(db, collector, lead, intern):
    result = statement(db, collector, currency="INR")
    with pytest.raises(PermissionDenied):
        undo_import(db, intern, result.import_id, "interns cannot")
    with pytest.raises(PermissionDenied, match="made by priya; only they or the lead"):
        undo_import(db, Actor("rahul", "collector"), result.import_id, "not my import")
    with pytest.raises(UndoRefused, match="say why"):
        undo_import(db, lead, result.import_id, " ")
    assert undo_import(db, lead, result.import_id, "lead tidies up").receipts


def test_undone_twice_client_masters_and_changing_imports_are_refused(db, collector):
    result = statement(db, collector, currency="INR")
    undo_import(db, collector, result.import_id, "first time")
    with pytest.raises(UndoRefused, match="already undone"):
        undo_import(db, collector, result.import_id, "second time")
    master = import_file(db, collector, csv_bytes([["Customer Code", "Customer"], ["C9", "Nine"]]),
                         "clients.csv", ImportOptions(kind="clients"))  # fmt: skip
    assert "client master" in undo_plan(db, collector, master.import_id).blockers[0]
    first = invoices(db, collector, ledger(["A-3", "JP03", "X", date(2026, 10, 1),
                                            date(2026, 10, 31), 5000, "JPY"]))  # fmt: skip
    changed = invoices(db, collector, ledger(["A-3", "JP03", "X", date(2026, 10, 1),
                                              date(2026, 11, 30), 5000, "JPY"]))  # fmt: skip
    assert changed.updated == 1 and first.imported == 1
    assert "changed 1 existing rows" in undo_plan(db, collector, changed.import_id).blockers[0]
    with pytest.raises(UndoRefused, match="no import #999"):
        undo_plan(db, collector, 999)
