"""The case log: every action on a case with its author and date, and the files with it.

Collectors and the lead log on any case; an intern logs only on a case assigned to them
(checked here, not only on the page). The log a person reads merges these entries with the
stage moves, settlements, write-offs and receipts, newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, PermissionDenied, require
from lib.db import transaction, utc_now
from lib.money import format_money
from lib.recovery import EVENT_KINDS, STAGES, RecoveryError
from lib.recovery import attachments as att
from lib.recovery.cases import MAX_TEXT, case_by_id
from lib.recovery.settings import load as load_settings

# Written by Kaishu itself when a letter is issued; people log the others.
SYSTEM_KINDS = ("letter_issued",)
LOGGABLE_KINDS = tuple(k for k in EVENT_KINDS if k not in SYSTEM_KINDS)
MAX_FILES = 10


def may_log(actor: Actor, case: dict[str, Any]) -> bool:
    """True when ``actor`` may add entries to ``case``'s log."""
    if actor.can("recovery"):
        return True
    return actor.can("view") and bool(case.get("assignee")) and case["assignee"] == actor.username


def require_log(actor: Actor, case: dict[str, Any]) -> None:
    """PermissionDenied unless ``actor`` may log on ``case``."""
    if not may_log(actor, case):
        raise PermissionDenied(
            f"only the case's assignee, a collector or the lead may log on {case['case_no']}"
        )


def insert_event(
    db: Database, actor: Actor, case: dict[str, Any], kind: str, note: str, on: date
) -> int:
    """Write one log row and its audit entry (inside the caller's transaction)."""
    row = {
        "case_id": case["id"],
        "happened_on": on.isoformat(),
        "kind": kind,
        "note": note.strip()[:MAX_TEXT],
        "created_by": actor.username,
        "created_at": utc_now(),
    }
    event_id = db["case_events"].insert(row).last_pk
    db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", [row["created_at"], case["id"]])
    audit.record(db, actor, "case_events", event_id, "create", None, row, case["client_id"])
    return event_id


def add_event(
    db: Database,
    actor: Actor,
    case_id: int,
    kind: str,
    note: str,
    happened_on: date,
    today: date,
    files: Sequence[att.Upload] = (),
) -> int:
    """Log an action on a case (a call, a meeting, a legal update, a document received…)
    with optional attachments; returns the entry id. ``today`` bounds ``happened_on``."""
    require(actor, "view")  # and, once the case is read, its assignee rule (require_log)
    if kind not in LOGGABLE_KINDS:
        raise RecoveryError("choose what happened")
    if happened_on > today:
        raise RecoveryError("the date is in the future")
    if not note.strip() and not files:
        raise RecoveryError("write what happened, or attach the document")
    if len(note) > MAX_TEXT:
        raise RecoveryError(f"keep the note under {MAX_TEXT} characters")
    if len(files) > MAX_FILES:
        raise RecoveryError(f"attach at most {MAX_FILES} files at a time")
    limit = load_settings(db).attachment_limit
    for upload in files:  # refuse before anything is written
        att.check(upload, limit)
    with transaction(db):
        case = case_by_id(db, case_id)
        require_log(actor, case)
        if happened_on.isoformat() < case["opened_on"]:
            raise RecoveryError("the date is before the case was opened")
        names = ", ".join(att.safe_name(f.name) for f in files)
        text = note.strip() or f"Attached {names}"
        event_id = insert_event(db, actor, case, kind, text, happened_on)
        for upload in files:
            att.store(db, actor.username, case_id, upload, limit, event_id)
    return event_id


def events(db: Database, case_id: int) -> list[dict[str, Any]]:
    """The case's log entries, newest first, each with its ``files``."""
    rows = list(
        db.query(
            "SELECT * FROM case_events WHERE case_id = ? ORDER BY happened_on DESC, id DESC",
            [case_id],
        )
    )
    files: dict[int, list[dict]] = {}
    for a in att.case_attachments(db, case_id):
        files.setdefault(a["event_id"], []).append(a)
    for row in rows:
        row["files"] = files.get(row["id"], [])
    return rows


def _item(day: str, at: str, kind: str, who: str, what: str) -> dict[str, Any]:
    return {"date": day, "at": at or "", "kind": kind, "who": who, "what": what}


def timeline(db: Database, case_id: int) -> list[dict[str, Any]]:
    """Everything that happened on the case, newest first: log entries, stage moves,
    settlements, write-offs and money received on its invoices."""
    items = []
    for e in events(db, case_id):
        what = e["note"] + (
            " · files: " + ", ".join(f["file_name"] for f in e["files"]) if e["files"] else ""
        )
        items.append(
            _item(e["happened_on"], e["created_at"], EVENT_KINDS[e["kind"]], e["created_by"], what)
        )
    for s in db.query("SELECT * FROM case_stages WHERE case_id = ?", [case_id]):
        frm = STAGES.get(s["from_stage"] or "", "")
        what = (f"{frm} → " if frm else "Opened at ") + STAGES[s["stage"]]
        what += f": {s['reason']}" if s["reason"] else ""
        items.append(_item(s["entered_on"], s["moved_at"], "Stage", s["moved_by"], what))
    for s in db.query("SELECT * FROM settlements WHERE case_id = ?", [case_id]):
        agreed = format_money(s["agreed_amount"], s["currency"])
        waiver = format_money(s["waiver"], s["currency"])
        what = f"Settlement agreed: {agreed} (waiver {waiver})"
        items.append(_item(s["agreed_on"], s["created_at"], "Settlement", s["created_by"], what))
        if s["cancelled_on"]:
            what = f"Settlement of {agreed} cancelled: {s['cancel_reason']}"
            items.append(
                _item(s["cancelled_on"], s["cancelled_on"], "Settlement", s["cancelled_by"], what)
            )
    for w in db.query(
        "SELECT w.*, i.invoice_no, i.currency FROM write_offs w JOIN invoices i"
        " ON i.id = w.invoice_id WHERE w.case_id = ?",
        [case_id],
    ):
        amount = format_money(w["amount"], w["currency"])
        what = f"{w['invoice_no']}: {amount} written off ({w['reason']})"
        if w["reversed_at"]:
            what += f" · reversed: {w['reversal_reason']}"
        items.append(
            _item(w["effective_date"], w["created_at"], "Write-off", w["approved_by"], what)
        )
    for r in receipts(db, case_id):
        what = f"{format_money(r['amount'], r['currency'])} applied to {r['invoice_no']}"
        what += f" ({r['reference'] or r['payer_name'] or 'receipt'}"
        what += ", recovered after write-off)" if r["recovery"] else ")"
        items.append(_item(r["effective_date"], r["created_at"], "Payment", r["created_by"], what))
    items.sort(key=lambda e: (e["date"], e["at"]), reverse=True)
    return items


def receipts(db: Database, case_id: int) -> list[dict[str, Any]]:
    """Money applied to the case's invoices (allocations and deductions not reversed), on
    or after the day each invoice joined the case, oldest first."""
    return list(
        db.query(
            """
SELECT x.*, i.invoice_no, i.currency, r.reference, r.payer_name FROM (
  SELECT a.id, 'allocation' AS kind, a.invoice_id, a.receipt_id, a.amount, a.effective_date,
         a.created_by, a.created_at, a.rule = 'recovery_after_write_off' AS recovery
    FROM allocations a WHERE a.reversed_at IS NULL
  UNION ALL
  SELECT d.id, 'deduction: ' || d.kind, d.invoice_id, d.receipt_id, d.amount, d.effective_date,
         d.created_by, d.created_at, 0 FROM deductions d WHERE d.reversed_at IS NULL
) x JOIN case_invoices ci ON ci.invoice_id = x.invoice_id AND ci.case_id = :case
  JOIN invoices i ON i.id = x.invoice_id
  LEFT JOIN receipts r ON r.id = x.receipt_id
 WHERE x.effective_date >= ci.added_on
   AND (ci.removed_on IS NULL OR x.effective_date < ci.removed_on)
 ORDER BY x.effective_date, x.id""",
            {"case": case_id},
        )
    )


def client_events(db: Database, client_id: int) -> list[dict[str, Any]]:
    """The client's case log entries and stage moves for the client timeline, in its format
    (``date``, ``at``, ``kind``, ``who``, ``what``, ``ref``)."""
    found = []
    for e in db.query(
        "SELECT e.*, k.case_no FROM case_events e JOIN cases k ON k.id = e.case_id"
        " WHERE k.client_id = ?",
        [client_id],
    ):
        what = f"{e['case_no']} · {EVENT_KINDS[e['kind']]}: {e['note']}"
        found.append(
            {
                **_item(e["happened_on"], e["created_at"], "Case", e["created_by"], what),
                "ref": ("cases", e["case_id"]),
            }
        )
    for s in db.query(
        "SELECT s.*, k.case_no FROM case_stages s JOIN cases k ON k.id = s.case_id"
        " WHERE k.client_id = ?",
        [client_id],
    ):
        what = f"{s['case_no']} · " + ("opened at " if not s["from_stage"] else "now ")
        what += STAGES[s["stage"]] + (f": {s['reason']}" if s["reason"] else "")
        found.append(
            {
                **_item(s["entered_on"], s["moved_at"], "Case", s["moved_by"], what),
                "ref": ("cases", s["case_id"]),
            }
        )
    return found
