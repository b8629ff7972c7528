"""Working with colleagues: notes, requests to a teammate or a team, resend tasks, dispatches.

A note is a remark on a client or invoice. A request is addressed to a teammate (it shows on
their Today list) or to a team such as sales or the Tokyo office (it shows on the asker's Today
list, who logs the answer when it comes). "Resend invoice" and "send statement" are requests
the follow-up log creates for the client's owner. Invoice dispatches record every resend;
the ledger's own sent date and channel stay on the invoice as imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups import DISPATCH_CHANNELS, NOTE_KINDS, TEAMS, FollowUpError


def add_note(
    db: Database,
    actor: Actor,
    client_id: int,
    body: str,
    kind: str = "note",
    assignee: str | None = None,
    team: str | None = None,
    due_on: date | None = None,
    invoice_id: int | None = None,
    follow_up_id: int | None = None,
) -> int:
    """Write a note or a request; a request needs a teammate or a team. Returns its id."""
    require(actor, "log_follow_up")
    if kind not in NOTE_KINDS:
        raise FollowUpError(f"unknown kind of note {kind!r}")
    if not body.strip():
        raise FollowUpError("write the note or the request")
    if team and team not in TEAMS:
        raise FollowUpError(f"team must be one of {', '.join(TEAMS.values())}")
    if kind != "note" and not (assignee or team):
        raise FollowUpError("address the request to a teammate or a team")
    with transaction(db):
        if assignee and not _active_user(db, assignee):
            raise FollowUpError(f"{assignee} is not an active user")
        row = {
            "client_id": client_id,
            "invoice_id": invoice_id,
            "follow_up_id": follow_up_id,
            "kind": kind,
            "body": body.strip(),
            "assignee": assignee if kind != "note" else None,
            "team": team if kind != "note" else None,
            "due_on": due_on.isoformat() if due_on and kind != "note" else None,
            "created_by": actor.username,
            "created_at": utc_now(),
        }
        note_id = db["notes"].insert(row).last_pk
        audit.record(db, actor, "notes", note_id, "create", None, row, client_id)
    return note_id


def _active_user(db: Database, username: str) -> bool:
    return bool(
        db.execute(
            "SELECT 1 FROM users WHERE username = ? AND active = 1", [username.strip()]
        ).fetchone()
    )


def answer(db: Database, actor: Actor, note_id: int, text: str) -> None:
    """Close a request with its answer ("sales confirmed PO 4411"); anyone on the team may
    log the answer that reached them."""
    require(actor, "log_follow_up")
    if not text.strip():
        raise FollowUpError("write the answer")
    with transaction(db):
        old = db["notes"].get(note_id)
        if old["kind"] == "note":
            raise FollowUpError("a note needs no answer")
        if old["answered_at"]:
            raise FollowUpError("this request is already answered")
        change = {"answer": text.strip(), "answered_by": actor.username, "answered_at": utc_now()}
        db["notes"].update(note_id, change)
        before = {"answer": None}
        audit.record(db, actor, "notes", note_id, "answer", before, change, old["client_id"])


def record_dispatch(
    db: Database,
    actor: Actor,
    invoice_ids: Sequence[int],
    channel: str,
    on: date,
    note_id: int | None = None,
) -> list[int]:
    """Log that invoices were (re)sent to the client; with ``note_id`` the resend task it
    fulfils is answered too. Returns the dispatch ids."""
    require(actor, "log_follow_up")
    if channel not in DISPATCH_CHANNELS:
        raise FollowUpError(f"channel must be one of {', '.join(DISPATCH_CHANNELS.values())}")
    if not invoice_ids:
        raise FollowUpError("choose the invoices that were sent")
    ids = []
    with transaction(db):
        for invoice_id in invoice_ids:
            client_id = db["invoices"].get(invoice_id)["client_id"]
            row = {
                "invoice_id": invoice_id,
                "sent_on": on.isoformat(),
                "channel": channel,
                "note_id": note_id,
                "created_by": actor.username,
                "created_at": utc_now(),
            }
            ids.append(db["invoice_dispatches"].insert(row).last_pk)
            audit.record(db, actor, "invoice_dispatches", ids[-1], "create", None, row, client_id)
        if note_id:
            answer(
                db, actor, note_id, f"Sent by {DISPATCH_CHANNELS[channel].lower()} on {on:%d/%m/%Y}"
            )
    return ids


OPEN_FOR = """
SELECT n.*, c.client_code, c.name AS client_name, i.invoice_no FROM notes n
  JOIN clients c ON c.id = n.client_id
  LEFT JOIN invoices i ON i.id = n.invoice_id
 WHERE n.answered_at IS NULL AND n.kind <> 'note'
   AND (n.assignee = :me OR (n.assignee IS NULL AND n.created_by = :me))
 ORDER BY n.due_on IS NULL, n.due_on, n.id
"""


def open_requests(db: Database, username: str) -> list[dict[str, Any]]:
    """Requests waiting on ``username``: addressed to them, or asked by them of a team."""
    return list(db.query(OPEN_FOR, {"me": username}))


def client_notes(db: Database, client_id: int) -> list[dict[str, Any]]:
    """All notes and requests on a client, open requests first, newest first."""
    return list(
        db.query(
            "SELECT n.*, i.invoice_no FROM notes n LEFT JOIN invoices i ON i.id = n.invoice_id"
            " WHERE n.client_id = ?"
            " ORDER BY (n.kind <> 'note' AND n.answered_at IS NULL) DESC, n.created_at DESC",
            [client_id],
        )
    )


def task_invoices(db: Database, note: dict[str, Any]) -> list[int]:
    """The invoices a resend task is about: its own invoice, or those of its follow-up."""
    if note.get("invoice_id"):
        return [note["invoice_id"]]
    if not note.get("follow_up_id"):
        return []
    return [
        r[0]
        for r in db.execute(
            "SELECT invoice_id FROM follow_up_invoices WHERE follow_up_id = ?",
            [note["follow_up_id"]],
        )
    ]


def dispatches(db: Database, client_id: int) -> list[dict[str, Any]]:
    """Every logged (re)send of the client's invoices, newest first."""
    return list(
        db.query(
            "SELECT d.*, i.invoice_no FROM invoice_dispatches d JOIN invoices i"
            " ON i.id = d.invoice_id WHERE i.client_id = ? ORDER BY d.sent_on DESC, d.id DESC",
            [client_id],
        )
    )
