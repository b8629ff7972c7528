"""lib.clients: the client list's balances on a date, without Streamlit."""

from __future__ import annotations

from datetime import date

from builders import make_allocation, make_client, make_invoice, make_receipt

from lib.clients import find_clients
from lib.db import connect

AS_OF = date(2026, 11, 30)


def test_balances_on_a_date_count_only_what_was_settled_by_then(tmp_path):
    db = connect(tmp_path / "k.db")
    late = make_client(db, client_code="JP0001", currency="JPY")
    make_client(db, client_code="JP0002", currency="JPY")
    yen = {"client_id": late, "currency": "JPY"}
    old = make_invoice(db, **yen, amount=110_000, tax=10_000, invoice_date="2026-09-01",
                       due_date="2026-09-30")  # fmt: skip
    make_invoice(db, **yen, amount=55_000, tax=5_000, invoice_date="2026-11-01",
                 due_date="2026-12-31")  # fmt: skip
    paid = make_receipt(db, currency="JPY", amount=110_000, value_date="2026-12-05",
                        receipt_date="2026-12-05")  # fmt: skip
    make_allocation(db, paid, old, 110_000, effective_date="2026-12-05")
    rows = {r["client_code"]: r for r in find_clients(db, AS_OF)}
    # Paid after the date: on 30 November the September invoice was still 61 days late.
    assert (rows["JP0001"]["outstanding"], rows["JP0001"]["overdue"]) == (165_000, 110_000)
    assert (rows["JP0001"]["oldest_days"], rows["JP0001"]["open_invoices"]) == (61, 2)
    # A client with nothing open shows a zero balance and no days late, not a missing row.
    assert (rows["JP0002"]["outstanding"], rows["JP0002"]["oldest_days"]) == (0, None)
    after = {r["client_code"]: r for r in find_clients(db, date(2026, 12, 6))}
    assert (after["JP0001"]["overdue"], after["JP0001"]["oldest_days"]) == (0, None)
    assert [r["client_code"] for r in find_clients(db, AS_OF, overdue_only=True)] == ["JP0001"]
