"""Opening a recovery case and keeping its particulars: invoices, assignee, counsel, deadline,
priority and tags.

A case is a client's chosen invoices taken out of ordinary follow-up. It is numbered
RC-YYYY-NNNN by the year it was opened; its first stage is the pre-legal notice (the lead may
start further along, and the stages passed over are recorded). Every write checks the role,
runs in one transaction, and is audited.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups.ledger import client_open_items
from lib.followups.worklist import clients_in_recovery as clients_in_recovery  # re-export
from lib.recovery import OPEN_STAGES, PRIORITIES, RecoveryError
from lib.recovery.details import active_user, clean_tags

MAX_TEXT = 4000
CASE = """
SELECT k.*, c.client_code, c.name AS client_name, c.owner AS client_owner,
       c.language AS client_language
  FROM cases k JOIN clients c ON c.id = k.client_id
"""


def get_case(db: Database, case_no: str) -> dict[str, Any] | None:
    """A case by its number (RC-2026-0007), with its client's code and name; None if none."""
    return next(db.query(CASE + " WHERE k.case_no = ?", [case_no.strip().upper()]), None)


def case_by_id(db: Database, case_id: int) -> dict[str, Any]:
    """A case by id, with its client's code and name; RecoveryError when there is none."""
    row = next(db.query(CASE + " WHERE k.id = ?", [case_id]), None)
    if row is None:
        raise RecoveryError(f"no recovery case #{case_id}")
    return row


def next_case_no(db: Database, year: int) -> str:
    """The next free case number of ``year``: RC-2026-0001, RC-2026-0002, …"""
    prefix = f"RC-{year:04d}-"
    row = db.execute(
        "SELECT MAX(CAST(substr(case_no, 9) AS INTEGER)) FROM cases WHERE case_no LIKE ?",
        [prefix + "%"],
    ).fetchone()
    return f"{prefix}{(row[0] or 0) + 1:04d}"


def proposal(db: Database, client_id: int, as_of: date) -> dict[str, Any]:
    """What the worklist proposes for a client: its open invoices, with the overdue undisputed
    ones chosen, and a reason to start from."""
    items = [i for i in client_open_items(db, client_id, as_of) if not _in_open_case(db, i)]
    chosen = [i["invoice_id"] for i in items if i["days_past_due"] > 0 and not i["disputed"]]
    oldest = max((i["days_past_due"] for i in items if i["invoice_id"] in chosen), default=0)
    reason = f"Escalated from follow-up: oldest invoice {oldest} days past due" if chosen else ""
    return {"items": items, "chosen": chosen, "reason": reason}


def _in_open_case(db: Database, item: dict) -> bool:
    return bool(
        db.execute(
            "SELECT 1 FROM case_invoices ci JOIN cases k ON k.id = ci.case_id"
            " WHERE ci.invoice_id = ? AND ci.removed_on IS NULL AND k.closed_on IS NULL",
            [item["invoice_id"]],
        ).fetchone()
    )


def _open_lines(db: Database, client_id: int, invoice_ids: Sequence[int], on: date) -> list[dict]:
    wanted = sorted(set(invoice_ids))
    if not wanted:
        raise RecoveryError("choose at least one invoice for the case")
    items = {i["invoice_id"]: i for i in client_open_items(db, client_id, on)}
    lines = []
    for invoice_id in wanted:
        item = items.get(invoice_id)
        if item is None:
            no = db.execute("SELECT invoice_no FROM invoices WHERE id = ?", [invoice_id]).fetchone()
            name = no[0] if no else f"#{invoice_id}"
            raise RecoveryError(f"invoice {name} is not an open invoice of this client")
        if _in_open_case(db, item):
            raise RecoveryError(f"invoice {item['invoice_no']} is already in an open case")
        lines.append(item)
    return lines


def open_case(
    db: Database,
    actor: Actor,
    client_id: int,
    invoice_ids: Sequence[int],
    reason: str,
    on: date,
    assignee: str | None = None,
    priority: str = "normal",
    tags: Sequence[str] = (),
    stage: str = "pre_legal_notice",
) -> int:
    """Open a case for a client's open invoices on ``on``; returns the case id. The assignee
    defaults to the client's owner (when an active user), else the person opening it."""
    require(actor, "recovery")
    if not reason.strip():
        raise RecoveryError("say why the case is opened")
    if priority not in PRIORITIES:
        raise RecoveryError("choose a priority")
    if stage not in OPEN_STAGES or stage == "settlement":
        raise RecoveryError("a case starts at the notice, demand, legal or negotiation stage")
    skipped = list(OPEN_STAGES[: OPEN_STAGES.index(stage)])
    if skipped:
        require(actor, "manage_cases")
    clean = clean_tags(tags)
    with transaction(db):
        client = db["clients"].get(client_id)
        lines = _open_lines(db, client_id, invoice_ids, on)
        who = active_user(db, assignee) if assignee else None
        if assignee and not who:
            raise RecoveryError(f"{assignee} is not an active user")
        who = who or active_user(db, client["owner"]) or actor.username
        now = utc_now()
        row = {
            "case_no": next_case_no(db, on.year),
            "client_id": client_id,
            "stage": stage,
            "opened_on": on.isoformat(),
            "reason": reason.strip()[:MAX_TEXT],
            "assignee": who,
            "priority": priority,
            "tags": json.dumps(clean, ensure_ascii=False),
            "created_by": actor.username,
            "created_at": now,
            "updated_at": now,
        }
        case_id = db["cases"].insert(row).last_pk
        _insert_lines(db, actor, case_id, lines, on)
        db["case_stages"].insert(
            {
                "case_id": case_id,
                "from_stage": None,
                "stage": stage,
                "entered_on": on.isoformat(),
                "reason": reason.strip()[:MAX_TEXT],
                "skipped": json.dumps(skipped),
                "moved_by": actor.username,
                "moved_at": now,
            }
        )
        after = {**row, "invoices": [i["invoice_no"] for i in lines], "skipped": skipped}
        audit.record(db, actor, "cases", case_id, "open", None, after, client_id)
    return case_id


def _insert_lines(db: Database, actor: Actor, case_id: int, lines: list[dict], on: date) -> None:
    for item in lines:
        old = db.execute(
            "SELECT 1 FROM case_invoices WHERE case_id = ? AND invoice_id = ?",
            [case_id, item["invoice_id"]],
        ).fetchone()
        values = {
            "outstanding_at_open": item["outstanding"],
            "added_on": on.isoformat(),
            "added_by": actor.username,
            "removed_on": None,
            "removed_by": None,
            "removal_reason": None,
        }
        if old:  # put back after a removal: it starts again from today's balance
            sets = ", ".join(f"{k} = ?" for k in values)
            db.execute(
                f"UPDATE case_invoices SET {sets} WHERE case_id = ? AND invoice_id = ?",
                [*values.values(), case_id, item["invoice_id"]],
            )
        else:
            db["case_invoices"].insert(
                {"case_id": case_id, "invoice_id": item["invoice_id"], **values}
            )


def _open_case_row(db: Database, case_id: int) -> dict[str, Any]:
    case = case_by_id(db, case_id)
    if case["closed_on"]:
        raise RecoveryError(f"case {case['case_no']} is closed; the lead can reopen it")
    return case


def add_invoices(
    db: Database, actor: Actor, case_id: int, invoice_ids: Sequence[int], reason: str, on: date
) -> int:
    """Bring more of the client's open invoices into an open case; returns how many."""
    require(actor, "recovery")
    if not reason.strip():
        raise RecoveryError("say why the invoices are added")
    with transaction(db):
        case = _open_case_row(db, case_id)
        lines = _open_lines(db, case["client_id"], invoice_ids, on)
        _insert_lines(db, actor, case_id, lines, on)
        _touch(db, case_id)
        after = {"invoices": [i["invoice_no"] for i in lines], "reason": reason.strip()}
        audit.record(db, actor, "cases", case_id, "add invoices", None, after, case["client_id"])
    return len(lines)


def remove_invoice(
    db: Database, actor: Actor, case_id: int, invoice_id: int, reason: str, on: date
) -> None:
    """Take an invoice out of an open case (it goes back to ordinary follow-up); the row
    stays, marked removed, with who, when and why."""
    require(actor, "recovery")
    if not reason.strip():
        raise RecoveryError("say why the invoice leaves the case")
    with transaction(db):
        case = _open_case_row(db, case_id)
        row = db.execute(
            "SELECT i.invoice_no FROM case_invoices ci JOIN invoices i ON i.id = ci.invoice_id"
            " WHERE ci.case_id = ? AND ci.invoice_id = ? AND ci.removed_on IS NULL",
            [case_id, invoice_id],
        ).fetchone()
        if row is None:
            raise RecoveryError("that invoice is not in the case")
        left = db.execute(
            "SELECT COUNT(*) FROM case_invoices WHERE case_id = ? AND removed_on IS NULL",
            [case_id],
        ).fetchone()[0]
        if left <= 1:
            raise RecoveryError("a case keeps at least one invoice: close the case instead")
        db.execute(
            "UPDATE case_invoices SET removed_on = ?, removed_by = ?, removal_reason = ?"
            " WHERE case_id = ? AND invoice_id = ?",
            [on.isoformat(), actor.username, reason.strip(), case_id, invoice_id],
        )
        _touch(db, case_id)
        after = {"invoice": row[0], "reason": reason.strip()}
        audit.record(db, actor, "cases", case_id, "remove invoice", None, after, case["client_id"])


def _touch(db: Database, case_id: int) -> None:
    db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", [utc_now(), case_id])


def case_invoice_rows(db: Database, case_id: int) -> list[dict[str, Any]]:
    """Every invoice ever in the case, removed ones too, with who added or removed it."""
    return list(
        db.query(
            "SELECT ci.*, i.invoice_no, i.currency, i.amount, i.due_date FROM case_invoices ci"
            " JOIN invoices i ON i.id = ci.invoice_id WHERE ci.case_id = ?"
            " ORDER BY ci.removed_on IS NOT NULL, i.due_date, i.invoice_no",
            [case_id],
        )
    )


def client_cases(db: Database, client_id: int) -> list[dict[str, Any]]:
    """A client's cases, newest first."""
    return list(db.query(CASE + " WHERE k.client_id = ? ORDER BY k.id DESC", [client_id]))
