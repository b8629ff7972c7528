"""Delivering stored reminders over SMTP (or as .eml), once each, and retrying failures.

See :mod:`lib.followups.mailer` for how reminders are stored. Here each stored email is
claimed (pending or failed → sending) in its own short transaction, sent, and finished: sent
emails become follow-ups with their invoices; failures keep their error for the retry list.
A connection that cannot be opened fails the rest of the batch at once, with the reason,
instead of waiting for a timeout per client.
"""

from __future__ import annotations

import io
import smtplib
import ssl
import uuid
import zipfile
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.policy import default as default_policy
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups.compose import Draft, render_draft, sender_for
from lib.followups.mailer import STALE_SENDING, Outcome, SmtpConfig, queue
from lib.followups.settings import load as load_settings

Connect = Callable[[SmtpConfig], smtplib.SMTP]


def connect(config: SmtpConfig) -> smtplib.SMTP:
    """An SMTP session: implicit SSL, STARTTLS or plain, then a login if a user is set."""
    if config.security == "ssl":
        context = ssl.create_default_context()
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        if config.security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if config.user:
        smtp.login(config.user, config.password)
    return smtp


def _claim(db: Database, email_id: int, interrupted: bool) -> dict[str, Any] | None:
    stale = (datetime.now(UTC) - STALE_SENDING).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    extra = " OR (status = 'sending' AND attempted_at < :stale)" if interrupted else ""
    with transaction(db):
        claimed = db.execute(
            "UPDATE emails SET status = 'sending', attempts = attempts + 1,"
            " attempted_at = :now WHERE id = :id AND (status IN ('pending', 'failed')"
            f"{extra})",
            {"id": email_id, "now": utc_now(), "stale": stale},
        ).rowcount
    return db["emails"].get(email_id) if claimed else None


def _fail(db: Database, actor: Actor, row: dict, error: str) -> Outcome:
    with transaction(db):
        db["emails"].update(row["id"], {"status": "failed", "last_error": error[:500]})
        after = {"status": "failed", "error": error[:500]}
        before = {"status": row["status"]}
        audit.record(db, actor, "emails", row["id"], "send", before, after, row["client_id"])
    return _result(db, row, "failed", error)


def _finish(db: Database, actor: Actor, row: dict, on: date, status: str, note: str) -> Outcome:
    with transaction(db):
        follow_up = {
            "client_id": row["client_id"],
            "contacted_on": on.isoformat(),
            "channel": "email",
            "outcome": "sent",
            "note": f"{note}: {row['subject']}",
            "created_by": actor.username,
            "created_at": utc_now(),
        }
        follow_up_id = db["follow_ups"].insert(follow_up).last_pk
        db.execute(
            "INSERT INTO follow_up_invoices (follow_up_id, invoice_id)"
            " SELECT ?, invoice_id FROM email_invoices WHERE email_id = ?",
            [follow_up_id, row["id"]],
        )
        change = {"status": status, "sent_at": utc_now(), "follow_up_id": follow_up_id}
        db["emails"].update(row["id"], {**change, "last_error": None})
        client = row["client_id"]
        audit.record(db, actor, "follow_ups", follow_up_id, "create", None, follow_up, client)
        audit.record(db, actor, "emails", row["id"], "send", {"status": "sending"}, change, client)
    return _result(db, row, status, "")


def _result(db: Database, row: dict, status: str, error: str) -> Outcome:
    client = db["clients"].get(row["client_id"])
    return Outcome(row["id"], client["client_code"], client["name"], row["to_addrs"], status, error)


def deliver(
    db: Database,
    actor: Actor,
    email_ids: Sequence[int],
    config: SmtpConfig | None,
    on: date,
    interrupted: bool = False,
    opener: Connect = connect,
) -> list[Outcome]:
    """Send stored reminders that are pending or failed (with ``interrupted``, also those
    left "sending" by a crash: check the mailbox first). Without ``config`` they become
    "prepared" .eml files. Returns one outcome per email."""
    require(actor, "send_email")
    outcomes: list[Outcome] = []
    smtp: smtplib.SMTP | None = None
    unreachable = ""
    try:
        for email_id in email_ids:
            row = _claim(db, email_id, interrupted)
            if row is None:
                current = db["emails"].get(email_id)
                done = current["status"] in ("sent", "prepared")
                status = "already sent" if done else current["status"]
                outcomes.append(_result(db, current, status, ""))
                continue
            if config is None:
                note = "Reminder prepared as .eml, to send from the mail program"
                outcomes.append(_finish(db, actor, row, on, "prepared", note))
                continue
            if not unreachable and smtp is None:
                try:
                    smtp = opener(config)
                except (OSError, smtplib.SMTPException) as exc:
                    unreachable = f"could not connect to {config.host}:{config.port}: {exc}"
            if unreachable:
                outcomes.append(_fail(db, actor, row, unreachable))
                continue
            outcome, smtp = _send_one(db, actor, smtp, config, row, on)
            outcomes.append(outcome)
    finally:
        _close(smtp)
    return outcomes


def _send_one(db, actor, smtp, config: SmtpConfig, row: dict, on: date):
    to = [a.strip() for a in row["to_addrs"].split(",") if a.strip()]
    try:
        refused = smtp.sendmail(config.sender, to, row["raw"])
    except smtplib.SMTPRecipientsRefused as exc:
        return _fail(db, actor, row, f"the server refused {', '.join(exc.recipients)}"), smtp
    except (OSError, smtplib.SMTPException) as exc:
        _close(smtp)  # the session may be broken; the next email opens a fresh one
        return _fail(db, actor, row, f"{type(exc).__name__}: {exc}"), None
    note = "Reminder email sent to " + row["to_addrs"]
    if refused:
        note += f" (refused: {', '.join(refused)})"
    return _finish(db, actor, row, on, "sent", note), smtp


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def unsent(db: Database) -> list[dict[str, Any]]:
    """Reminders stored but not sent: failed, interrupted while sending, or still pending,
    oldest first, with the client and the last error."""
    return list(
        db.query(
            "SELECT e.id, e.prepared_on, e.to_addrs, e.subject, e.status, e.attempts,"
            " e.last_error, e.attempted_at, c.client_code, c.name AS client_name"
            " FROM emails e JOIN clients c ON c.id = e.client_id"
            " WHERE e.status IN ('failed', 'sending', 'pending') ORDER BY e.id"
        )
    )


def email(db: Database, email_id: int) -> dict[str, Any]:
    """One stored email with its parsed parts (text, html, attachment names)."""
    row = db["emails"].get(email_id)
    parsed = message_from_bytes(row["raw"], policy=default_policy)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    row["text"] = text.get_content() if text else ""
    row["html"] = html.get_content() if html else ""
    row["attachments"] = [p.get_filename() for p in parsed.iter_attachments()]
    return row


def eml_zip(db: Database, email_ids: Sequence[int]) -> bytes:
    """The stored emails as .eml files in one zip, named by client and step."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for email_id in email_ids:
            row = db["emails"].get(email_id)
            name = row["idempotency_key"].replace("|", "-") + ".eml"
            archive.writestr(name, row["raw"])
    return buffer.getvalue()


def send_reminders(
    db: Database,
    actor: Actor,
    drafts: Sequence[Draft],
    on: date,
    config: SmtpConfig | None,
    batch: str | None = None,
    opener: Connect = connect,
) -> list[Outcome]:
    """Render, store and send the chosen reminders (one per client); a reminder already
    stored today for the same client and step is never made again, only sent if it has not
    gone yet. Returns one outcome per client."""
    require(actor, "send_email")
    settings = load_settings(db)
    me = {"name": actor.name or actor.username, "email": ""}
    for draft in drafts:
        if not draft.subject and not draft.problem:
            render_draft(db, draft, on, settings, sender_for(db, draft.client, me))
    batch = batch or f"{on.isoformat()}-{actor.username}-{uuid.uuid4().hex[:8]}"
    ids, done = queue(db, actor, drafts, on, config.sender if config else "", batch)
    return done + deliver(db, actor, ids, config, on, opener=opener)
