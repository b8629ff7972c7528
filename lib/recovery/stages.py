"""The road a case travels, and who may move it.

- One step forward: a collector or the lead, with a reason.
- Further forward (skipping stages): the lead only; the stages passed over are recorded.
- Back (e.g. a defaulted settlement back to legal referral): anyone on the case, with a reason.
- The settlement stage is entered by recording a settlement (:mod:`lib.recovery.settlements`).
- Closing: *recovered* when nothing is left at stake and nothing was written off; *partly
  recovered* when nothing is left at stake, part was written off (a settlement's waiver) and
  part recovered; *written off* is the lead's and writes off what remains in the same
  transaction (:func:`lib.recovery.writeoffs.write_off_case`).
- A closed case can be reopened by the lead, with a reason.

Every move writes a ``case_stages`` row and an audit entry in the same transaction.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.money import format_money
from lib.recovery import CLOSED_STAGES, OPEN_STAGES, STAGES, RecoveryError
from lib.recovery.amounts import case_money
from lib.recovery.cases import MAX_TEXT, case_by_id


def enter_stage(
    db: Database,
    actor: Actor,
    case: dict[str, Any],
    to: str,
    reason: str,
    on: date,
    skipped: list[str] | None = None,
    note: str | None = None,
) -> None:
    """Record the case entering ``to`` (no rules: callers check them, inside their own
    transaction). Closing stages set ``closed_on``; open ones clear it."""
    now = utc_now()
    closing = to in CLOSED_STAGES
    change = {
        "stage": to,
        "closed_on": on.isoformat() if closing else None,
        "close_note": (note or reason).strip()[:MAX_TEXT] if closing else None,
        "updated_at": now,
    }
    db["cases"].update(case["id"], change)
    db["case_stages"].insert(
        {
            "case_id": case["id"],
            "from_stage": case["stage"],
            "stage": to,
            "entered_on": on.isoformat(),
            "reason": reason.strip()[:MAX_TEXT],
            "skipped": json.dumps(skipped or []),
            "moved_by": actor.username,
            "moved_at": now,
        }
    )
    before = {"stage": case["stage"], "closed_on": case["closed_on"]}
    after = {**change, "reason": reason.strip(), "skipped": skipped or []}
    audit.record(db, actor, "cases", case["id"], "stage", before, after, case["client_id"])
    case.update(change)


def allowed_moves(case: dict[str, Any], actor: Actor) -> list[str]:
    """The open stages ``actor`` may move the case to by hand (settlement excluded)."""
    if case["stage"] in CLOSED_STAGES or not actor.can("recovery"):
        return []
    here = OPEN_STAGES.index(case["stage"])
    moves = []
    for n, stage in enumerate(OPEN_STAGES):
        if stage == "settlement" or n == here:
            continue
        if n <= here + 1 or actor.can("manage_cases"):
            moves.append(stage)
    return moves


def move(db: Database, actor: Actor, case_id: int, to: str, reason: str, on: date) -> list[str]:
    """Move an open case to another open stage; returns the stages skipped (lead only)."""
    require(actor, "recovery")
    if to not in STAGES:
        raise RecoveryError("choose a stage")
    if to in CLOSED_STAGES:
        raise RecoveryError("close a case with Close, not Move")
    if to == "settlement":
        raise RecoveryError("a case enters the settlement stage when a settlement is recorded")
    if not reason.strip():
        raise RecoveryError("say why the case moves")
    with transaction(db):
        case = case_by_id(db, case_id)
        if case["stage"] in CLOSED_STAGES:
            raise RecoveryError(f"case {case['case_no']} is closed; the lead can reopen it")
        here, there = OPEN_STAGES.index(case["stage"]), OPEN_STAGES.index(to)
        if here == there:
            raise RecoveryError(f"the case is already at {STAGES[to]}")
        if case["stage"] == "settlement" and _live_settlements(db, case_id):
            raise RecoveryError(
                "the case has a live settlement: cancel it (defaulted or superseded) first"
            )
        skipped = [s for s in OPEN_STAGES[here + 1 : there] if s != "settlement"]
        if there > here + 1 and skipped and not actor.can("manage_cases"):
            raise RecoveryError(
                "only the lead can skip stages: move one step at a time "
                f"(next is {STAGES[OPEN_STAGES[here + 1]]})"
            )
        enter_stage(db, actor, case, to, reason, on, skipped)
    return skipped


def _live_settlements(db: Database, case_id: int) -> int:
    return db.execute(
        "SELECT COUNT(*) FROM settlements WHERE case_id = ? AND cancelled_on IS NULL", [case_id]
    ).fetchone()[0]


def closing_problem(db: Database, case: dict[str, Any], outcome: str, on: date) -> str:
    """Why the case cannot be closed as ``outcome`` on ``on`` (empty when it can)."""
    if case["stage"] in CLOSED_STAGES:
        return "the case is already closed"
    money = case_money(db, case["id"], on)
    if outcome == "written_off":
        return "" if not money.nothing_at_stake else "nothing is left to write off"
    if not money.nothing_at_stake:
        left = ", ".join(
            format_money(f.at_stake, c) for c, f in money.by_currency.items() if f.at_stake
        )
        return f"money is still at stake ({left}): record the receipts or write it off"
    if outcome == "closed_recovered" and money.anything_written_off:
        return "part was written off: close it as partly recovered"
    if outcome == "closed_partly_recovered":
        if not money.anything_written_off:
            return "nothing was written off: close it as recovered"
        if not money.anything_recovered:
            return "nothing was recovered: close it as written off"
    return ""


def close(
    db: Database,
    actor: Actor,
    case_id: int,
    outcome: str,
    reason: str,
    on: date,
    approval_ref: str = "",
) -> None:
    """Close a case as recovered, partly recovered or written off (the lead's, writing off
    what remains with ``approval_ref``)."""
    require(actor, "recovery")
    if outcome not in CLOSED_STAGES:
        raise RecoveryError("choose how the case ends")
    if not reason.strip():
        raise RecoveryError("say why the case is closed")
    if outcome == "written_off":
        from lib.recovery.writeoffs import write_off_case  # writeoffs builds on this module

        write_off_case(db, actor, case_id, reason, approval_ref, on)
        return
    with transaction(db):
        case = case_by_id(db, case_id)
        problem = closing_problem(db, case, outcome, on)
        if problem:
            raise RecoveryError(problem)
        enter_stage(db, actor, case, outcome, reason, on)


def reopen(
    db: Database, actor: Actor, case_id: int, reason: str, on: date, to: str | None = None
) -> str:
    """Reopen a closed case (lead only) at ``to`` or the stage it was closed from; returns
    the stage it reopened at."""
    require(actor, "manage_cases")
    if not reason.strip():
        raise RecoveryError("say why the case is reopened")
    with transaction(db):
        case = case_by_id(db, case_id)
        if case["stage"] not in CLOSED_STAGES:
            raise RecoveryError("the case is open")
        last = db.execute(
            "SELECT from_stage FROM case_stages WHERE case_id = ? AND stage = ?"
            " ORDER BY id DESC LIMIT 1",
            [case_id, case["stage"]],
        ).fetchone()
        target = to or (last[0] if last and last[0] in OPEN_STAGES else "negotiation")
        if target not in OPEN_STAGES:
            raise RecoveryError("reopen the case at one of the open stages")
        if target == "settlement" and not _live_settlements(db, case_id):
            if to:
                raise RecoveryError("the settlement stage needs a live settlement: record one")
            target = "negotiation"
        clash = db.execute(
            "SELECT i.invoice_no, k.case_no FROM case_invoices ci"
            " JOIN case_invoices o ON o.invoice_id = ci.invoice_id AND o.case_id <> ci.case_id"
            " AND o.removed_on IS NULL JOIN cases k ON k.id = o.case_id AND k.closed_on IS NULL"
            " JOIN invoices i ON i.id = ci.invoice_id"
            " WHERE ci.case_id = ? AND ci.removed_on IS NULL LIMIT 1",
            [case_id],
        ).fetchone()
        if clash:
            raise RecoveryError(f"invoice {clash[0]} is now in open case {clash[1]}")
        enter_stage(db, actor, case, target, reason, on)
    return target


def history(db: Database, case_id: int) -> list[dict[str, Any]]:
    """The case's stage moves, oldest first, with the skipped stages as a list."""
    rows = list(db.query("SELECT * FROM case_stages WHERE case_id = ? ORDER BY id", [case_id]))
    for row in rows:
        row["skipped"] = json.loads(row["skipped"] or "[]")
    return rows
