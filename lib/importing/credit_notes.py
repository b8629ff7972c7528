"""Credit notes in the invoice ledger: a negative line (赤伝, a GST credit note) naming the
invoice it credits. Each becomes a deduction of that invoice, with the note's number as its
document, so the balance, the aging and the reminders all see the lower amount, a second
import of the ledger adds nothing, and undoing the import reverses the note.
"""

from __future__ import annotations

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import lookup
from lib.importing.rows import RowError
from lib.importing.store import Outcome, store_invoices
from lib.money import format_money


def store_ledger(
    db: Database, actor: Actor, records: list[dict], import_id: int, now: str
) -> Outcome:
    """Store an invoice ledger: its invoices first, then the credit notes against them (a note
    may credit an invoice of the same file)."""
    require(actor, "import")
    notes = [r for r in records if r.get("credits_invoice")]
    out = store_invoices(db, actor, [r for r in records if not r.get("credits_invoice")],
                         import_id, now)  # fmt: skip
    if notes:
        store_credit_notes(db, actor, notes, import_id, now, out)
    return out


# The invoice a note credits, with its client's code and what is still open on it.
TARGETS = (
    "invoices i JOIN clients c ON c.id = i.client_id"
    " LEFT JOIN invoice_settled s ON s.invoice_id = i.id"
)


def store_credit_notes(
    db: Database, actor: Actor, notes: list[dict], import_id: int, now: str, out: Outcome
) -> None:
    """Write each credit note as a deduction of its invoice; refuse, row by row, a note for an
    unknown, voided or other client's invoice, in another currency, or above what is open."""
    require(actor, "import")
    known = lookup(db, "deductions", "source_document", [n["invoice_no"] for n in notes],
                   "id, source_document")  # fmt: skip
    targets = lookup(db, TARGETS, "invoice_no", [n["credits_invoice"] for n in notes],
                     "i.id, invoice_no, i.client_id, client_code, i.currency, i.voided_at,"
                     " i.amount - COALESCE(s.settled, 0) AS open")  # fmt: skip
    left = {t["id"]: t["open"] for t in targets.values()}
    rows = []
    for note in notes:
        if note["invoice_no"] in known:
            out.duplicates += 1
            continue
        target = targets.get(note["credits_invoice"])
        problem = _problem(note, target, left)
        if problem:
            out.errors.append(RowError(note["source_row"], *problem))
            continue
        left[target["id"]] -= note["amount"]
        rows.append((note, target))
    _write(db, actor, rows, import_id, now)
    out.imported += len(rows)


def _problem(note: dict, target: dict | None, left: dict) -> tuple[str, str] | None:
    credited, number = note["credits_invoice"], note["invoice_no"]
    if target is None or target["voided_at"]:
        return "credits_invoice", f"credit note {number}: invoice {credited} is not in the ledger"
    if note["client_code"] and note["client_code"] != target["client_code"]:
        return "client_code", f"credit note {number} is for another client than {credited}"
    if note["currency"] != target["currency"]:
        return "currency", f"credit note {number} is in {note['currency']}, {credited} in " + (
            target["currency"]
        )
    if note["amount"] > left[target["id"]]:
        open_text = format_money(left[target["id"]], target["currency"])
        return "amount", (f"credit note {number} is for "
                          f"{format_money(note['amount'], target['currency'])}, more than the "
                          f"{open_text} still open on {credited}")  # fmt: skip
    return None


def _write(db: Database, actor: Actor, rows: list[tuple[dict, dict]], import_id: int,
           now: str) -> None:  # fmt: skip
    entries = []
    for note, target in rows:
        row = {
            "invoice_id": target["id"],
            "amount": note["amount"],
            "kind": "other",
            "reason": f"credit note {note['invoice_no']}",
            "effective_date": note["invoice_date"],
            "method": "manual",
            "created_by": actor.username,
            "created_at": now,
            "source_document": note["invoice_no"],
            "import_id": import_id,
        }
        new_id = db["deductions"].insert(row).last_pk
        entries.append(("deductions", new_id, "credit note from ledger", None, row,
                        target["client_id"]))  # fmt: skip
    audit.record_many(db, actor, entries)
