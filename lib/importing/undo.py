"""Undoing an import: the wrong file, the wrong account or currency, DD/MM read as MM/DD.

Nothing is deleted. The receipts the import added are reversed and the invoices it added are
voided, each with the reason and an audit entry; clients it created and nothing else uses are
made inactive. The import is marked undone, so the corrected file (or the same file with the
right options) can be imported again, and an invoice voided this way comes back when a later
ledger names it. An import is undone whole or not at all: if any of its rows is already
used (money applied, a call logged, a case opened), nothing changes and the plan says which
rows stand in the way. Rows an import *changed* are not put back; that import cannot be undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, PermissionDenied, require
from lib.db import transaction, utc_now
from lib.importing.reversals import stale_suggestions

MAX_NAMED = 5  # rows in use named in the message; the rest are counted

# Rows that use an invoice (``u``), with what to tell the collector.
INVOICE_USES = (
    ("allocations", "u.reversed_at IS NULL", "money applied"),
    # The import's own credit notes are undone with it; anyone else's deduction is a use.
    ("deductions", "u.reversed_at IS NULL AND u.import_id IS NOT t.import_id", "a deduction"),
    ("write_offs", "u.reversed_at IS NULL", "a write-off"),
    ("follow_up_invoices", "1", "a follow-up logged"),
    ("disputes", "1", "a dispute"),
    ("notes", "1", "a note"),
    ("email_invoices", "1", "an email sent"),
    ("invoice_dispatches", "1", "a dispatch recorded"),
    ("case_invoices", "1", "a recovery case"),
)
RECEIPT_USES = (
    ("allocations", "u.reversed_at IS NULL", "money applied"),
    ("deductions", "u.reversed_at IS NULL", "a deduction"),
    ("write_off_recoveries", "u.reversed_at IS NULL", "a recovery after write-off"),
)


class UndoRefused(ValueError):
    """The import cannot be undone; the message says why and what to do instead."""


@dataclass
class UndoPlan:
    """What undoing one import would do, or why it cannot be done."""

    import_id: int
    file_name: str
    kind: str
    receipts: list[int] = field(default_factory=list)
    invoices: list[int] = field(default_factory=list)
    clients: list[int] = field(default_factory=list)
    credit_notes: list[int] = field(default_factory=list)
    owners: dict[tuple[str, int], int | None] = field(default_factory=dict)  # row → its client
    blockers: list[str] = field(default_factory=list)
    in_use: int = 0  # rows already used by later work, of which ``blockers`` names a few

    @property
    def possible(self) -> bool:
        return not self.blockers

    def headline(self) -> str:
        """Why it cannot be undone, in one sentence, before the rows that stand in the way."""
        if not self.in_use:
            return self.blockers[0] if self.blockers else ""
        rows = self.receipts if self.kind == "receipts" else self.invoices
        what = "receipts" if self.kind == "receipts" else "invoices"
        fix = ("unmatch them on the Matching page first" if self.kind == "receipts"
               else "reverse what uses them first")  # fmt: skip
        return f"{self.in_use:,} of its {len(rows):,} {what} are already in use; {fix}"

    def details(self) -> list[str]:
        """The rows in the way (or further reasons), below :meth:`headline`."""
        return self.blockers if self.in_use else self.blockers[1:]

    def summary(self) -> str:
        parts = [
            f"{len(rows):,} {name}{'' if len(rows) == 1 else 's'}"
            for rows, name in (
                (self.receipts, "receipt"),
                (self.invoices, "invoice"),
                (self.credit_notes, "credit note"),
                (self.clients, "new client"),
            )  # fmt: skip
            if rows
        ]
        return " · ".join(parts) or "nothing left to undo"


def undo_plan(db: Database, actor: Actor, import_id: int) -> UndoPlan:
    """What :func:`undo_import` would reverse for ``import_id``, and any reason it cannot."""
    require(actor, "import")
    row = db.execute(
        "SELECT id, file_name, kind, username, updated, undone_at FROM imports WHERE id = ?",
        [import_id],
    ).fetchone()
    if row is None:
        raise UndoRefused(f"there is no import #{import_id}")
    _, file_name, kind, username, updated, undone_at = row
    _check_actor(actor, username, import_id)
    plan = UndoPlan(import_id, file_name, kind)
    refusal = _refusal(import_id, kind, updated, undone_at)
    if refusal:
        plan.blockers.append(refusal)
        return plan
    table = "receipts" if kind == "receipts" else "invoices"
    live = "reversed_at IS NULL" if kind == "receipts" else "voided_at IS NULL"
    owned = db.execute(f"SELECT id, client_id FROM {table} WHERE import_id = ? AND {live}",
                       [import_id]).fetchall()  # fmt: skip
    plan.owners = {(table, i): client for i, client in owned}
    ids = [i for i, _ in owned]
    if kind == "receipts":
        plan.receipts = ids
        plan.blockers, plan.in_use = _used(db, import_id, "receipts", "receipt_id", RECEIPT_USES)
    else:
        plan.invoices = ids
        plan.blockers, plan.in_use = _used(db, import_id, "invoices", "invoice_id", INVOICE_USES)
        notes = db.execute(
            "SELECT d.id, i.client_id FROM deductions d JOIN invoices i ON i.id = d.invoice_id"
            " WHERE d.import_id = ? AND d.reversed_at IS NULL",
            [import_id],
        ).fetchall()
        plan.credit_notes = [i for i, _ in notes]
        plan.owners.update({("deductions", i): client for i, client in notes})
        plan.clients = _unused_new_clients(db, import_id)
    return plan


def _refusal(import_id: int, kind: str, updated: int, undone_at: str | None) -> str | None:
    if undone_at:
        return f"import #{import_id} was already undone on {undone_at[:10]}"
    if kind == "clients" or updated:
        what = "is a client master" if kind == "clients" else f"changed {updated:,} existing rows"
        return (
            f"import #{import_id} {what}, and Kaishu cannot put earlier values back; import "
            "the corrected file instead (changed fields are updated and audited)"
        )
    return None


def undoable_imports(db: Database, actor: Actor, limit: int = 50) -> list[dict]:
    """The recent imports ``actor`` could undo (theirs, or anyone's for the lead), newest
    first: statements and ledgers not undone yet that changed no existing row."""
    if not actor.can("import"):
        return []
    mine = "" if actor.role == "lead" else " AND username = :me"
    return list(
        db.query(
            "SELECT id, file_name, kind, username, finished_at, imported FROM imports"
            " WHERE undone_at IS NULL AND kind IN ('receipts', 'invoices') AND updated = 0"
            f" AND imported > 0{mine} ORDER BY id DESC LIMIT :limit",
            {"me": actor.username, "limit": limit},
        )
    )


def _check_actor(actor: Actor, username: str, import_id: int) -> None:
    if actor.role != "lead" and actor.username != username:
        raise PermissionDenied(
            f"import #{import_id} was made by {username}; only they or the lead may undo it"
        )


def _used(
    db: Database, import_id: int, table: str, column: str, uses: tuple
) -> tuple[list[str], int]:
    # Read-only on purpose: the plan is shown before any transaction is open. One query per
    # kind of use, joined on the import, however many rows it brought in.
    label = "reference" if table == "receipts" else "invoice_no"
    live = "reversed_at IS NULL" if table == "receipts" else "voided_at IS NULL"
    found: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for use_table, condition, what in uses:
        sql = (f"SELECT DISTINCT t.id, COALESCE(t.{label}, '#' || t.id) FROM {use_table} u"
               f" JOIN {table} t ON t.id = u.{column}"
               f" WHERE t.import_id = ? AND t.{live} AND {condition}")  # fmt: skip
        for row_id, name in db.execute(sql, [import_id]):
            found.setdefault(row_id, []).append(what)
            names[row_id] = name
    kind = "receipt" if table == "receipts" else "invoice"
    out = [f"{kind} {names[i]}: {', '.join(found[i])}" for i in sorted(found)[:MAX_NAMED]]
    if len(found) > MAX_NAMED:
        out.append(f"and {len(found) - MAX_NAMED:,} more {kind}s in use")
    return out, len(found)


def _unused_new_clients(db: Database, import_id: int) -> list[int]:
    # Clients the ledger created that nothing else refers to once its invoices are voided.
    return [
        r[0]
        for r in db.execute(
            "SELECT c.id FROM clients c WHERE c.import_id = ? AND c.active = 1"
            " AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.client_id = c.id"
            "                 AND (i.import_id IS NULL OR i.import_id <> c.import_id))"
            " AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.client_id = c.id)"
            " AND NOT EXISTS (SELECT 1 FROM clients k WHERE k.parent_id = c.id)"
            " AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.client_id = c.id)"
            " AND NOT EXISTS (SELECT 1 FROM cases k WHERE k.client_id = c.id)",
            [import_id],
        )
    ]


def undo_import(db: Database, actor: Actor, import_id: int, reason: str) -> UndoPlan:
    """Undo ``import_id`` in one transaction (see the module text), recording ``reason`` on
    every row and in the audit log; raise UndoRefused, changing nothing, when it cannot."""
    require(actor, "import")
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise UndoRefused("say why the import is undone (a few words: it stays on record)")
    with transaction(db):
        plan = undo_plan(db, actor, import_id)
        if not plan.possible:
            raise UndoRefused("; ".join([plan.headline(), *plan.details()]))
        _apply(db, actor, plan, reason)
    return plan


REVERSED = "reversed_at = ?, reversed_by = ?, reversal_reason = ?"


def _apply(db: Database, actor: Actor, plan: UndoPlan, reason: str) -> None:
    now, note, who = utc_now(), f"import #{plan.import_id} undone: {reason}", actor.username
    # A reversed receipt gives up its bank line's key, a reversed credit note its number,
    # so that the corrected file can bring them in again.
    _mark(db, actor, plan, "receipts", plan.receipts, "reverse", note,
          f"{REVERSED}, fingerprint = fingerprint || ':undone:' || id",
          (now, who, note))  # fmt: skip
    stale_suggestions(db, plan.receipts)
    _mark(db, actor, plan, "deductions", plan.credit_notes, "reverse", note,
          f"{REVERSED}, source_document = source_document || ':undone:' || id",
          (now, who, note))  # fmt: skip
    _mark(db, actor, plan, "invoices", plan.invoices, "void", note,
          "voided_at = ?, voided_by = ?, void_reason = ?, voided_by_import = ?, updated_at = ?",
          (now, who, note, plan.import_id, now))  # fmt: skip
    _deactivate(db, plan.clients, actor, now, note)
    db.execute(
        "UPDATE imports SET undone_at = ?, undone_by = ?, undo_reason = ? WHERE id = ?",
        [now, who, reason, plan.import_id],
    )
    audit.record(db, actor, "imports", plan.import_id, "undo", None,
                 {"reason": reason, "summary": plan.summary()})  # fmt: skip


def _mark(
    db: Database,
    actor: Actor,
    plan: UndoPlan,
    table: str,
    ids: list[int],
    action: str,
    note: str,
    assignments: str,
    values: tuple,
) -> None:
    # Reverse or void rows of ``table``, each audited with the reason, under its client.
    db.conn.executemany(
        f"UPDATE {table} SET {assignments} WHERE id = ?", [(*values, i) for i in ids]
    )
    audit.record_many(db, actor, [(table, i, action, None, {"reason": note},
                                   plan.owners.get((table, i))) for i in ids])  # fmt: skip


def _deactivate(db: Database, ids: list[int], actor: Actor, now: str, note: str) -> None:
    db.conn.executemany(
        "UPDATE clients SET active = 0, updated_at = ? WHERE id = ?", [(now, i) for i in ids]
    )
    audit.record_many(db, actor, [("clients", i, "deactivate", {"active": 1},
                                   {"active": 0, "reason": note}, i) for i in ids])  # fmt: skip
