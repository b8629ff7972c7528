"""Money recovered after a write-off.

When a client pays an invoice already written off, the write-off is reduced by what was
recovered (a ``write_off_recoveries`` row) and the cash is applied as an ordinary allocation
(manual, rule ``recovery_after_write_off``), both in one transaction and in that order, so the
invoice is never settled twice. Reversing the recovery reverses its allocation first; an
unmatch of the receipt on the Matching page does the same (:func:`reverse_for_allocations`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.money import format_money
from lib.recovery import RecoveryError
from lib.recovery.caselog import insert_event
from lib.recovery.cases import case_by_id

RULE = "recovery_after_write_off"


def recoverable(db: Database, invoice_id: int) -> list[dict[str, Any]]:
    """The write-offs standing on an invoice with what is still recoverable on each."""
    return list(
        db.query(
            "SELECT w.*, w.amount - COALESCE((SELECT SUM(v.amount) FROM write_off_recoveries v"
            " WHERE v.write_off_id = w.id AND v.reversed_at IS NULL), 0) AS left"
            " FROM write_offs w WHERE w.invoice_id = ? AND w.reversed_at IS NULL"
            " ORDER BY w.effective_date, w.id",
            [invoice_id],
        )
    )


def unapplied_receipts(db: Database, client_id: int, currency: str) -> list[dict[str, Any]]:
    """The client's receipts in ``currency`` with money not yet applied (on its account or
    already applied in part to its invoices)."""
    return list(
        db.query(
            """
SELECT r.*, r.amount - COALESCE((SELECT SUM(a.amount) FROM allocations a
         WHERE a.receipt_id = r.id AND a.reversed_at IS NULL), 0) AS unapplied
  FROM receipts r
 WHERE r.reversed_at IS NULL AND r.currency = :cur AND (r.client_id = :client OR r.id IN (
       SELECT a.receipt_id FROM allocations a JOIN invoices i ON i.id = a.invoice_id
        WHERE i.client_id = :client AND a.reversed_at IS NULL))
   AND r.amount - COALESCE((SELECT SUM(a.amount) FROM allocations a
         WHERE a.receipt_id = r.id AND a.reversed_at IS NULL), 0) > 0
 ORDER BY r.value_date""",
            {"client": client_id, "cur": currency},
        )
    )


def recover(
    db: Database,
    actor: Actor,
    receipt_id: int,
    invoice_id: int,
    amount: int,
    today: date,
    case_id: int | None = None,
) -> int:
    """Apply ``amount`` of an unapplied receipt to a written-off invoice as a recovery after
    write-off; returns the allocation id."""
    require(actor, "recovery")
    require(actor, "match")
    if not isinstance(amount, int) or amount <= 0:
        raise RecoveryError("enter the amount recovered")
    with transaction(db):
        receipt = next(
            db.query(
                "SELECT r.*, r.amount - COALESCE((SELECT SUM(a.amount) FROM allocations a"
                " WHERE a.receipt_id = r.id AND a.reversed_at IS NULL), 0) AS unapplied"
                " FROM receipts r WHERE r.id = ?",
                [receipt_id],
            ),
            None,
        )
        inv = db["invoices"].get(invoice_id)
        if receipt is None or receipt["reversed_at"]:
            raise RecoveryError("that receipt does not stand")
        if receipt["currency"] != inv["currency"]:
            raise RecoveryError(
                f"the receipt is in {receipt['currency']}, the invoice in {inv['currency']}"
            )
        if receipt["client_id"] not in (None, inv["client_id"]):
            raise RecoveryError("the receipt is on another client's account")
        if amount > receipt["unapplied"]:
            left = format_money(receipt["unapplied"], receipt["currency"])
            raise RecoveryError(f"only {left} of this receipt is unapplied")
        if receipt["value_date"] > today.isoformat():
            raise RecoveryError("the receipt's value date is in the future")
        standing = [w for w in recoverable(db, invoice_id) if w["left"] > 0]
        if amount > sum(w["left"] for w in standing):
            most = format_money(sum(w["left"] for w in standing), inv["currency"])
            raise RecoveryError(f"only {most} of invoice {inv['invoice_no']} is written off")
        now, rest, recovery_ids = utc_now(), amount, []
        for w in standing:
            if rest <= 0:
                break
            part = min(rest, w["left"])
            row = {
                "write_off_id": w["id"],
                "invoice_id": invoice_id,
                "receipt_id": receipt_id,
                "amount": part,
                "effective_date": max(receipt["value_date"], w["effective_date"]),
                "created_by": actor.username,
                "created_at": now,
            }
            recovery_ids.append(db["write_off_recoveries"].insert(row).last_pk)
            audit.record(
                db,
                actor,
                "write_off_recoveries",
                recovery_ids[-1],
                "create",
                None,
                row,
                inv["client_id"],
            )
            rest -= part
        shown = format_money(amount, inv["currency"])
        allocation = {
            "receipt_id": receipt_id,
            "invoice_id": invoice_id,
            "amount": amount,
            "effective_date": receipt["value_date"],
            "method": "manual",
            "rule": RULE,
            "confidence": 1.0,
            "explanation": f"{shown} recovered after write-off of {inv['invoice_no']}"
            f" (applied by {actor.name or actor.username})",
            "batch": f"recovery-{now}-{receipt_id}",
            "created_by": actor.username,
            "created_at": now,
        }
        allocation_id = db["allocations"].insert(allocation).last_pk
        marks = ",".join("?" * len(recovery_ids))
        db.execute(
            f"UPDATE write_off_recoveries SET allocation_id = ? WHERE id IN ({marks})",
            [allocation_id, *recovery_ids],
        )
        db.execute(
            "UPDATE receipts SET client_id = COALESCE(client_id, ?), suspense_reason = NULL"
            " WHERE id = ?",
            [inv["client_id"], receipt_id],
        )
        audit.record(
            db, actor, "allocations", allocation_id, "create", None, allocation, inv["client_id"]
        )
        if case_id:
            case = case_by_id(db, case_id)
            note = f"{shown} recovered after write-off on {inv['invoice_no']}"
            insert_event(db, actor, case, "payment", note, today)
    return allocation_id


def reverse_for_allocations(
    db: Database, actor: Actor, allocation_ids: Sequence[int], reason: str
) -> int:
    """Reverse the recoveries whose allocations were just reversed (inside the caller's
    transaction, after the allocations); returns how many."""
    if not allocation_ids:
        return 0
    marks = ",".join("?" * len(allocation_ids))
    rows = list(
        db.query(
            f"SELECT * FROM write_off_recoveries WHERE allocation_id IN ({marks})"
            " AND reversed_at IS NULL",
            list(allocation_ids),
        )
    )
    change = {"reversed_at": utc_now(), "reversed_by": actor.username, "reversal_reason": reason}
    for row in rows:
        db["write_off_recoveries"].update(row["id"], change)
        client = db.execute(
            "SELECT client_id FROM invoices WHERE id = ?", [row["invoice_id"]]
        ).fetchone()[0]
        audit.record(db, actor, "write_off_recoveries", row["id"], "reverse", row, change, client)
    return len(rows)


def reverse_recovery(db: Database, actor: Actor, allocation_id: int, reason: str) -> None:
    """Undo a recovery after write-off: its allocation and its recovery rows are reversed
    (nothing is deleted), so the receipt is unapplied and the write-off stands in full."""
    require(actor, "recovery")
    require(actor, "match")
    if not reason.strip():
        raise RecoveryError("say why the recovery is reversed")
    with transaction(db):
        row = next(db.query("SELECT * FROM allocations WHERE id = ?", [allocation_id]), None)
        if row is None or row["reversed_at"] or row["rule"] != RULE:
            raise RecoveryError("that is not a standing recovery after write-off")
        change = {
            "reversed_at": utc_now(),
            "reversed_by": actor.username,
            "reversal_reason": reason.strip(),
        }
        db["allocations"].update(allocation_id, change)
        client = db.execute(
            "SELECT client_id FROM invoices WHERE id = ?", [row["invoice_id"]]
        ).fetchone()[0]
        audit.record(db, actor, "allocations", allocation_id, "reverse", row, change, client)
        reverse_for_allocations(db, actor, [allocation_id], reason.strip())


def case_recoveries(db: Database, case_id: int) -> list[dict[str, Any]]:
    """Recoveries after write-off on the case's write-offs, with their receipts."""
    return list(
        db.query(
            "SELECT v.*, i.invoice_no, i.currency, r.reference, r.payer_name"
            " FROM write_off_recoveries v JOIN write_offs w ON w.id = v.write_off_id"
            " JOIN invoices i ON i.id = v.invoice_id JOIN receipts r ON r.id = v.receipt_id"
            " WHERE w.case_id = ? ORDER BY v.id",
            [case_id],
        )
    )
