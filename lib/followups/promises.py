"""Promises to pay: recording them, and judging them kept, partly kept or broken.

A promise is an amount in one currency, due on one date or in instalments. It is judged from
the money that reached the client's invoices in that currency: allocations of matched
receipts and deductions (TDS, bank fees) effective from the day the promise was made. An
allocation's effective date is the receipt's value date, so a receipt matched days later
still counts on the day it arrived. Each instalment has the grace the lead sets (bank
transfers and statement imports lag); past its due date plus grace, an instalment not covered
by the money received makes the promise partly kept (some money came) or broken (none came).
Nothing is stored about the outcome: it is worked out for ``as_of``, so late matching can turn
a promise from broken to kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups import FollowUpError, dmy
from lib.money import format_money

STATES = {
    "pending": "Pending",
    "kept": "Kept",
    "partly_kept": "Partly kept",
    "broken": "Broken",
    "cancelled": "Cancelled",
}
MAX_INSTALMENTS = 24


@dataclass(frozen=True)
class Verdict:
    """How a promise stands on a day: its state, what fell due, what was paid."""

    state: str
    promised: int
    fallen_due: int
    paid: int
    failed_on: str | None = None  # due date of the first instalment missed
    next_due_on: str | None = None  # the next instalment not yet covered
    next_due_amount: int = 0
    in_grace: bool = False


def evaluate(
    instalments: Sequence[tuple[str, int]],
    payments: Iterable[tuple[str, int]],
    promised_on: str,
    as_of: date,
    grace_days: int,
) -> Verdict:
    """Judge one promise on ``as_of``: ``instalments`` are ``(due_on, amount)``, ``payments``
    ``(effective_date, amount)`` of the client in the promise's currency (ISO dates)."""
    plan = sorted(instalments)
    today = as_of.isoformat()
    money = sorted((d, a) for d, a in payments if promised_on <= d <= today)
    total = sum(a for _, a in plan)

    def paid_by(day: str) -> int:
        return sum(a for d, a in money if d <= day)

    target = fallen_due = 0
    for due_on, amount in plan:
        before, target = target, target + amount
        deadline = (date.fromisoformat(due_on) + timedelta(days=grace_days)).isoformat()
        judged = today > deadline
        covered = paid_by(min(deadline, today))
        if judged:
            fallen_due = target
            if covered < target:
                state = "partly_kept" if covered > 0 else "broken"
                return Verdict(state, total, fallen_due, min(paid_by(today), total), due_on)
        elif covered < target:
            return Verdict(
                "pending",
                total,
                fallen_due,
                min(paid_by(today), total),
                next_due_on=due_on,
                next_due_amount=target - max(covered, before),
                in_grace=today > due_on,
            )
    return Verdict("kept", total, fallen_due, min(paid_by(today), total))


def describe(promise: dict[str, Any], as_of: date) -> str:
    """The promise in a collector's words: "promise of ¥330,000 broken 3 days ago"."""
    verdict: Verdict = promise["verdict"]
    amount = format_money(promise["amount"], promise["currency"])
    if promise.get("cancelled_at"):
        return f"promise of {amount} cancelled"
    if verdict.state in ("broken", "partly_kept"):
        ago = (as_of - date.fromisoformat(verdict.failed_on or as_of.isoformat())).days
        paid = format_money(verdict.paid, promise["currency"])
        what = "broken" if verdict.state == "broken" else f"partly kept ({paid} paid)"
        return f"promise of {amount} {what} {ago} day{'s' if ago != 1 else ''} ago"
    if verdict.state == "kept":
        return f"promise of {amount} kept"
    due = verdict.next_due_on or ""
    next_amount = format_money(verdict.next_due_amount, promise["currency"])
    part = f"{next_amount} of a {amount} promise" if len(promise["instalments"]) > 1 else amount
    if due == as_of.isoformat():
        return f"promise of {part} due today"
    if verdict.in_grace:
        return f"promise of {part} was due {dmy(due)}, waiting for the money"
    return f"promised {part} by {dmy(due)}"


def check_plan(instalments: Sequence[tuple[date, int]], made_on: date) -> list[tuple[str, int]]:
    """The instalments as ``(ISO date, minor units)``, or FollowUpError saying what is wrong."""
    if not instalments:
        raise FollowUpError("a promise needs an amount and a date")
    if len(instalments) > MAX_INSTALMENTS:
        raise FollowUpError(f"at most {MAX_INSTALMENTS} instalments")
    plan = []
    for due_on, amount in instalments:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise FollowUpError("each promised amount must be more than zero")
        if due_on is None:
            raise FollowUpError("give the date the client promised to pay by")
        if due_on < made_on:
            raise FollowUpError(f"the promised date {due_on:%d/%m/%Y} is before today")
        plan.append((due_on.isoformat(), amount))
    if len({d for d, _ in plan}) != len(plan):
        raise FollowUpError("two instalments fall on the same day; combine them")
    return sorted(plan)


def insert_promise(
    db: Database,
    actor: Actor,
    client_id: int,
    currency: str,
    plan: list[tuple[str, int]],
    made_on: date,
    follow_up_id: int | None,
) -> int:
    """Write a checked promise and its instalments; call inside the caller's transaction."""
    require(actor, "log_follow_up")
    row = {
        "client_id": client_id,
        "follow_up_id": follow_up_id,
        "currency": currency,
        "amount": sum(a for _, a in plan),
        "promised_on": made_on.isoformat(),
        "created_by": actor.username,
        "created_at": utc_now(),
    }
    promise_id = db["promises"].insert(row).last_pk
    db["promise_instalments"].insert_all(
        {"promise_id": promise_id, "due_on": d, "amount": a} for d, a in plan
    )
    audit.record(
        db, actor, "promises", promise_id, "create", None, {**row, "plan": plan}, client_id
    )
    return promise_id


def cancel_promise(db: Database, actor: Actor, promise_id: int, reason: str) -> None:
    """Withdraw a promise recorded by mistake or replaced by an agreement; it stays in the
    history as cancelled."""
    require(actor, "log_follow_up")
    if not reason.strip():
        raise FollowUpError("say why the promise is cancelled")
    with transaction(db):
        old = db["promises"].get(promise_id)
        if old["cancelled_at"]:
            raise FollowUpError("this promise is already cancelled")
        change = {
            "cancelled_at": utc_now(),
            "cancelled_by": actor.username,
            "cancel_reason": reason.strip(),
        }
        db["promises"].update(promise_id, change)
        before = {"cancelled_at": None}
        audit.record(db, actor, "promises", promise_id, "cancel", before, change, old["client_id"])


PAYMENTS = """
SELECT i.client_id, i.currency, x.effective_date AS day, SUM(x.amount) AS amount FROM (
  SELECT invoice_id, amount, effective_date FROM allocations
   WHERE reversed_at IS NULL AND effective_date BETWEEN :since AND :as_of
  UNION ALL
  SELECT invoice_id, amount, effective_date FROM deductions
   WHERE reversed_at IS NULL AND effective_date BETWEEN :since AND :as_of
) x JOIN invoices i ON i.id = x.invoice_id
 WHERE i.client_id IN (SELECT client_id FROM promises WHERE {scope})
 GROUP BY i.client_id, i.currency, x.effective_date
"""


def promises(
    db: Database, as_of: date, grace_days: int, client_id: int | None = None, latest: bool = False
) -> list[dict[str, Any]]:
    """Promises made on or before ``as_of`` (one client's, or everyone's), newest first,
    each with its ``instalments``, ``verdict`` and ``text``. With ``latest``, only each
    client's most recent promise that is not cancelled: the one the worklist acts on."""
    scope = "promised_on <= :as_of" + (" AND client_id = :client" if client_id else "")
    params = {"as_of": as_of.isoformat(), "client": client_id}
    order = " ORDER BY promised_on DESC, id DESC"
    rows = list(db.query(f"SELECT * FROM promises WHERE {scope}{order}", params))
    if latest:
        seen: set[int] = set()
        rows = [
            r
            for r in rows
            if not r["cancelled_at"] and r["client_id"] not in seen and not seen.add(r["client_id"])
        ]
    if not rows:
        return []
    plans: dict[int, list[tuple[str, int]]] = {}
    ids = [r["id"] for r in rows]
    for chunk in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        part = ids[chunk : chunk + 900]
        marks = ",".join("?" * len(part))
        for line in db.query(
            "SELECT promise_id, due_on, amount FROM promise_instalments"
            f" WHERE promise_id IN ({marks}) ORDER BY due_on",
            part,
        ):
            plans.setdefault(line["promise_id"], []).append((line["due_on"], line["amount"]))
    since = min(r["promised_on"] for r in rows)
    paid: dict[tuple[int, str], list[tuple[str, int]]] = {}
    for p in db.query(PAYMENTS.format(scope=scope), {**params, "since": since}):
        paid.setdefault((p["client_id"], p["currency"]), []).append((p["day"], p["amount"]))
    for row in rows:
        row["instalments"] = plans.get(row["id"], [])
        money = paid.get((row["client_id"], row["currency"]), [])
        row["verdict"] = evaluate(row["instalments"], money, row["promised_on"], as_of, grace_days)
        if row["cancelled_at"]:
            row["verdict"] = Verdict("cancelled", row["amount"], 0, row["verdict"].paid)
        row["text"] = describe(row, as_of)
    return rows


EVERY = {"week": 7, "fortnight": 14, "month": 0}


def split_plan(total: int, first: date, count: int, every: str = "month") -> list[tuple[date, int]]:
    """``total`` in ``count`` equal instalments from ``first``, weekly, fortnightly or
    monthly (same day of the month, or its last day); any remainder goes in the first one."""
    if count < 1 or every not in EVERY:
        raise FollowUpError("choose how many instalments, and how often")
    share, rest = divmod(total, count)
    plan = []
    for n in range(count):
        if EVERY[every]:
            day = first + timedelta(days=EVERY[every] * n)
        else:
            year, month = divmod(first.month - 1 + n, 12)
            day = _clamp(first.year + year, month + 1, first.day)
        plan.append((day, share + (rest if n == 0 else 0)))
    return plan


def _clamp(year: int, month: int, day: int) -> date:
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
