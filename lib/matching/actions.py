"""What a collector does by hand: match, accept or reject a suggestion, unmatch, put a
receipt on a client's account, and keep the payer aliases Kaishu learns from all of these.

Every action checks the role, runs in one transaction, re-reads what it changes, and is
audited. A manual match teaches the payer's name (and account) as an alias of the client,
so the next statement with that payer applies by itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.kana import split_branch
from lib.matching.text import read_line
from lib.money import format_money

DEDUCTION_KINDS = {
    "bank_fee": "transfer fee deducted by the payer",
    "tds": "TDS withheld",
    "card_fee": "card processor fee",
    "short_payment": "agreed short payment",
    "other": "other deduction",
}


class MatchError(ValueError):
    """A match that cannot be made as asked; the message says why."""


@dataclass
class Line:
    """One line of a manual match: apply ``amount`` to the invoice, and record ``deduction``
    of ``kind`` with its ``reason``."""

    invoice_id: int
    amount: int
    deduction: int = 0
    kind: str | None = None
    reason: str = ""


def _receipt(db: Database, receipt_id: int) -> dict:
    row = next(
        db.query(
            "SELECT r.*, COALESCE((SELECT SUM(amount) FROM allocations WHERE receipt_id = r.id"
            " AND reversed_at IS NULL), 0) AS applied FROM receipts r WHERE r.id = ?",
            [receipt_id],
        ),
        None,
    )
    if row is None:
        raise MatchError(f"no receipt #{receipt_id}")
    if row["reversed_at"]:
        raise MatchError("this receipt was reversed")
    return row


def _invoice(db: Database, invoice_id: int) -> dict:
    row = next(
        db.query(
            "SELECT i.*, i.amount - s.settled AS outstanding FROM invoices i JOIN invoice_settled s"
            " ON s.invoice_id = i.id WHERE i.id = ?",
            [invoice_id],
        ),
        None,
    )
    if row is None or row["voided_at"]:
        raise MatchError(f"no open invoice #{invoice_id}")
    return row


def _check(receipt: dict, invoice: dict, line: Line) -> None:
    cur = receipt["currency"]
    if invoice["currency"] != cur:
        raise MatchError(
            f"invoice {invoice['invoice_no']} is in {invoice['currency']}, the receipt in {cur}"
        )
    if line.amount < 0 or line.deduction < 0 or line.amount + line.deduction <= 0:
        raise MatchError("amounts must be positive")
    if line.amount + line.deduction > invoice["outstanding"]:
        raise MatchError(
            f"invoice {invoice['invoice_no']} has only "
            f"{format_money(invoice['outstanding'], cur)} open"
        )
    if line.deduction and line.kind not in DEDUCTION_KINDS:
        raise MatchError("choose what the deduction is (transfer fee, TDS, card fee …)")


def match(
    db: Database,
    actor: Actor,
    receipt_id: int,
    lines: list[Line],
    note: str = "",
    rule: str = "manual",
) -> str:
    """Apply a receipt to invoices by hand, with deductions; returns the batch id. The
    allocations take effect on the receipt's value date, not the day of matching."""
    require(actor, "match")
    if not lines:
        raise MatchError("choose at least one invoice")
    with transaction(db):
        receipt = _receipt(db, receipt_id)
        left = receipt["amount"] - receipt["applied"]
        if sum(line.amount for line in lines) > left:
            raise MatchError(
                f"only {format_money(left, receipt['currency'])} of this receipt is left to apply"
            )
        invoices = {line.invoice_id: _invoice(db, line.invoice_id) for line in lines}
        for line in lines:
            _check(receipt, invoices[line.invoice_id], line)
        batch = f"manual-{utc_now()}-{receipt_id}"
        _write(db, actor, receipt, lines, note, rule, batch)
        client = invoices[lines[0].invoice_id]["client_id"]
        db.execute(
            "UPDATE receipts SET client_id = COALESCE(client_id, ?), suspense_reason = "
            "NULL WHERE id = ?",
            [client, receipt_id],
        )
        db.execute(
            "UPDATE match_suggestions SET status = 'stale' WHERE receipt_id = ? AND "
            "status = 'open'",
            [receipt_id],
        )
        teach(db, actor, receipt, client)
        audit.record(
            db,
            actor,
            "receipts",
            receipt_id,
            "manual match",
            None,
            {
                "lines": [
                    [invoices[x.invoice_id]["invoice_no"], x.amount, x.deduction, x.kind]
                    for x in lines
                ],
                "note": note,
            },
            client,
        )
    return batch


def _write(
    db: Database, actor: Actor, receipt: dict, lines: list[Line], note: str, rule: str, batch: str
) -> None:
    now = utc_now()
    explanation = note or f"matched by {actor.name or actor.username}"
    for line in lines:
        if line.amount:
            db["allocations"].insert(
                {
                    "receipt_id": receipt["id"],
                    "invoice_id": line.invoice_id,
                    "amount": line.amount,
                    "effective_date": receipt["value_date"],
                    "method": "manual",
                    "rule": rule,
                    "confidence": 1.0,
                    "explanation": explanation,
                    "batch": batch,
                    "created_by": actor.username,
                    "created_at": now,
                }
            )
        if line.deduction:
            db["deductions"].insert(
                {
                    "invoice_id": line.invoice_id,
                    "receipt_id": receipt["id"],
                    "amount": line.deduction,
                    "kind": line.kind,
                    "reason": line.reason.strip() or DEDUCTION_KINDS[line.kind],
                    "effective_date": receipt["value_date"],
                    "method": "manual",
                    "batch": batch,
                    "created_by": actor.username,
                    "created_at": now,
                }
            )


def teach(db: Database, actor: Actor, receipt: dict, client_id: int) -> None:
    """Remember the receipt's payer (and account) as an alias of ``client_id``."""
    require(actor, "match")
    line = read_line(receipt["payer_name"], receipt["memo"])
    for name in line.names:
        key = split_branch(name)[0]
        if not key:
            continue
        now = utc_now()
        db.execute(
            "INSERT INTO client_aliases (client_id, payer_name, payer_key, account, source,"
            " times_used, created_by, created_at, last_used_at) VALUES (?, ?, ?, ?, 'manual', 1,"
            " ?, ?, ?) ON CONFLICT (payer_key, account, client_id) DO UPDATE SET"
            " times_used = times_used + 1, last_used_at = excluded.last_used_at, active = 1",
            [client_id, name, key, line.account, actor.username, now, now],
        )
        return


def accept(db: Database, actor: Actor, suggestion_id: int) -> str:
    """Accept a suggestion as it stands: it becomes a manual match."""
    require(actor, "match")
    row = next(db.query("SELECT * FROM match_suggestions WHERE id = ?", [suggestion_id]), None)
    if row is None or row["status"] != "open":
        raise MatchError("this suggestion is no longer open")
    lines = [
        Line(x["invoice_id"], x["amount"], x.get("deduction") or 0, x.get("kind"))
        for x in json.loads(row["lines"])
    ]
    batch = match(
        db,
        actor,
        row["receipt_id"],
        lines,
        note=f"accepted: {row['explanation']}",
        rule="accepted suggestion",
    )
    with transaction(db):
        db.execute(
            "UPDATE match_suggestions SET status = 'accepted', decided_by = ?,"
            " decided_at = ? WHERE id = ?",
            [actor.username, utc_now(), suggestion_id],
        )
    return batch


def reject(db: Database, actor: Actor, suggestion_id: int) -> None:
    """Turn a suggestion down; the receipt stays in the queue or in suspense."""
    require(actor, "match")
    with transaction(db):
        row = next(db.query("SELECT * FROM match_suggestions WHERE id = ?", [suggestion_id]), None)
        if row is None or row["status"] != "open":
            raise MatchError("this suggestion is no longer open")
        db.execute(
            "UPDATE match_suggestions SET status = 'rejected', decided_by = ?,"
            " decided_at = ? WHERE id = ?",
            [actor.username, utc_now(), suggestion_id],
        )
        audit.record(
            db,
            actor,
            "match_suggestions",
            suggestion_id,
            "reject",
            {"status": "open"},
            {"status": "rejected"},
            row["client_id"],
        )


def unmatch(db: Database, actor: Actor, receipt_id: int, reason: str) -> int:
    """Reverse every allocation and deduction of a receipt (nothing is deleted); returns how
    many entries were reversed. Both sides come back exactly as they were."""
    require(actor, "match")
    if not reason.strip():
        raise MatchError("say why the match is wrong")
    with transaction(db):
        receipt = _receipt(db, receipt_id)
        now = utc_now()
        count = 0
        for table in ("allocations", "deductions"):
            rows = list(
                db.query(
                    f"SELECT * FROM {table} WHERE receipt_id = ? AND reversed_at IS NULL",
                    [receipt_id],
                )
            )
            for row in rows:
                change = {
                    "reversed_at": now,
                    "reversed_by": actor.username,
                    "reversal_reason": reason.strip(),
                }
                db[table].update(row["id"], change)
                audit.record(
                    db, actor, table, row["id"], "reverse", row, change, receipt["client_id"]
                )
            count += len(rows)
            if table == "allocations":
                from lib.recovery.recoveries import reverse_for_allocations  # issue 6

                # A recovery after write-off goes with its cash: the write-off stands again.
                reverse_for_allocations(db, actor, [row["id"] for row in rows], reason.strip())
        db.execute(
            "UPDATE receipts SET client_id = NULL, suspense_reason = ? WHERE id = ?",
            [f"unmatched by {actor.username}: {reason.strip()}", receipt_id],
        )
    return count


def reverse_receipt(db: Database, actor: Actor, receipt_id: int, reason: str) -> None:
    """Reverse a receipt the bank took back, by hand, when its statement could not say which
    credit it was: unmatched first, then kept as reversed with the reason and an audit entry,
    so it no longer counts as money received. Nothing is deleted."""
    from lib.importing.reversals import reverse  # the importer's modules load matching lazily

    require(actor, "match")
    if not reason.strip():
        raise MatchError("say why the receipt is reversed")
    with transaction(db):
        receipt = _receipt(db, receipt_id)  # refuses one unknown or already reversed
        del receipt["applied"]  # derived, not a column: the audit keeps the row as it was
        reverse(db, actor, receipt, f"reversed by hand: {reason.strip()[:300]}", utc_now())


def assign_to_client(db: Database, actor: Actor, receipt_id: int, client_id: int) -> None:
    """Put an unapplied receipt on a client's account (it leaves suspense) and learn the
    payer as that client's alias."""
    require(actor, "match")
    with transaction(db):
        receipt = _receipt(db, receipt_id)
        if not db.execute("SELECT 1 FROM clients WHERE id = ?", [client_id]).fetchone():
            raise MatchError("no such client")
        db.execute(
            "UPDATE receipts SET client_id = ?, suspense_reason = NULL WHERE id = ?",
            [client_id, receipt_id],
        )
        teach(db, actor, receipt, client_id)
        audit.record(
            db,
            actor,
            "receipts",
            receipt_id,
            "assign to client",
            {"client_id": receipt["client_id"]},
            {"client_id": client_id},
            client_id,
        )
