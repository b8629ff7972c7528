"""Today, the Reminders page and the client timeline in AppTest, per role."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from builders import make_client, make_invoice, make_promise
from conftest import open_app

from lib.db import connect
from lib.ui.context import today

TODAY = today()


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture
def ledger(app_db):
    db = connect(app_db)
    first = make_client(
        db,
        client_code="JP0001",
        name="株式会社山田商事",
        currency="JPY",
        owner="priya",
        email="keiri@yamada.example",
        language="ja",
    )
    make_invoice(
        db,
        client_id=first,
        invoice_no="J-1",
        currency="JPY",
        amount=330_000,
        tax=0,
        invoice_date=ago(60),
        due_date=ago(20),
    )
    make_promise(db, first, [(ago(8), 330_000)], ago(12), currency="JPY")  # broken
    second = make_client(
        db,
        client_code="IN0001",
        name="Sharma Traders",
        currency="INR",
        owner="priya",
        email="ap@sharma.example",
    )
    make_invoice(
        db,
        client_id=second,
        invoice_no="S-1",
        currency="INR",
        amount=1_18_000_00,
        tax=0,
        invoice_date=ago(40),
        due_date=ago(10),
    )
    third = make_client(
        db,
        client_code="IN0002",
        name="Gupta Exports",
        currency="INR",
        owner="asha",
        phone="+91 22 5555 0101",
    )
    make_invoice(
        db,
        client_id=third,
        invoice_no="G-1",
        currency="INR",
        amount=50_000_00,
        tax=0,
        invoice_date=ago(40),
        due_date=ago(3),
    )
    db.close()
    return app_db


def current_client(at) -> str:
    return at.subheader[0].value


def log(at, outcome: str, note: str = ""):
    next(r for r in at.radio if r.label == "Outcome").set_value(outcome).run()
    if note:
        next(t for t in at.text_area if t.label == "Note").input(note)
    return at


def test_the_worklist_puts_the_broken_promise_first_with_its_reason(ledger):
    at = open_app("ravi", "pages/today_page.py")
    frame = at.dataframe[-1].value
    assert list(frame["Code"]) == ["JP0001", "IN0001", "IN0002"]
    assert frame["Why now"][0].startswith("promise of ¥330,000 broken 8 days ago")
    assert current_client(at) == "株式会社山田商事"
    assert any(i.value.startswith("promise of ¥330,000 broken") for i in at.info)


def test_an_intern_logs_a_call_with_a_promise_and_the_next_client_comes_up(ledger):
    at = open_app("ravi", "pages/today_page.py")
    log(at, "promised", "CFO agreed to pay next week")
    next(t for t in at.text_input if t.label == "Promised amount").input("330000")
    next(d for d in at.date_input if d.label == "Will pay by").set_value(TODAY + timedelta(days=7))
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception and not at.error
    assert any("promise of ¥330,000" in s.value for s in at.success)
    assert current_client(at) == "Sharma Traders"  # the next client
    db = connect(ledger)
    call = next(db.query("SELECT * FROM follow_ups"))
    assert (call["outcome"], call["created_by"], call["note"]) == (
        "promised",
        "ravi",
        "CFO agreed to pay next week",
    )
    promise = next(db.query("SELECT * FROM promises"))
    assert (promise["amount"], promise["currency"]) == (330_000, "JPY")
    frame = at.dataframe[-1].value
    assert frame["Code"].iloc[-1] == "JP0001" and frame["Client"].iloc[-1].startswith("✓ ")


def test_an_empty_amount_promises_the_whole_overdue_balance(ledger):
    at = open_app("ravi", "pages/today_page.py")
    log(at, "promised")
    next(d for d in at.date_input if d.label == "Will pay by").set_value(TODAY + timedelta(days=3))
    next(b for b in at.button if b.label == "Save").click().run()
    assert next(connect(ledger).query("SELECT amount FROM promises"))["amount"] == 330_000


def test_saving_without_an_outcome_explains_and_writes_nothing(ledger):
    at = open_app("ravi", "pages/today_page.py")
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("Choose the outcome" in e.value for e in at.error)
    assert connect(ledger).execute("SELECT COUNT(*) FROM follow_ups").fetchone()[0] == 0


def test_skip_moves_to_the_next_client(ledger):
    at = open_app("ravi", "pages/today_page.py")
    next(b for b in at.button if b.label == "Skip for now").click().run()
    assert current_client(at) == "Sharma Traders"


def test_filters_live_in_the_url(ledger):
    at = open_app("priya", "pages/today_page.py", query={"currency": "INR"})
    assert list(at.dataframe[-1].value["Code"]) == ["IN0001"]  # priya's own INR clients
    owner = next(s for s in at.selectbox if s.label == "Owner")
    owner.set_value("*").run()
    assert list(at.dataframe[-1].value["Code"]) == ["IN0001", "IN0002"]
    assert at.query_params["owner"] == "*" and at.query_params["currency"] == "INR"


def test_the_lead_sees_everyone_and_reassigns(ledger):
    at = open_app("asha", "pages/today_page.py")
    assert len(at.dataframe[-1].value) == 3
    db = connect(ledger)
    gupta = db.execute("SELECT id FROM clients WHERE client_code = 'IN0002'").fetchone()[0]
    next(m for m in at.multiselect if m.label == "Clients").set_value([gupta]).run()
    next(s for s in at.selectbox if s.label == "New owner").set_value("priya")
    next(b for b in at.button if b.label == "Reassign").click().run()
    assert not at.exception
    assert connect(ledger)["clients"].get(gupta)["owner"] == "priya"
    assert not [
        m for m in open_app("priya", "pages/today_page.py").multiselect if m.label == "Clients"
    ]


def test_interns_cannot_open_reminders(ledger):
    at = open_app("ravi", "pages/reminders_page.py")
    assert any("Interns can't open Reminders" in e.value for e in at.error)
    assert not [b for b in at.button if b.label.startswith(("Send", "Prepare"))]


@pytest.fixture
def inbox(monkeypatch):
    class Handler:
        messages: list = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for key, value in {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SECURITY": "none",
        "FROM": "ar@kaishu.example",
    }.items():
        monkeypatch.setenv(f"KAISHU_SMTP_{key}", value)
    yield handler.messages
    controller.stop()


def test_a_collector_previews_confirms_and_sends_reminders(ledger, inbox):
    at = open_app("priya", "pages/reminders_page.py")
    assert any("127.0.0.1" in c.value for c in at.caption)
    assert any(t.value.startswith("Subject: Payment reminder") for t in at.text)
    next(s for s in at.selectbox if s.label == "Preview the email to").set_value("JP0001").run()
    assert any(t.value.startswith("Subject: 【再度のお願い】") for t in at.text)
    assert any("株式会社山田商事" in c.value for c in at.code)
    send = next(b for b in at.button if b.label.startswith("Send "))
    assert send.label == "Send 2 reminders"  # IN0002 has no email address
    send.click().run()
    assert any("Each client gets one email" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Yes, send now").click().run()
    assert not at.exception
    assert sorted(r for r, _ in inbox) == [["ap@sharma.example"], ["keiri@yamada.example"]]
    assert any("2 sent or prepared, 0 failed" in s.value for s in at.success)
    again = open_app("priya", "pages/reminders_page.py")
    assert not [b for b in again.button if b.label.startswith("Send ") and not b.disabled]
    assert len(inbox) == 2


def test_the_client_page_logs_a_request_for_a_copy_and_shows_the_timeline(ledger):
    at = open_app("ravi", "pages/clients_page.py", query={"client": "IN0001"})
    log(at, "asked_copy", "lost the PDF")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception and not at.error
    timeline = next(d.value for d in at.dataframe if "Details" in d.value.columns)
    assert "Asked for copy invoice: lost the PDF" in set(timeline["Details"])
    assert any("Resend copies of S-1" in t.value for t in at.text)  # the open request
    priya = open_app("priya", "pages/today_page.py")
    assert any("Requests waiting for you (1" in e.label for e in priya.expander)


def test_the_lead_edits_a_template_and_a_broken_one_is_refused(ledger):
    at = open_app("asha", "pages/policy_page.py")
    subject = next(t for t in at.text_input if t.label == "Subject")
    subject.input("Overdue: {{ client_nmae }}").run()
    assert any("does not work" in e.value for e in at.error)
    next(t for t in at.text_input if t.label == "Subject").input("Overdue: {{ client_name }}")
    next(b for b in at.button if b.label == "Save template").click().run()
    assert any("Template saved" in s.value for s in at.success)
    db = connect(ledger)
    assert (
        db.execute(
            "SELECT COUNT(*) FROM email_templates WHERE subject = 'Overdue: {{ client_name }}'"
        ).fetchone()[0]
        == 1
    )


def test_a_pending_promise_can_be_cancelled_on_the_client_page(ledger):
    db = connect(ledger)
    sharma = db.execute("SELECT id FROM clients WHERE client_code = 'IN0001'").fetchone()[0]
    make_promise(db, sharma, [((TODAY + timedelta(days=5)).isoformat(), 50_000_00)], ago(1))
    at = open_app("priya", "pages/clients_page.py", query={"client": "IN0001"})
    promised = next(d.value for d in at.dataframe if "State" in d.value.columns)
    assert list(promised["State"]) == ["Pending"]
    next(t for t in at.text_input if t.label == "Why").input("logged on the wrong client")
    next(b for b in at.button if b.label == "Cancel the promise").click().run()
    assert not at.exception and not at.error
    promised = next(d.value for d in at.dataframe if "State" in d.value.columns)
    assert list(promised["State"]) == ["Cancelled"]
