"""Disputed invoices: opening a dispute with its reason, and logging its resolution.

``invoices.disputed`` and ``invoices.dispute_reason`` say whether an invoice is paused from
reminders now; the ``disputes`` table keeps the history (who opened it, why, how it ended).
The ledger import may flag an invoice as disputed on its own; resolving such an invoice
records the dispute and its end together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups import DISPUTE_REASONS, RESOLUTIONS, FollowUpError


def open_disputes(
    db: Database,
    actor: Actor,
    invoice_ids: Sequence[int],
    reason: str,
    note: str,
    on: date,
    follow_up_id: int | None = None,
) -> list[int]:
    """Mark invoices disputed with ``reason``; returns the new dispute ids. Invoices already
    in dispute are left as they are."""
    require(actor, "log_follow_up")
    if reason not in DISPUTE_REASONS:
        raise FollowUpError("choose why the client disputes the invoice")
    if not invoice_ids:
        raise FollowUpError("choose the invoices the client disputes")
    created = []
    with transaction(db):
        for invoice_id in invoice_ids:
            invoice = db["invoices"].get(invoice_id)
            if invoice["disputed"] and _open_dispute(db, invoice_id):
                continue
            row = {
                "invoice_id": invoice_id,
                "follow_up_id": follow_up_id,
                "reason": reason,
                "note": note.strip(),
                "opened_on": on.isoformat(),
                "opened_by": actor.username,
                "opened_at": utc_now(),
            }
            dispute_id = db["disputes"].insert(row).last_pk
            _flag(db, invoice, 1, DISPUTE_REASONS[reason])
            audit.record(db, actor, "disputes", dispute_id, "open", None, row, invoice["client_id"])
            created.append(dispute_id)
    return created


def resolve_dispute(
    db: Database, actor: Actor, invoice_id: int, resolution: str, note: str, on: date
) -> int:
    """End the open dispute on an invoice with how it was settled; reminders resume for
    whatever is still outstanding. Returns the dispute id."""
    require(actor, "log_follow_up")
    if resolution not in RESOLUTIONS:
        raise FollowUpError("choose how the dispute was resolved")
    if not note.strip():
        raise FollowUpError("note what was agreed (e.g. the credit note number)")
    with transaction(db):
        invoice = db["invoices"].get(invoice_id)
        dispute = _open_dispute(db, invoice_id)
        if dispute is None:
            if not invoice["disputed"]:
                raise FollowUpError(f"invoice {invoice['invoice_no']} is not in dispute")
            # Flagged by the ledger import: record the dispute so its end has a beginning.
            dispute = {
                "invoice_id": invoice_id,
                "reason": "other",
                "note": f"flagged in the ledger: {invoice['dispute_reason'] or 'no reason'}",
                "opened_on": on.isoformat(),
                "opened_by": "ledger",
                "opened_at": utc_now(),
            }
            dispute["id"] = db["disputes"].insert(dispute).last_pk
        change = {
            "resolution": resolution,
            "resolution_note": note.strip(),
            "resolved_on": on.isoformat(),
            "resolved_by": actor.username,
            "resolved_at": utc_now(),
        }
        db["disputes"].update(dispute["id"], change)
        _flag(db, invoice, 0, None)
        before = {"resolution": None}
        client = invoice["client_id"]
        audit.record(db, actor, "disputes", dispute["id"], "resolve", before, change, client)
    return dispute["id"]


def _open_dispute(db: Database, invoice_id: int) -> dict[str, Any] | None:
    return next(
        db.query(
            "SELECT * FROM disputes WHERE invoice_id = ? AND resolved_at IS NULL", [invoice_id]
        ),
        None,
    )


def _flag(db: Database, invoice: dict, disputed: int, reason: str | None) -> None:
    db["invoices"].update(
        invoice["id"], {"disputed": disputed, "dispute_reason": reason, "updated_at": utc_now()}
    )


def client_disputes(db: Database, client_id: int) -> list[dict[str, Any]]:
    """Every dispute on the client's invoices, open ones first, with the invoice number."""
    return list(
        db.query(
            "SELECT d.*, i.invoice_no, i.currency, i.amount FROM disputes d"
            " JOIN invoices i ON i.id = d.invoice_id WHERE i.client_id = ?"
            " ORDER BY d.resolved_at IS NOT NULL, d.opened_on DESC, d.id DESC",
            [client_id],
        )
    )
