"""Settlements: an agreed amount paid in instalments, and how each instalment stands.

A settlement is agreed in one currency of the case: the client pays ``agreed_amount`` of what
was outstanding that day, and the rest is the waiver (written off when the case closes as
partly recovered). Recording one moves the case to the settlement stage.

Instalments are judged the way promises are (:mod:`lib.followups.promises`): from the money
that reached the case's invoices in that currency (allocations and deductions, effective from
the day it was agreed), in order, with the lead's grace days. An instalment is *paid* when the
money covering it arrived by its due date plus grace, *paid late* when it arrived later,
*missed* when the grace has passed without it, *due* from its due date to the end of the
grace, and *upcoming* before that. A missed instalment flags the case. Nothing is stored about
the status: a receipt matched late turns a missed instalment into a late one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups.settings import load as followup_settings
from lib.money import format_money
from lib.recovery import CLOSED_STAGES, OPEN_STAGES, RecoveryError
from lib.recovery.amounts import case_money
from lib.recovery.cases import MAX_TEXT, case_by_id
from lib.recovery.stages import enter_stage

MAX_INSTALMENTS = 60
STATUS = {
    "paid": "Paid",
    "paid_late": "Paid late",
    "missed": "Missed",
    "due": "Due",
    "upcoming": "Upcoming",
}


@dataclass(frozen=True)
class Instalment:
    """One instalment on a day: what it is, what covers it, and its status."""

    due_on: str
    amount: int
    paid: int  # of this instalment, from the money received in order
    paid_on: str | None  # the day the money covering it in full had arrived
    status: str


def check_plan(
    plan: Sequence[tuple[date, int]], agreed_amount: int, agreed_on: date
) -> list[tuple[str, int]]:
    """The schedule as ``(ISO date, minor units)``, or RecoveryError saying what is wrong."""
    if not plan:
        raise RecoveryError("give the instalments: at least one amount and date")
    if len(plan) > MAX_INSTALMENTS:
        raise RecoveryError(f"at most {MAX_INSTALMENTS} instalments")
    out = []
    for due_on, amount in plan:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise RecoveryError("each instalment must be more than zero")
        if due_on is None or due_on < agreed_on:
            raise RecoveryError("an instalment falls before the day the settlement was agreed")
        out.append((due_on.isoformat(), amount))
    if len({d for d, _ in out}) != len(out):
        raise RecoveryError("two instalments fall on the same day; combine them")
    if sum(a for _, a in out) != agreed_amount:
        raise RecoveryError("the instalments must add up to the agreed amount")
    return sorted(out)


def record_settlement(
    db: Database,
    actor: Actor,
    case_id: int,
    currency: str,
    agreed_amount: int,
    agreed_on: date,
    plan: Sequence[tuple[date, int]],
    terms: str,
    today: date,
    supersedes: int | None = None,
) -> int:
    """Record a settlement of the case in ``currency`` and its instalments, moving the case
    to the settlement stage; ``supersedes`` cancels an earlier one in the same step."""
    require(actor, "recovery")
    if agreed_on > today:
        raise RecoveryError("the settlement date is in the future")
    if not isinstance(agreed_amount, int) or agreed_amount <= 0:
        raise RecoveryError("enter the agreed amount")
    schedule = check_plan(plan, agreed_amount, agreed_on)
    with transaction(db):
        case = case_by_id(db, case_id)
        if case["stage"] in CLOSED_STAGES:
            raise RecoveryError(f"case {case['case_no']} is closed")
        if supersedes:
            _cancel(db, actor, supersedes, "Superseded by a new settlement", agreed_on)
        fig = case_money(db, case_id, agreed_on).by_currency.get(currency)
        outstanding = fig.at_stake if fig else 0
        if outstanding <= 0:
            raise RecoveryError(f"nothing in {currency} is at stake on this case")
        if agreed_amount > outstanding:
            most = format_money(outstanding, currency)
            raise RecoveryError(f"the agreed amount is more than the {most} at stake")
        if live(db, case_id, currency):
            raise RecoveryError(f"the case already has a live {currency} settlement")
        row = {
            "case_id": case_id,
            "currency": currency,
            "outstanding": outstanding,
            "agreed_amount": agreed_amount,
            "waiver": outstanding - agreed_amount,
            "agreed_on": agreed_on.isoformat(),
            "terms": terms.strip()[:MAX_TEXT],
            "created_by": actor.username,
            "created_at": utc_now(),
        }
        settlement_id = db["settlements"].insert(row).last_pk
        db["settlement_instalments"].insert_all(
            {"settlement_id": settlement_id, "due_on": d, "amount": a} for d, a in schedule
        )
        after = {**row, "plan": schedule}
        audit.record(
            db, actor, "settlements", settlement_id, "create", None, after, case["client_id"]
        )
        if case["stage"] != "settlement":
            here = OPEN_STAGES.index(case["stage"])
            skipped = list(OPEN_STAGES[here + 1 : OPEN_STAGES.index("settlement")])
            reason = f"Settlement of {format_money(agreed_amount, currency)} agreed"
            enter_stage(db, actor, case, "settlement", reason, agreed_on, skipped)
    return settlement_id


def live(db: Database, case_id: int, currency: str | None = None) -> list[dict[str, Any]]:
    """The case's settlements not cancelled (one currency's, or all)."""
    sql = "SELECT * FROM settlements WHERE case_id = ? AND cancelled_on IS NULL"
    params: list[Any] = [case_id]
    if currency:
        sql += " AND currency = ?"
        params.append(currency)
    return list(db.query(sql + " ORDER BY id", params))


def _cancel(db: Database, actor: Actor, settlement_id: int, reason: str, on: date) -> dict:
    old = next(db.query("SELECT * FROM settlements WHERE id = ?", [settlement_id]), None)
    if old is None or old["cancelled_on"]:
        raise RecoveryError("that settlement is not live")
    change = {
        "cancelled_on": on.isoformat(),
        "cancelled_by": actor.username,
        "cancel_reason": reason.strip()[:MAX_TEXT],
    }
    db["settlements"].update(settlement_id, change)
    client = db.execute("SELECT client_id FROM cases WHERE id = ?", [old["case_id"]]).fetchone()[0]
    audit.record(
        db, actor, "settlements", settlement_id, "cancel", {"cancelled_on": None}, change, client
    )
    return old


def cancel_settlement(
    db: Database,
    actor: Actor,
    settlement_id: int,
    reason: str,
    on: date,
    move_to: str = "negotiation",
) -> None:
    """Cancel a settlement (defaulted, or replaced by another) with a reason. When it was
    the case's last live one, the case moves back to ``move_to`` (negotiation by default;
    legal referral for a default that goes to court)."""
    require(actor, "recovery")
    if not reason.strip():
        raise RecoveryError("say why the settlement is cancelled")
    with transaction(db):
        old = _cancel(db, actor, settlement_id, reason, on)
        case = case_by_id(db, old["case_id"])
        if case["stage"] == "settlement" and not live(db, case["id"]):
            if move_to not in OPEN_STAGES or move_to == "settlement":
                raise RecoveryError("choose the stage the case goes back to")
            text = f"Settlement cancelled: {reason.strip()}"
            enter_stage(db, actor, case, move_to, text, on)


def _payments(db: Database, settlement: dict[str, Any], as_of: date) -> list[tuple[str, int]]:
    return [
        (r[0], r[1])
        for r in db.execute(
            """
SELECT x.effective_date, SUM(x.amount) FROM (
  SELECT invoice_id, amount, effective_date FROM allocations WHERE reversed_at IS NULL
  UNION ALL
  SELECT invoice_id, amount, effective_date FROM deductions WHERE reversed_at IS NULL
) x JOIN case_invoices ci ON ci.invoice_id = x.invoice_id AND ci.case_id = :case
  JOIN invoices i ON i.id = x.invoice_id AND i.currency = :currency
 WHERE x.effective_date BETWEEN :since AND :as_of
   AND (ci.removed_on IS NULL OR x.effective_date < ci.removed_on)
 GROUP BY x.effective_date ORDER BY x.effective_date""",
            {
                "case": settlement["case_id"],
                "currency": settlement["currency"],
                "since": settlement["agreed_on"],
                "as_of": as_of.isoformat(),
            },
        )
    ]


def judge(
    plan: Sequence[tuple[str, int]],
    payments: Sequence[tuple[str, int]],
    as_of: date,
    grace_days: int,
) -> list[Instalment]:
    """Each instalment's status on ``as_of``, the money applied to them in order
    (``payments`` are ``(ISO date, amount)`` from the agreed date)."""
    money = sorted(payments)
    today = as_of.isoformat()
    total = sum(a for d, a in money if d <= today)
    out, target = [], 0
    for due_on, amount in sorted(plan):
        before, target = target, target + amount
        paid_on, running = None, 0
        for day, value in money:
            running += value
            if running >= target:
                paid_on = day
                break
        deadline = (date.fromisoformat(due_on) + timedelta(days=grace_days)).isoformat()
        if paid_on:
            status = "paid" if paid_on <= deadline else "paid_late"
        elif today > deadline:
            status = "missed"
        elif today >= due_on:
            status = "due"
        else:
            status = "upcoming"
        paid = min(max(total - before, 0), amount)
        out.append(Instalment(due_on, amount, paid, paid_on, status))
    return out


def instalments(
    db: Database, settlement: dict[str, Any], as_of: date, grace: int
) -> list[Instalment]:
    """A settlement's instalments and their status on ``as_of``."""
    plan = [
        (r[0], r[1])
        for r in db.execute(
            "SELECT due_on, amount FROM settlement_instalments WHERE settlement_id = ?"
            " ORDER BY due_on",
            [settlement["id"]],
        )
    ]
    return judge(plan, _payments(db, settlement, as_of), as_of, grace)


def case_settlements(db: Database, case_id: int, as_of: date) -> list[dict[str, Any]]:
    """All the case's settlements, newest first, each with ``instalments``, ``paid`` and
    ``missed`` (count of missed instalments; only live settlements count)."""
    grace = followup_settings(db).grace_days
    rows = list(db.query("SELECT * FROM settlements WHERE case_id = ? ORDER BY id DESC", [case_id]))
    for row in rows:
        row["instalments"] = instalments(db, row, as_of, grace)
        row["paid"] = sum(i.paid for i in row["instalments"])
        live_one = not row["cancelled_on"]
        row["missed"] = sum(i.status == "missed" for i in row["instalments"]) if live_one else 0
    return rows


def missed_by_case(db: Database, as_of: date) -> dict[int, int]:
    """Open cases with a missed instalment on a live settlement: case id → how many."""
    found: dict[int, int] = {}
    for s in live_on(db, as_of):
        missed = sum(i.status == "missed" for i in s["instalments"])
        if missed and not s["case_closed_on"]:
            found[s["case_id"]] = found.get(s["case_id"], 0) + missed
    return found


def live_on(db: Database, as_of: date) -> list[dict[str, Any]]:
    """The settlements live on ``as_of`` (agreed by then, not cancelled by then), each with
    its case's ``client_id`` and ``case_closed_on``, and its ``instalments`` judged that day."""
    grace = followup_settings(db).grace_days
    rows = list(
        db.query(
            "SELECT s.*, k.client_id, k.closed_on AS case_closed_on FROM settlements s"
            " JOIN cases k ON k.id = s.case_id"
            " WHERE s.agreed_on <= :day AND (s.cancelled_on IS NULL OR s.cancelled_on > :day)"
            " ORDER BY s.id",
            {"day": as_of.isoformat()},
        )
    )
    for row in rows:
        row["instalments"] = instalments(db, row, as_of, grace)
    return rows
