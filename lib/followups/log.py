"""Logging a follow-up: a call, email, letter, visit, meeting or WhatsApp with its outcome.

One call of :func:`log_follow_up` writes the follow-up, the invoices it concerns (all overdue
ones unless chosen), and what the outcome implies, in one transaction with its audit entries:
a promise to pay, disputes on the chosen invoices, or a task for the client's owner to resend
copies of invoices or to send the statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups import CHANNELS, LOGGABLE_OUTCOMES, OUTCOMES, FollowUpError
from lib.followups.disputes import open_disputes
from lib.followups.ledger import client_open_items
from lib.followups.promises import check_plan, insert_promise

MAX_NOTE = 4000


@dataclass(frozen=True)
class FollowUp:
    """What the person logs. ``invoice_ids`` None means all the client's overdue invoices
    (or all open ones when none is overdue); ``promise`` is ``(date, minor units)`` per
    instalment, one pair for a single payment."""

    client_id: int
    channel: str
    outcome: str
    note: str = ""
    next_action_on: date | None = None
    invoice_ids: Sequence[int] | None = None
    promise: Sequence[tuple[date, int]] = ()
    promise_currency: str | None = None
    dispute_reason: str | None = None


def _check(entry: FollowUp, on: date) -> None:
    if entry.channel not in CHANNELS:
        raise FollowUpError(f"channel must be one of {', '.join(CHANNELS.values())}")
    if entry.outcome not in LOGGABLE_OUTCOMES:
        raise FollowUpError("choose what happened (the outcome)")
    if len(entry.note) > MAX_NOTE:
        raise FollowUpError(f"keep the note under {MAX_NOTE} characters")
    if entry.next_action_on and entry.next_action_on < on:
        raise FollowUpError("the next action date is in the past")
    if entry.promise and entry.outcome != "promised":
        raise FollowUpError('a promise goes with the outcome "Promised to pay"')
    if entry.outcome == "promised" and not entry.promise:
        raise FollowUpError("enter the promised amount and date")
    if entry.outcome == "disputed" and not entry.dispute_reason:
        raise FollowUpError("choose why the client disputes the invoices")


def _invoices(db: Database, entry: FollowUp, on: date) -> list[dict]:
    items = client_open_items(db, entry.client_id, on)
    if entry.invoice_ids is None:
        late = [i for i in items if i["days_past_due"] > 0]
        return late or items
    wanted = set(entry.invoice_ids)
    marks = ",".join("?" * len(wanted))
    sql = "SELECT id AS invoice_id, invoice_no, currency, client_id FROM invoices"
    sql += f" WHERE id IN ({marks})"
    rows = list(db.query(sql, list(wanted))) if wanted else []
    if any(r["client_id"] != entry.client_id for r in rows) or len(rows) != len(wanted):
        raise FollowUpError("an invoice chosen belongs to another client")
    return rows


def _currency(db: Database, entry: FollowUp, invoices: list[dict]) -> str:
    if entry.promise_currency:
        return entry.promise_currency
    found = {i["currency"] for i in invoices}
    if len(found) == 1:
        return found.pop()
    client = db["clients"].get(entry.client_id)
    if not found and client["currency"]:
        return client["currency"]
    raise FollowUpError("the invoices are in several currencies: say which one is promised")


def task_owner(db: Database, client_id: int, actor: Actor) -> str:
    """Who gets the client's tasks: its owner when that is an active user, else the actor."""
    owner = db["clients"].get(client_id)["owner"]
    if (
        owner
        and db.execute("SELECT 1 FROM users WHERE username = ? AND active = 1", [owner]).fetchone()
    ):
        return owner
    return actor.username


def log_follow_up(db: Database, actor: Actor, entry: FollowUp, on: date) -> int:
    """Record a follow-up made on ``on`` (the team's today) and what its outcome implies;
    returns the follow-up id."""
    require(actor, "log_follow_up")
    _check(entry, on)
    with transaction(db):
        invoices = _invoices(db, entry, on)
        row = {
            "client_id": entry.client_id,
            "contacted_on": on.isoformat(),
            "channel": entry.channel,
            "outcome": entry.outcome,
            "note": entry.note.strip(),
            "next_action_on": entry.next_action_on.isoformat() if entry.next_action_on else None,
            "created_by": actor.username,
            "created_at": utc_now(),
        }
        follow_up_id = db["follow_ups"].insert(row).last_pk
        ids = [i["invoice_id"] for i in invoices]
        db.conn.executemany(
            "INSERT INTO follow_up_invoices (follow_up_id, invoice_id) VALUES (?, ?)",
            [(follow_up_id, i) for i in ids],
        )
        after = {**row, "invoices": ids}
        audit.record(db, actor, "follow_ups", follow_up_id, "create", None, after, entry.client_id)
        _consequences(db, actor, entry, on, follow_up_id, invoices)
    return follow_up_id


def _consequences(
    db: Database, actor: Actor, entry: FollowUp, on: date, follow_up_id: int, invoices: list
) -> None:
    from lib.followups.notes import add_note  # notes imports nothing from here; keep it lazy

    if entry.promise:
        plan = check_plan(entry.promise, on)
        currency = _currency(db, entry, invoices)
        insert_promise(db, actor, entry.client_id, currency, plan, on, follow_up_id)
    if entry.outcome == "disputed":
        ids = [i["invoice_id"] for i in invoices]
        open_disputes(db, actor, ids, entry.dispute_reason or "", entry.note, on, follow_up_id)
    task = {"asked_copy": "resend_invoice", "asked_statement": "send_statement"}.get(entry.outcome)
    if task:
        numbers = ", ".join(i["invoice_no"] for i in invoices) or "the open invoices"
        body = (
            f"Resend copies of {numbers}"
            if task == "resend_invoice"
            else "Send the statement of account"
        ) + f" ({OUTCOMES[entry.outcome].lower()} on {on:%d/%m/%Y})"
        owner = task_owner(db, entry.client_id, actor)
        add_note(db, actor, entry.client_id, body, task, owner, None, on, None, follow_up_id)
