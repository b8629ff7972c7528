"""Reminders over real SMTP: an aiosmtpd server on 127.0.0.1 receives what Kaishu sends."""

from __future__ import annotations

import socket
from datetime import date
from email import message_from_bytes
from email.policy import default as default_policy
from io import BytesIO

import pytest
from aiosmtpd.controller import Controller
from builders import make_client, make_invoice, make_user
from openpyxl import load_workbook

from lib.auth import PermissionDenied
from lib.followups.compose import due_reminders
from lib.followups.mailer import SmtpConfig
from lib.followups.sending import deliver, email, eml_zip, send_reminders, unsent

AS_OF = date(2026, 11, 20)


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts; it may refuse addresses."""

    def __init__(self, refuse: set[str] | None = None):
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse = refuse or set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    started = []

    def start(port: int | None = None, refuse: set[str] | None = None) -> tuple[Inbox, int]:
        inbox = Inbox(refuse)
        controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
        controller.start()
        started.append(controller)
        return inbox, controller.port

    yield start
    for controller in started:
        controller.stop()


def config(port: int) -> SmtpConfig:
    return SmtpConfig("127.0.0.1", port, "none", sender="ar@kaishu.example", timeout=5)


@pytest.fixture
def ledger(db):
    make_user(db, "priya", name="Priya Shah", email="priya@kaishu.example")
    ja = make_client(
        db,
        client_code="JP1",
        name="株式会社山田商事",
        currency="JPY",
        language="ja",
        owner="priya",
        email="keiri@yamada.example; tanaka@yamada.example",
    )
    en = make_client(db, client_code="IN1", name="Sharma Traders", email="ap@sharma.example")
    make_client(db, client_code="IN2", name="No Mail Pvt Ltd", email=None)
    for client, currency, amount in [(ja, "JPY", 330_000), (en, "INR", 1_18_000_00)]:
        make_invoice(
            db,
            client_id=client,
            currency=currency,
            amount=amount,
            tax=0,
            invoice_date="2026-09-01",
            due_date="2026-11-10",
        )
    make_invoice(
        db,
        client_id=db.execute("SELECT id FROM clients WHERE client_code = 'IN2'").fetchone()[0],
        invoice_date="2026-09-01",
        due_date="2026-11-10",
    )
    return db


def parsed(raw: bytes):
    return message_from_bytes(raw, policy=default_policy)


def test_a_batch_reaches_the_smtp_server_one_email_per_client(ledger, collector, smtp_server):
    inbox, port = smtp_server()
    drafts = due_reminders(ledger, AS_OF)
    outcomes = send_reminders(ledger, collector, drafts, AS_OF, config(port))
    assert {(o.client_code, o.status) for o in outcomes} == {
        ("JP1", "sent"),
        ("IN1", "sent"),
        ("IN2", "skipped"),
    }
    assert next(o for o in outcomes if o.client_code == "IN2").error.startswith("no email")
    by_to = {tuple(rcpt): (sender, parsed(raw)) for sender, rcpt, raw in inbox.messages}
    assert len(inbox.messages) == 2
    sender, msg = by_to[("keiri@yamada.example", "tanaka@yamada.example")]
    assert sender == "ar@kaishu.example"
    assert (
        msg["Subject"].startswith("【お支払いのお願い】")
        and msg["Reply-To"] == "priya@kaishu.example"
    )
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "株式会社山田商事" in body and "支払期日 2026年11月10日" in body and "¥330,000" in body
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_filename() == "statement-JP1-2026-11-20.xlsx"
    sheet = load_workbook(BytesIO(attachment.get_content())).active
    assert list(sheet.iter_rows(values_only=True))[-1][6] == 330_000
    _, english = by_to[("ap@sharma.example",)]
    assert english["Subject"] == "Payment reminder: 1 overdue invoice(s) for Sharma Traders"
    assert "₹1,18,000.00" in english.get_body(preferencelist=("plain",)).get_content()


def test_each_sent_email_is_a_follow_up_with_its_exact_content(ledger, collector, smtp_server):
    inbox, port = smtp_server()
    send_reminders(ledger, collector, due_reminders(ledger, AS_OF), AS_OF, config(port))
    rows = list(ledger.query("SELECT * FROM emails WHERE status = 'sent' ORDER BY id"))
    assert len(rows) == 2 and all(r["follow_up_id"] for r in rows)
    received = {raw.replace(b"\r\n", b"\n") for _, _, raw in inbox.messages}
    assert {r["raw"].replace(b"\r\n", b"\n") for r in rows} == received
    follow_up = ledger["follow_ups"].get(rows[0]["follow_up_id"])
    assert (follow_up["channel"], follow_up["outcome"], follow_up["created_by"]) == (
        "email",
        "sent",
        "priya",
    )
    assert rows[0]["subject"] in follow_up["note"]
    concerned = ledger.execute(
        "SELECT COUNT(*) FROM follow_up_invoices WHERE follow_up_id = ?", [follow_up["id"]]
    ).fetchone()[0]
    assert concerned == 1
    shown = email(ledger, rows[0]["id"])
    assert shown["attachments"] == [rows[0]["attachment_name"]] and "<table" in shown["html"]


def test_a_double_click_never_sends_twice(ledger, collector, smtp_server):
    inbox, port = smtp_server()
    for _ in range(2):
        outcomes = send_reminders(
            ledger, collector, due_reminders(ledger, AS_OF), AS_OF, config(port)
        )
    assert len(inbox.messages) == 2
    assert sorted(o.status for o in outcomes) == ["already sent", "already sent", "skipped"]
    keys = ledger.execute("SELECT idempotency_key FROM emails ORDER BY 1").fetchall()
    assert keys == [("IN1|reminder|2026-11-20",), ("JP1|reminder|2026-11-20",)]


def test_a_retry_after_a_refused_connection_sends_exactly_once(ledger, collector, smtp_server):
    port = free_port()  # nothing listens here yet: the connection is refused
    first = send_reminders(ledger, collector, due_reminders(ledger, AS_OF), AS_OF, config(port))
    failed = [o for o in first if o.status == "failed"]
    assert len(failed) == 2 and all("could not connect" in o.error for o in failed)
    assert [u["status"] for u in unsent(ledger)] == ["failed", "failed"]
    inbox, _ = smtp_server(port)
    retried = deliver(ledger, collector, [o.email_id for o in failed], config(port), AS_OF)
    assert [o.status for o in retried] == ["sent", "sent"]
    again = deliver(ledger, collector, [o.email_id for o in failed], config(port), AS_OF)
    assert [o.status for o in again] == ["already sent", "already sent"]
    send_reminders(ledger, collector, due_reminders(ledger, AS_OF), AS_OF, config(port))
    assert len(inbox.messages) == 2 and unsent(ledger) == []
    attempts = ledger.execute("SELECT attempts FROM emails ORDER BY id").fetchall()
    assert attempts == [(2,), (2,)]


def test_a_refused_recipient_fails_alone_and_the_others_go(ledger, collector, smtp_server):
    inbox, port = smtp_server(refuse={"ap@sharma.example"})
    outcomes = send_reminders(ledger, collector, due_reminders(ledger, AS_OF), AS_OF, config(port))
    status = {o.client_code: (o.status, o.error) for o in outcomes}
    assert status["JP1"] == ("sent", "")
    assert status["IN1"] == ("failed", "the server refused ap@sharma.example")
    assert len(inbox.messages) == 1


def test_without_smtp_the_emails_are_prepared_as_eml_files(ledger, collector):
    outcomes = send_reminders(ledger, collector, due_reminders(ledger, AS_OF), AS_OF, None)
    prepared = [o for o in outcomes if o.status == "prepared"]
    assert len(prepared) == 2
    import zipfile

    archive = zipfile.ZipFile(BytesIO(eml_zip(ledger, [o.email_id for o in prepared])))
    assert sorted(archive.namelist()) == [
        "IN1-reminder-2026-11-20.eml",
        "JP1-reminder-2026-11-20.eml",
    ]
    msg = parsed(archive.read("JP1-reminder-2026-11-20.eml"))
    assert msg["To"] == "keiri@yamada.example, tanaka@yamada.example"
    notes = ledger.execute("SELECT note FROM follow_ups").fetchall()
    assert all(n[0].startswith("Reminder prepared as .eml") for n in notes)


def test_interns_cannot_send(ledger, intern):
    with pytest.raises(PermissionDenied):
        send_reminders(ledger, intern, due_reminders(ledger, AS_OF), AS_OF, None)


def test_smtp_settings_from_secrets():
    values = {
        "host": "smtp.example.com",
        "port": 465,
        "ssl": True,
        "user": "u",
        "password": "s3cr3t-pw",
    }
    found = SmtpConfig.from_mapping(values)
    assert (found.security, found.port, found.sender) == ("ssl", 465, "u")
    assert "s3cr3t-pw" not in found.describe()
    assert SmtpConfig.from_mapping({"host": "h", "starttls": "false"}).security == "none"
    assert SmtpConfig.from_mapping({"host": ""}) is None
