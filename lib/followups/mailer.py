"""Sending reminders: stored first, sent once, logged as follow-ups, retried when they fail.

Each reminder is stored before anything leaves, with an idempotency key (client, step, day)
under a UNIQUE constraint, so a double click, a rerun or two collectors at once can never make
a second email for the same client, step and day. Sending claims a stored email (pending or
failed → sending) in its own transaction, so only one process ever sends it; the exact bytes
stored are the bytes sent, on every attempt. A sent email becomes a follow-up on the client's
timeline. Without SMTP settings the emails are stored as "prepared" for download as .eml
files, to send from the team's mail program. SMTP settings come from the caller (the app reads
``.streamlit/secrets.toml``); lib never reads secrets itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, formataddr, make_msgid
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups import FollowUpError
from lib.followups.compose import Draft

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
SECURITY = ("starttls", "ssl", "none")
STALE_SENDING = timedelta(minutes=15)


@dataclass(frozen=True)
class SmtpConfig:
    """Where reminders go out: the server, its security, the account and the From address."""

    host: str
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password: str = field(default="", repr=False)  # never in a log line or a traceback
    sender: str = ""
    timeout: float = 20.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> SmtpConfig | None:
        """Settings from a mapping (``host``, ``port``, ``security`` or ``starttls``/``ssl``,
        ``user``, ``password``, ``from``); None when no host is given."""
        if not values or not str(values.get("host") or "").strip():
            return None
        security = str(values.get("security") or "").lower()
        if not security:
            ssl_on = str(values.get("ssl", "")).lower() in ("1", "true", "yes")
            tls_on = str(values.get("starttls", "true")).lower() in ("1", "true", "yes")
            security = "ssl" if ssl_on else ("starttls" if tls_on else "none")
        if security not in SECURITY:
            raise FollowUpError(f"SMTP security must be one of {', '.join(SECURITY)}")
        return cls(
            host=str(values["host"]).strip(),
            port=int(values.get("port") or (465 if security == "ssl" else 587)),
            security=security,
            user=str(values.get("user") or ""),
            password=str(values.get("password") or ""),
            sender=str(values.get("from") or values.get("sender") or values.get("user") or ""),
        )

    def describe(self) -> str:
        """The settings in words, without the password."""
        how = {"starttls": "STARTTLS", "ssl": "SSL", "none": "no encryption"}[self.security]
        return f"{self.host}:{self.port} ({how}) as {self.sender or self.user or 'anonymous'}"


@dataclass
class Outcome:
    """What happened to one client's reminder in a batch."""

    email_id: int | None
    client_code: str
    client_name: str
    to: str
    status: str  # sent, prepared, failed, already sent, sending elsewhere, skipped
    error: str = ""


def build_message(draft: Draft, from_addr: str, from_name: str, reply_to: str) -> EmailMessage:
    """The MIME message: text and HTML alternatives plus the statement attachment."""
    msg = EmailMessage(policy=SMTP_POLICY)
    msg["From"] = formataddr((from_name, from_addr)) if from_name else from_addr
    msg["To"] = ", ".join(draft.to)
    if reply_to and reply_to != from_addr:
        msg["Reply-To"] = reply_to
    msg["Subject"] = draft.subject
    msg["Date"] = format_datetime(datetime.now().astimezone())
    domain = from_addr.rpartition("@")[2] or "kaishu.invalid"
    msg["Message-ID"] = make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain)
    msg.set_content(draft.text, charset="utf-8")
    msg.add_alternative(draft.html, subtype="html", charset="utf-8")
    if draft.attachment:
        msg.add_attachment(
            draft.attachment, maintype=XLSX[0], subtype=XLSX[1], filename=draft.attachment_name
        )
    return msg


def idempotency_key(draft: Draft, on: date) -> str:
    """One reminder per client, step and day."""
    return f"{draft.client['client_code']}|{draft.step['code']}|{on.isoformat()}"


def queue(
    db: Database, actor: Actor, drafts: Sequence[Draft], on: date, from_addr: str, batch: str
) -> tuple[list[int], list[Outcome]]:
    """Store rendered reminders unless their key exists; returns the ids still to send
    (new, or stored earlier and not yet sent) and the outcomes of those already done."""
    require(actor, "send_email")
    to_send, done = [], []
    with transaction(db):
        for draft in drafts:
            if draft.problem or not draft.subject:
                done.append(_outcome(None, draft, "skipped", draft.problem or "not rendered"))
                continue
            key = idempotency_key(draft, on)
            old = next(db.query("SELECT * FROM emails WHERE idempotency_key = ?", [key]), None)
            if old is None:
                to_send.append(_store(db, actor, draft, on, from_addr, batch, key))
            elif old["status"] in ("pending", "failed"):
                to_send.append(old["id"])
            else:
                status = {"sending": "sending elsewhere"}.get(old["status"], "already sent")
                done.append(_outcome(old["id"], draft, status, ""))
    return to_send, done


def _store(db, actor, draft: Draft, on: date, from_addr: str, batch: str, key: str) -> int:
    name, reply_to = draft.sender.get("name", ""), draft.sender.get("email", "")
    msg = build_message(
        draft, from_addr or reply_to or "collections@kaishu.invalid", name, reply_to
    )
    # An older unsent reminder of the same step is replaced by today's, never sent as well.
    db.execute(
        "UPDATE emails SET status = 'superseded' WHERE client_id = ? AND step_id = ?"
        " AND status IN ('pending', 'failed')",
        [draft.client["id"], draft.step["id"]],
    )
    row = {
        "idempotency_key": key,
        "client_id": draft.client["id"],
        "step_id": draft.step["id"],
        "prepared_on": on.isoformat(),
        "batch": batch,
        "language": draft.client["language"],
        "to_addrs": ", ".join(draft.to),
        "subject": draft.subject,
        "body_text": draft.text,
        "attachment_name": draft.attachment_name or None,
        "message_id": msg["Message-ID"],
        "raw": msg.as_bytes(),
        "status": "pending",
        "created_by": actor.username,
        "created_at": utc_now(),
    }
    email_id = db["emails"].insert(row).last_pk
    db.conn.executemany(
        "INSERT INTO email_invoices (email_id, invoice_id, outstanding) VALUES (?, ?, ?)",
        [(email_id, i["invoice_id"], i["outstanding"]) for i in draft.items],
    )
    shown = {k: row[k] for k in ("idempotency_key", "to_addrs", "subject", "status")}
    audit.record(db, actor, "emails", email_id, "create", None, shown, draft.client["id"])
    return email_id


def _outcome(email_id: int | None, draft: Draft, status: str, error: str) -> Outcome:
    code, name = draft.client["client_code"], draft.client["name"]
    return Outcome(email_id, code, name, ", ".join(draft.to), status, error)
