"""Writing a run's outcome: allocations and deductions, suggestions, suspense reasons, audit.

A run gathers one chunk's rows in a :class:`Rows` and writes each table with a single
``executemany``: one statement per receipt cost more than the triggers that guard every row
(over-application, invoices.settled). The rows and their order are the same as one receipt at
a time, so the triggers see the same sums (every partial sum of an invoice's entries stays
below the final one, which the run has checked against the invoice).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.matching.case import Decision, Receipt


@dataclass
class Rows:
    """Rows waiting to be written, in the order the receipts were decided."""

    allocations: list[tuple] = field(default_factory=list)
    deductions: list[tuple] = field(default_factory=list)
    applied: list[tuple] = field(default_factory=list)  # (client, receipt id)
    stale: list[tuple] = field(default_factory=list)  # (receipt id,)
    suggestions: list[tuple] = field(default_factory=list)
    parked: list[tuple] = field(default_factory=list)  # (reason, client, receipt id)
    audit: list[tuple] = field(default_factory=list)

    def flush(self, db: Database, actor: Actor) -> None:
        """Write everything gathered (inside the caller's transaction) and start afresh."""
        conn = db.conn
        conn.executemany(
            "INSERT INTO allocations (receipt_id, invoice_id, amount, effective_date, method,"
            " rule, confidence, explanation, batch, created_by, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            self.allocations,
        )
        conn.executemany(
            "INSERT INTO deductions (invoice_id, receipt_id, amount, kind, reason, rate_bp,"
            " effective_date, method, batch, created_by, created_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            self.deductions,
        )
        conn.executemany(
            "UPDATE receipts SET client_id = COALESCE(client_id, ?), suspense_reason = NULL"
            " WHERE id = ?",
            self.applied,
        )
        conn.executemany(
            "UPDATE match_suggestions SET status = 'stale' WHERE receipt_id = ?"
            " AND status = 'open'",
            self.stale,
        )
        conn.executemany(
            "INSERT INTO match_suggestions (receipt_id, client_id, lines, rule, confidence,"
            " explanation, status, run_id, created_at) VALUES (?,?,?,?,?,?,'open',?,?)",
            self.suggestions,
        )
        conn.executemany(
            "UPDATE receipts SET suspense_reason = ?, client_id = COALESCE(client_id, ?)"
            " WHERE id = ?",
            self.parked,
        )
        if self.audit:
            audit.record_many(db, actor, self.audit)
        for gathered in fields(self):
            getattr(self, gathered.name).clear()


def write_allocations(
    db: Database,
    actor: Actor,
    receipt: Receipt,
    decision: Decision,
    method: str,
    batch: str,
    now: str,
    rows: Rows | None = None,
) -> None:
    """Record a decision's allocations and deductions, mark the receipt's client, and audit;
    into ``rows`` when given (the caller flushes them), else at once."""
    require(actor, "match")
    into = rows if rows is not None else Rows()
    for part in decision.parts:
        if part.applied > 0:
            into.allocations.append(
                (
                    receipt.id,
                    part.inv.id,
                    part.applied,
                    receipt.value_date,
                    method,
                    decision.rule,
                    decision.confidence,
                    decision.explanation,
                    batch,
                    actor.username,
                    now,
                )
            )
        if part.deduction:
            into.deductions.append(
                (
                    part.inv.id,
                    receipt.id,
                    part.deduction,
                    part.kind,
                    _reason(part.kind, decision),
                    part.rate_bp,
                    receipt.value_date,
                    method,
                    batch,
                    actor.username,
                    now,
                )
            )
    client = decision.client_id or (decision.parts[0].inv.client_id if decision.parts else None)
    into.applied.append((client, receipt.id))
    lines = [[p.inv.no, p.applied, p.deduction, p.kind] for p in decision.parts]
    after = {"rule": decision.rule, "explanation": decision.explanation, "lines": lines}
    into.audit.append(("receipts", receipt.id, f"{method} match", None, after, client))
    if rows is None:
        into.flush(db, actor)


def _reason(kind: str | None, decision: Decision) -> str:
    return {
        "bank_fee": "transfer fee deducted by the payer",
        "tds": "TDS withheld",
        "card_fee": "card processor fee",
    }.get(kind or "", decision.explanation)


def add_suggestion(rows: Rows, receipt: Receipt, decision: Decision, run_id: str, now: str) -> None:
    """Queue a suggestion for review (an open one for the receipt goes stale) and park the
    receipt in suspense with the reason."""
    lines = [
        {
            "invoice_id": p.inv.id,
            "invoice_no": p.inv.no,
            "amount": p.applied,
            "deduction": p.deduction,
            "kind": p.kind,
        }
        for p in decision.parts
    ]
    rows.stale.append((receipt.id,))
    rows.suggestions.append(
        (
            receipt.id,
            decision.client_id,
            json.dumps(lines),
            decision.rule,
            decision.confidence,
            decision.explanation,
            run_id,
            now,
        )
    )
    add_suspense(rows, receipt, decision)


def add_suspense(rows: Rows, receipt: Receipt, decision: Decision) -> None:
    """Park the receipt in suspense with the decision's reason."""
    rows.parked.append((decision.explanation, decision.client_id, receipt.id))
