"""Follow-up journeys in a real browser: an intern logs a call with a promise on Today, and a
collector sends a reminder batch to an SMTP server started by the test."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.builders import make_client, make_invoice, make_promise
from tests.e2e.conftest import go, settle, sign_in
from tests.e2e.test_journeys import PASSWORD, shot


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def server_env(inbox):
    """The app's SMTP settings point at an aiosmtpd server on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield {
        "KAISHU_SMTP_HOST": "127.0.0.1",
        "KAISHU_SMTP_PORT": str(port),
        "KAISHU_SMTP_SECURITY": "none",
        "KAISHU_SMTP_FROM": "ar@kaishu.example",
    }
    controller.stop()


def ledger(path: Path) -> None:
    """Three clients owed money: a broken promise first, then two ordinary ones."""
    from lib import users
    from lib.db import connect
    from lib.ui.context import today

    def ago(days: int) -> str:
        return (today() - timedelta(days=days)).isoformat()

    db = connect(path)
    lead = users.create_first_lead(db, "asha", "Asha Rao", PASSWORD)
    users.add_user(db, lead, "priya", "Priya Shah", "collector", PASSWORD, "priya@kaishu.example")
    users.add_user(db, lead, "ravi", "Ravi Iyer", "intern", PASSWORD)
    rows = [
        ("JP0001", "株式会社山田商事", "JPY", 330_000, 20, "keiri@yamada.example", "ja"),
        ("IN0001", "Sharma Traders Pvt Ltd", "INR", 1_18_000_00, 10, "ap@sharma.example", "en"),
        ("IN0002", "Gupta Exports", "INR", 45_000_00, 5, "accounts@gupta.example", "en"),
    ]
    for code, name, cur, amount, late, email, lang in rows:
        client = make_client(
            db,
            client_code=code,
            name=name,
            currency=cur,
            owner="priya",
            email=email,
            language=lang,
            phone="+91 22 5555 0100",
        )
        make_invoice(
            db,
            client_id=client,
            invoice_no=f"{code}-1",
            currency=cur,
            amount=amount,
            tax=0,
            invoice_date=ago(late + 30),
            due_date=ago(late),
        )
        if code == "JP0001":
            make_promise(db, client, [(ago(8), amount)], ago(12), currency=cur)
    db.close()


def test_an_intern_logs_a_call_with_a_promise_and_the_next_client_comes_up(server, page):
    ledger(server["db"])
    page.goto(server["url"])
    settle(page)
    sign_in(page, "ravi", PASSWORD)
    go(page, "Today")
    assert page.get_by_role("heading", name="株式会社山田商事").is_visible()
    assert page.get_by_text("promise of ¥330,000 broken 8 days ago").first.is_visible()
    shot(page, "today-intern")
    page.get_by_test_id("stRadio").get_by_text("Promised to pay", exact=True).click()
    settle(page)
    amount = page.get_by_role("textbox", name="Promised amount")
    amount.fill("330000")
    amount.press("Tab")
    settle(page)
    # The date field has day, month and year segments: type the digits into the first.
    page.get_by_role("spinbutton", name="day, Will pay by").click()
    page.keyboard.type((_today() + timedelta(days=7)).strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    settle(page)
    page.get_by_label("Note", exact=True).fill("Accounts head agreed; transfer next week")
    shot(page, "today-log-form")
    page.get_by_role("button", name="Save", exact=True).click()
    settle(page)
    assert page.get_by_text(
        "Saved: 株式会社山田商事 · Promised to pay · promise of ¥330,000"
    ).is_visible()
    assert page.get_by_role("heading", name="Sharma Traders Pvt Ltd").is_visible()
    shot(page, "today-next-client")
    from lib.db import connect

    db = connect(server["db"])
    promise = next(db.query("SELECT * FROM promises ORDER BY id DESC"))
    assert (promise["amount"], promise["created_by"]) == (330_000, "ravi")


def _today():
    from lib.ui.context import today

    return today()


def test_a_collector_sends_a_reminder_batch_over_smtp(server, page, inbox):
    ledger(server["db"])
    page.goto(server["url"])
    settle(page)
    sign_in(page, "priya", PASSWORD)
    go(page, "Reminders")
    assert page.get_by_text("Sending through 127.0.0.1").is_visible()
    shot(page, "reminders-preview")
    page.get_by_text("Dear Accounts team,").scroll_into_view_if_needed()
    shot(page, "reminders-email-preview")
    page.get_by_role("button", name="Send 3 reminders").click()
    settle(page)
    page.get_by_role("button", name="Yes, send now").click()
    settle(page)
    assert page.get_by_text("3 sent or prepared, 0 failed").is_visible()
    shot(page, "reminders-sent")
    assert sorted(r[0] for r, _ in inbox.messages) == [
        "accounts@gupta.example",
        "ap@sharma.example",
        "keiri@yamada.example",
    ]
    page.goto(server["url"] + "/clients?client=JP0001")
    settle(page)
    page.get_by_text("Timeline", exact=True).scroll_into_view_if_needed()
    assert page.get_by_text("Read an email exactly as sent").is_visible()
    shot(page, "client-timeline")
