"""Write-offs: the lead's decision that a balance will not be collected, and its reversal.

A write-off is an entry per invoice (never a deletion) with the reason, who approved it and
the approval reference, effective on a day not in the future; it settles the balance, so the
invoice leaves the open items. Collectors ask for one (``write_off_requests``) and the lead
approves, which writes the entries, or rejects with a note. The lead can reverse a write-off
with a reason, unless money was recovered against it (reverse that recovery first).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.money import format_money
from lib.recovery import CLOSED_STAGES, RecoveryError
from lib.recovery.amounts import case_money
from lib.recovery.caselog import insert_event
from lib.recovery.cases import MAX_TEXT, case_by_id
from lib.recovery.settlements import live
from lib.recovery.stages import enter_stage

OPEN_BALANCE = """
SELECT i.id, i.invoice_no, i.client_id, i.currency, i.voided_at, i.amount - s.settled AS open
  FROM invoices i JOIN invoice_settled s ON s.invoice_id = i.id WHERE i.id = ?
"""


def _texts(reason: str, approval_ref: str) -> None:
    if not reason.strip():
        raise RecoveryError("say why the balance is written off")
    if not approval_ref.strip():
        raise RecoveryError("give the approval reference (e.g. the approval mail or note no.)")


def write_off(
    db: Database,
    actor: Actor,
    lines: Sequence[tuple[int, int | None]],
    reason: str,
    approval_ref: str,
    effective: date,
    today: date,
    case_id: int | None = None,
    request_id: int | None = None,
) -> list[int]:
    """Write off invoices (lead only): ``lines`` are ``(invoice_id, amount)``, an amount of
    None meaning all that is open. Returns the write-off ids."""
    require(actor, "write_off")
    _texts(reason, approval_ref)
    if effective > today:
        raise RecoveryError("a write-off cannot take effect in the future")
    if not lines:
        raise RecoveryError("choose the invoices to write off")
    ids = []
    with transaction(db):
        case = case_by_id(db, case_id) if case_id else None
        for invoice_id, amount in lines:
            inv = next(db.query(OPEN_BALANCE, [invoice_id]), None)
            if inv is None or inv["voided_at"]:
                raise RecoveryError(f"no open invoice #{invoice_id}")
            if case:
                _in_case(db, case, inv, effective)
            value = inv["open"] if amount is None else amount
            if inv["open"] <= 0:
                raise RecoveryError(f"invoice {inv['invoice_no']} has nothing open")
            if not isinstance(value, int) or value <= 0 or value > inv["open"]:
                most = format_money(inv["open"], inv["currency"])
                raise RecoveryError(f"invoice {inv['invoice_no']}: write off up to {most}")
            row = {
                "invoice_id": invoice_id,
                "amount": value,
                "effective_date": effective.isoformat(),
                "reason": reason.strip()[:MAX_TEXT],
                "approved_by": actor.username,
                "approval_ref": approval_ref.strip()[:200],
                "case_id": case_id,
                "request_id": request_id,
                "created_by": actor.username,
                "created_at": utc_now(),
            }
            write_off_id = db["write_offs"].insert(row).last_pk
            audit.record(
                db, actor, "write_offs", write_off_id, "create", None, row, inv["client_id"]
            )
            ids.append(write_off_id)
    return ids


def _in_case(db: Database, case: dict, inv: dict, effective: date) -> None:
    added = db.execute(
        "SELECT added_on FROM case_invoices WHERE case_id = ? AND invoice_id = ?"
        " AND removed_on IS NULL",
        [case["id"], inv["id"]],
    ).fetchone()
    if not added:
        raise RecoveryError(f"invoice {inv['invoice_no']} is not in case {case['case_no']}")
    if effective.isoformat() < added[0]:
        raise RecoveryError("a case's write-off takes effect on or after the invoice joined it")


def write_off_case(
    db: Database,
    actor: Actor,
    case_id: int,
    reason: str,
    approval_ref: str,
    on: date,
    outcome: str = "written_off",
) -> list[int]:
    """Write off everything still at stake on a case and close it (lead only): as *written
    off*, or as *partly recovered* when part was recovered (a settlement's waiver). Live
    settlements end with the case."""
    require(actor, "write_off")
    if outcome not in ("written_off", "closed_partly_recovered"):
        raise RecoveryError("a write-off closes a case as written off or partly recovered")
    _texts(reason, approval_ref)
    with transaction(db):
        case = case_by_id(db, case_id)
        if case["stage"] in CLOSED_STAGES:
            raise RecoveryError(f"case {case['case_no']} is already closed")
        money = case_money(db, case_id, on)
        lines = [(x["invoice_id"], None) for x in money.lines if _open_now(db, x["invoice_id"])]
        if not lines:
            raise RecoveryError("nothing is left at stake to write off")
        if outcome == "closed_partly_recovered" and not money.anything_recovered:
            raise RecoveryError("nothing was recovered: close the case as written off")
        for s in live(db, case_id):
            change = {
                "cancelled_on": on.isoformat(),
                "cancelled_by": actor.username,
                "cancel_reason": "Ended: the rest was written off",
            }
            db["settlements"].update(s["id"], change)
            audit.record(
                db, actor, "settlements", s["id"], "cancel", None, change, case["client_id"]
            )
        ids = write_off(db, actor, lines, reason, approval_ref, on, on, case_id)
        enter_stage(db, actor, case, outcome, reason, on, note=f"{reason} ({approval_ref})")
    return ids


def _open_now(db: Database, invoice_id: int) -> bool:
    row = next(db.query(OPEN_BALANCE, [invoice_id]), None)
    return bool(row and not row["voided_at"] and row["open"] > 0)


def reverse_write_off(
    db: Database, actor: Actor, write_off_id: int, reason: str, today: date
) -> dict[str, Any]:
    """Reverse a write-off (lead only): the balance is open again. Refused while money
    recovered against it stands. Returns the write-off as it was."""
    require(actor, "write_off")
    if not reason.strip():
        raise RecoveryError("say why the write-off is reversed")
    with transaction(db):
        old = next(db.query("SELECT * FROM write_offs WHERE id = ?", [write_off_id]), None)
        if old is None or old["reversed_at"]:
            raise RecoveryError("that write-off does not stand")
        change = {
            "reversed_at": utc_now(),
            "reversed_by": actor.username,
            "reversal_reason": reason.strip()[:MAX_TEXT],
        }
        try:
            db["write_offs"].update(write_off_id, change)
        except sqlite3.IntegrityError as exc:
            if "recoveries" in str(exc):
                raise RecoveryError(
                    "money was recovered against this write-off: reverse that recovery first"
                ) from None
            raise
        client = db.execute(
            "SELECT client_id FROM invoices WHERE id = ?", [old["invoice_id"]]
        ).fetchone()[0]
        audit.record(db, actor, "write_offs", write_off_id, "reverse", old, change, client)
    return old


def request_write_off(
    db: Database,
    actor: Actor,
    case_id: int,
    invoice_ids: Sequence[int],
    reason: str,
    today: date,
) -> int:
    """Ask the lead to write off invoices of a case; returns the request id."""
    require(actor, "recovery")
    if not reason.strip():
        raise RecoveryError("say why the balance should be written off")
    wanted = sorted(set(invoice_ids))
    if not wanted:
        raise RecoveryError("choose the invoices to write off")
    with transaction(db):
        case = case_by_id(db, case_id)
        if case["stage"] in CLOSED_STAGES:
            raise RecoveryError(f"case {case['case_no']} is closed")
        in_case = {
            r[0]
            for r in db.execute(
                "SELECT invoice_id FROM case_invoices WHERE case_id = ? AND removed_on IS NULL",
                [case_id],
            )
        }
        if not set(wanted) <= in_case:
            raise RecoveryError("a chosen invoice is not in this case")
        if pending(db, case_id):
            raise RecoveryError("a write-off request for this case is already waiting for the lead")
        row = {
            "case_id": case_id,
            "client_id": case["client_id"],
            "invoice_ids": json.dumps(wanted),
            "reason": reason.strip()[:MAX_TEXT],
            "requested_by": actor.username,
            "requested_at": utc_now(),
        }
        request_id = db["write_off_requests"].insert(row).last_pk
        audit.record(
            db, actor, "write_off_requests", request_id, "create", None, row, case["client_id"]
        )
        insert_event(db, actor, case, "note", f"Write-off requested: {reason.strip()}", today)
    return request_id


def pending(db: Database, case_id: int | None = None) -> list[dict[str, Any]]:
    """Write-off requests waiting for the lead (one case's, or all), oldest first, with the
    case, the client and the amounts open now per currency."""
    sql = (
        "SELECT r.*, k.case_no, c.client_code, c.name AS client_name FROM write_off_requests r"
        " LEFT JOIN cases k ON k.id = r.case_id JOIN clients c ON c.id = r.client_id"
        " WHERE r.decision IS NULL" + (" AND r.case_id = ?" if case_id else "") + " ORDER BY r.id"
    )
    rows = list(db.query(sql, [case_id] if case_id else []))
    for row in rows:
        open_now: dict[str, int] = {}
        numbers = []
        for invoice_id in json.loads(row["invoice_ids"]):
            inv = next(db.query(OPEN_BALANCE, [invoice_id]), None)
            if inv and inv["open"] > 0:
                open_now[inv["currency"]] = open_now.get(inv["currency"], 0) + inv["open"]
            numbers += [inv["invoice_no"]] if inv else []
        row["open"] = open_now
        row["invoice_nos"] = ", ".join(numbers)
        row["open_text"] = ", ".join(format_money(v, c) for c, v in sorted(open_now.items()))
    return rows


def decide(
    db: Database,
    actor: Actor,
    request_id: int,
    approve: bool,
    note: str,
    today: date,
    approval_ref: str = "",
    effective: date | None = None,
) -> list[int]:
    """Approve (writing the entries for all that is open on the requested invoices) or
    reject a write-off request (lead only); returns the write-off ids."""
    require(actor, "write_off")
    if not approve and not note.strip():
        raise RecoveryError("say why the request is rejected")
    with transaction(db):
        req = next(db.query("SELECT * FROM write_off_requests WHERE id = ?", [request_id]), None)
        if req is None or req["decision"]:
            raise RecoveryError("that request is no longer waiting")
        ids: list[int] = []
        if approve:
            lines = [(i, None) for i in json.loads(req["invoice_ids"]) if _open_now(db, i)]
            if not lines:
                raise RecoveryError("nothing is open on these invoices any more: reject it")
            reason = req["reason"] + (f" (lead: {note.strip()})" if note.strip() else "")
            ids = write_off(
                db, actor, lines, reason, approval_ref, effective or today, today,
                req["case_id"], request_id,
            )  # fmt: skip
        change = {
            "decision": "approved" if approve else "rejected",
            "decided_by": actor.username,
            "decided_at": utc_now(),
            "decision_note": note.strip()[:MAX_TEXT],
        }
        db["write_off_requests"].update(request_id, change)
        audit.record(
            db, actor, "write_off_requests", request_id, "decide", None, change, req["client_id"]
        )
        if req["case_id"]:
            case = case_by_id(db, req["case_id"])
            text = f"Write-off request {change['decision']} by {actor.username}"
            insert_event(
                db, actor, case, "note", text + (f": {note.strip()}" if note.strip() else ""), today
            )
    return ids


def case_write_offs(db: Database, case_id: int, as_of: date) -> list[dict[str, Any]]:
    """The case's write-offs, reversed ones too, with what was recovered against each."""
    return list(
        db.query(
            "SELECT w.*, i.invoice_no, i.currency, COALESCE((SELECT SUM(v.amount) FROM"
            " write_off_recoveries v WHERE v.write_off_id = w.id AND v.reversed_at IS NULL"
            " AND v.effective_date <= :as_of), 0) AS recovered FROM write_offs w"
            " JOIN invoices i ON i.id = w.invoice_id WHERE w.case_id = :case ORDER BY w.id",
            {"case": case_id, "as_of": as_of.isoformat()},
        )
    )
