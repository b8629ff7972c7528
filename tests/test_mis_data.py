"""The rows behind the MIS detail sheets: collections in the period and disputes."""

from __future__ import annotations

from datetime import date

from builders import NOW, make_allocation, make_client, make_invoice, make_receipt

from lib.reports.mis_data import collection_rows, dispute_rows

AS_OF = date(2026, 11, 20)
FIRST = date(2026, 10, 1)


def _invoice(db, client, no, amount=100_000_00):
    return make_invoice(db, invoice_no=no, client_id=client, amount=amount, tax=0,
                        invoice_date="2026-09-01", due_date="2026-09-30")  # fmt: skip


def test_collections_are_each_allocation_and_what_is_left_on_account_in_date_order(db):
    a, b = make_client(db, client_code="A01"), make_client(db, client_code="B01")
    first, second = _invoice(db, a, "INV-1"), _invoice(db, b, "INV-2")
    whole = make_receipt(db, client_id=b, amount=40_000_00, value_date="2026-11-02")
    make_allocation(db, whole, second, 40_000_00, effective_date="2026-11-02")
    part = make_receipt(db, client_id=a, amount=50_000_00, value_date="2026-11-02")
    make_allocation(db, part, first, 30_000_00, effective_date="2026-11-02")
    make_allocation(db, part, first, 5_000_00, effective_date="2026-11-25")  # after the day
    make_receipt(db, client_id=b, amount=1_000_00, value_date="2026-10-05")  # all on account
    make_receipt(db, client_id=a, amount=9_000_00, value_date="2026-09-30")  # before the period
    rows = collection_rows(db, FIRST, AS_OF, AS_OF)
    assert [
        (r["day"], r["client_code"], r["invoice_no"], r["kind"], r["amount"]) for r in rows
    ] == [
        ("2026-10-05", "B01", None, "On account", 1_000_00),
        ("2026-11-02", "A01", None, "On account", 20_000_00),
        ("2026-11-02", "A01", "INV-1", "Applied", 30_000_00),
        ("2026-11-02", "B01", "INV-2", "Applied", 40_000_00),
    ]  # the receipt applied in full leaves no "On account" row of nothing


def _dispute(db, invoice_id, opened_on):
    row = {"invoice_id": invoice_id, "reason": "wrong_amount", "note": "", "opened_on": opened_on}
    db["disputes"].insert({**row, "opened_by": "kenji", "opened_at": NOW})


def test_disputes_logged_and_flagged_in_the_ledger(db):
    client = make_client(db, client_code="A01")
    logged, later, flagged, settled = (_invoice(db, client, f"INV-{n}") for n in range(4))
    for invoice in (logged, later, flagged, settled):
        db["invoices"].update(invoice, {"disputed": 1, "dispute_reason": "short paid"})
    _dispute(db, logged, "2026-11-01")
    _dispute(db, later, "2026-11-25")  # logged after the day: on the day only the ledger's flag
    outstanding = {logged: 100_000_00, later: 100_000_00, flagged: 60_000_00}
    rows = dispute_rows(db, AS_OF, FIRST, outstanding)
    seen = {r["invoice_no"]: (r["reason"], r["status"], r["outstanding"]) for r in rows}
    assert seen == {
        "INV-0": ("Wrong amount", "Open", 100_000_00),
        "INV-1": ("In ledger", "Open", 100_000_00),
        "INV-2": ("In ledger", "Open", 60_000_00),
    }  # INV-3 is settled: nothing left in dispute
