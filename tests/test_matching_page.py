"""Matching page: run auto-match, accept a suggestion, match by hand with a fee, unmatch,
put a suspense item on account; interns look but cannot change anything."""

from __future__ import annotations

import pytest
from builders import make_client, make_invoice, make_receipt
from conftest import open_app

from lib.db import connect

PAGE = "pages/matching_page.py"


@pytest.fixture
def ledger(app_db):
    db = connect(app_db)
    yamada = make_client(
        db,
        client_code="JP0001",
        name="株式会社山田商事",
        name_kana="ヤマダショウジ",
        currency="JPY",
    )
    for no, amount in (("Q-1", 10000), ("Q-2", 20000), ("F-1", 55000)):
        make_invoice(
            db,
            client_id=yamada,
            invoice_no=no,
            amount=amount,
            tax=0,
            currency="JPY",
            invoice_date="2026-09-01",
            due_date="2026-09-30",
        )
    ids = {
        "auto": make_receipt(
            db,
            currency="JPY",
            amount=55000,
            payer_name="ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",
            memo="F-1",
            receipt_date="2026-09-30",
            value_date="2026-09-30",
        ),
        "suggest": make_receipt(
            db,
            currency="JPY",
            amount=17000,
            payer_name="ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",
            memo="ﾌﾘｺﾐ",
            receipt_date="2026-10-01",
            value_date="2026-10-01",
        ),
        "lost": make_receipt(
            db,
            currency="JPY",
            amount=4321,
            payer_name="ﾀﾞﾚｶ ﾀﾛｳ",
            memo="ﾌﾘｺﾐ",
            receipt_date="2026-10-02",
            value_date="2026-10-02",
        ),
    }
    return app_db, ids


def allocations(path) -> list[tuple]:
    return (
        connect(path)
        .execute(
            "SELECT receipt_id, invoice_id, amount, method FROM allocations WHERE reversed_at IS"
            " NULL ORDER BY id"
        )
        .fetchall()
    )


def button(at, label):
    return next(b for b in at.button if b.label.startswith(label))


def test_collector_runs_auto_match_and_accepts_a_suggestion(ledger):
    path, ids = ledger
    at = open_app("priya", PAGE)
    button(at, "Run auto-match").click().run()
    assert not at.exception
    assert any("1 applied, 1 to review, 1 in suspense" in s.value for s in at.success)
    queue = at.dataframe[0].value
    assert list(queue["Amount"]) == ["¥17,000"] and "Q-1" in queue["Proposed"].iloc[0]
    at.session_state["queue"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    button(at, "Accept 1").click().run()
    assert not at.exception
    assert [(r, a) for r, _, a, _ in allocations(path) if r == ids["suggest"]] == [
        (ids["suggest"], 10000),
        (ids["suggest"], 7000),
    ]


def test_manual_split_with_a_fee_then_unmatch(ledger):
    path, ids = ledger
    at = open_app("priya", PAGE, query={"section": "manual", "receipt": str(ids["lost"])})
    assert not at.exception
    editor = at.data_editor[0]
    invoices = (
        list(editor.value["Invoice"])
        if hasattr(editor.value, "columns")
        else [r["Invoice"] for r in editor.value]
    )
    row = invoices.index("Q-1")
    at.session_state[f"lines-{ids['lost']}"] = {
        "edited_rows": {
            row: {
                "Apply": True,
                "Amount to apply": 4321,
                "Deduction": 5679,
                "Deduction is": "short_payment",
            }
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    button(at, "Match").click().run()
    assert not at.exception, at.exception
    db = connect(path)
    assert db.execute("SELECT amount, kind FROM deductions").fetchone() == (5679, "short_payment")
    assert (
        db.execute(
            "SELECT s.settled FROM invoice_settled s JOIN invoices i ON i.id ="
            " s.invoice_id WHERE i.invoice_no = 'Q-1'"
        ).fetchone()[0]
        == 10000
    )
    at = open_app("priya", PAGE, query={"section": "matched"})
    at.session_state["matched"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    next(t for t in at.text_input if t.label.startswith("Why")).input("wrong client").run()
    button(at, "Unmatch").click().run()
    assert not at.exception
    assert (
        allocations(path) == []
        and db.execute("SELECT COUNT(*) FROM deductions WHERE reversed_at IS NULL").fetchone()[0]
        == 0
    )


def test_suspense_item_put_on_a_clients_account(ledger):
    path, ids = ledger
    at = open_app("asha", PAGE)
    button(at, "Run auto-match").click().run()
    at = open_app("asha", PAGE, query={"section": "suspense"})
    suspense = at.dataframe[0].value
    assert list(suspense["Amount"]) == ["¥4,321"]
    at.session_state["suspense"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    button(at, "Put on this client's account").click().run()
    assert not at.exception
    db = connect(path)
    assert db.execute("SELECT client_id FROM receipts WHERE id = ?", [ids["lost"]]).fetchone()[0]
    assert db.execute("SELECT payer_name FROM client_aliases").fetchone()[0] == "ﾀﾞﾚｶ ﾀﾛｳ"


def test_a_suspense_receipt_the_bank_took_back_is_reversed(ledger):
    path, ids = ledger
    at = open_app("asha", PAGE)
    button(at, "Run auto-match").click().run()
    at = open_app("asha", PAGE, query={"section": "suspense"})
    at.session_state["suspense"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert button(at, "Reverse this receipt").disabled  # not without a reason
    at.text_input(key="suspense_reverse_why").input("RC on the 14 Nov statement").run()
    button(at, "Reverse this receipt").click().run()
    assert not at.exception
    assert any("Receipt reversed" in s.value for s in at.success)
    row = (
        connect(path)
        .execute("SELECT reversed_by, reversal_reason FROM receipts WHERE id = ?", [ids["lost"]])
        .fetchone()
    )
    assert tuple(row) == ("asha", "reversed by hand: RC on the 14 Nov statement")
    assert next(m for m in at.metric if m.label == "In suspense").value == "0"
    assert not [b for b in at.button if b.label == "Reverse this receipt"]  # nothing left picked


def test_interns_see_the_queue_but_cannot_match(ledger):
    at = open_app("ravi", PAGE)
    assert not [b for b in at.button if b.label == "Run auto-match"]
    assert any("Interns can look" in c.value for c in at.caption)
