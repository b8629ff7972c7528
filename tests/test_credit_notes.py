"""Credit notes in the invoice ledger: a negative line naming the invoice it credits lowers
that invoice's balance, once, and is refused row by row when it cannot apply."""

from __future__ import annotations

from datetime import date

from conftest import xlsx_bytes

from lib.aging import open_items
from lib.importing import ImportOptions, import_file
from lib.importing.undo import undo_import

HEAD = ["Invoice No", "Customer Code", "Customer", "Invoice Date", "Due Date", "Amount", "Tax",
        "Currency", "Against Invoice"]  # fmt: skip
INVOICE = ["INV-101", "IN01", "Mehta Builders LLP", date(2026, 9, 1), date(2026, 9, 30),
           118000.00, 18000.00, "INR", None]  # fmt: skip
NOTE = ["CN-7", "IN01", "Mehta Builders LLP", date(2026, 9, 20), None, -11800.00, -1800.00,
        "INR", "INV-101"]  # fmt: skip


def ledger(db, actor, *rows, name="ledger.xlsx"):
    data = xlsx_bytes([HEAD, *[list(r) for r in rows]])
    return import_file(db, actor, data, name, ImportOptions(kind="invoices"))


def outstanding(db) -> dict[str, int]:
    return {i["invoice_no"]: i["outstanding"] for i in open_items(db, date(2026, 10, 1))}


def test_credit_note_lowers_its_invoice_once(db, collector):
    result = ledger(db, collector, INVOICE, NOTE)
    assert (result.imported, result.rejected) == (2, [])
    assert outstanding(db) == {"INV-101": 10_620_000}  # ₹1,18,000 less ₹11,800, in paise
    row = db.execute(
        "SELECT kind, reason, amount, effective_date, source_document FROM deductions"
    ).fetchone()
    assert row == ("other", "credit note CN-7", 1_180_000, "2026-09-20", "CN-7")
    assert db["invoices"].count == 1  # the note is not an invoice
    again = ledger(db, collector, INVOICE, NOTE, name="ledger-again.xlsx")
    assert (again.imported, again.duplicates) == (0, 2)
    assert outstanding(db) == {"INV-101": 10_620_000}


def test_before_the_credit_note_the_invoice_was_whole(db, collector):
    ledger(db, collector, INVOICE, NOTE)
    before = {i["invoice_no"]: i["outstanding"] for i in open_items(db, date(2026, 9, 19))}
    assert before == {"INV-101": 11_800_000}


def test_credit_notes_that_cannot_apply_are_rejected_by_row(db, collector):
    other_client = ["CN-8", "IN02", "Sharma Traders", date(2026, 9, 21), None, -100.0, 0, "INR",
                    "INV-101"]  # fmt: skip
    unknown = ["CN-9", "IN01", "Mehta Builders LLP", date(2026, 9, 21), None, -100.0, 0, "INR",
               "INV-999"]  # fmt: skip
    too_big = ["CN-10", "IN01", "Mehta Builders LLP", date(2026, 9, 22), None, -200000.0, 0,
               "INR", "INV-101"]  # fmt: skip
    bare = ["CN-11", "IN01", "Mehta Builders LLP", date(2026, 9, 22), None, -100.0, 0, "INR",
            None]  # fmt: skip
    result = ledger(db, collector, INVOICE, other_client, unknown, too_big, bare)
    assert result.imported == 1
    reasons = {e.row: (e.column, e.reason) for e in result.rejected}
    assert reasons[3] == ("Customer Code", "credit note CN-8 is for another client than INV-101")
    assert reasons[4] == ("Against Invoice", "credit note CN-9: invoice INV-999 is not in the "
                          "ledger")  # fmt: skip
    assert reasons[5][0] == "Amount" and "more than the ₹1,18,000.00 still open" in reasons[5][1]
    assert result.rejected[2].values["Invoice No"] == "CN-10"  # the row as it was, to download
    assert reasons[6][0] == "Amount"
    assert "credit note needs a column naming the invoice it credits" in reasons[6][1]
    assert outstanding(db) == {"INV-101": 11_800_000}


def test_two_notes_in_one_file_cannot_credit_more_than_the_invoice(db, collector):
    half = ["CN-1", "IN01", "Mehta Builders LLP", date(2026, 9, 20), None, -60000.0, 0, "INR",
            "INV-101"]  # fmt: skip
    more = ["CN-2", "IN01", "Mehta Builders LLP", date(2026, 9, 21), None, -60000.0, 0, "INR",
            "INV-101"]  # fmt: skip
    result = ledger(db, collector, INVOICE, half, more)
    assert result.imported == 2 and [e.row for e in result.rejected] == [4]
    assert outstanding(db) == {"INV-101": 5_800_000}


def test_undoing_the_ledger_reverses_its_credit_notes_and_it_imports_again(db, collector):
    first = ledger(db, collector, INVOICE, NOTE)
    plan = undo_import(db, collector, first.import_id, "wrong period exported")
    assert plan.summary() == "1 invoice · 1 credit note · 1 new client"
    assert outstanding(db) == {}
    again = ledger(db, collector, INVOICE, NOTE, name="ledger-fixed.xlsx")
    assert again.imported == 2
    assert outstanding(db) == {"INV-101": 10_620_000}


def test_a_credit_note_for_an_earlier_ledgers_invoice_is_undone_alone(db, collector):
    ledger(db, collector, INVOICE)
    notes = ledger(db, collector, NOTE, name="credit-notes.xlsx")
    assert outstanding(db) == {"INV-101": 10_620_000}
    assert undo_import(db, collector, notes.import_id, "note was cancelled").credit_notes
    assert outstanding(db) == {"INV-101": 11_800_000}
