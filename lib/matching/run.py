"""An automatic matching run: decide every unapplied receipt, then write the outcome.

Deciding reads the ledger once into memory (:func:`lib.matching.book.load_book`) and walks the
receipts in value-date order. Writing happens in one transaction, chunk by chunk, each chunk
first re-checking what it is about to apply, so a run beside another user (or a second run)
never applies money twice, and a run cut short leaves nothing; the database triggers hold the
same line."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.kana import split_branch
from lib.matching.amounts import Plan
from lib.matching.book import Book, load_book
from lib.matching.case import Decision, Receipt
from lib.matching.engine import decide, remember
from lib.matching.equal import Waiting, assign
from lib.matching.text import read_line
from lib.matching.write import Rows, add_suggestion, add_suspense, write_allocations

CHUNK = 2_000
UNAPPLIED = """
SELECT r.id, r.value_date, r.currency, r.amount, r.fee, r.payer_name, r.memo, r.client_id,
       r.reference, r.channel
  FROM receipts r
 WHERE r.reversed_at IS NULL AND r.value_date <= :as_of
   AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.receipt_id = r.id
                    AND a.reversed_at IS NULL)
 ORDER BY r.value_date, r.id
"""

Progress = Callable[[float, str], None]


@dataclass
class Summary:
    """What a run did: counts by outcome and by rule."""

    run_id: str
    receipts: int = 0
    applied: int = 0
    suggested: int = 0
    suspense: int = 0
    skipped: int = 0  # changed by someone else while the run was deciding
    by_rule: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "run": self.run_id,
            "receipts": self.receipts,
            "applied": self.applied,
            "suggested": self.suggested,
            "in_suspense": self.suspense,
            "skipped": self.skipped,
            "by_rule": dict(self.by_rule.most_common()),
        }


def plan_run(
    db: Database, as_of: date, progress: Progress | None = None
) -> list[tuple[Receipt, Decision]]:
    """Decide every unapplied receipt up to ``as_of`` without writing anything."""
    report = progress or (lambda f, m: None)
    report(0.05, "Reading the ledger")
    book = load_book(db, as_of)
    receipts = [Receipt(*row) for row in db.execute(UNAPPLIED, {"as_of": as_of.isoformat()})]
    decided: list[tuple[Receipt, Decision]] = []
    waiting: dict[tuple, list[Waiting]] = {}
    for n, receipt in enumerate(receipts):
        if n % 5000 == 0:
            report(0.1 + 0.6 * n / max(1, len(receipts)), f"Deciding receipt {n:,}")
        decision = decide(book, receipt)
        if decision.action == "equal":
            key = (decision.client_id, receipt.currency, receipt.amount, receipt.fee)
            waiting.setdefault(key, []).append(
                Waiting(len(decided), receipt.value_date, decision.options)
            )
        decided.append((receipt, decision))
    for bucket in sorted(waiting.values(), key=lambda b: (b[0].paid, b[0].index)):
        _settle_equal(book, decided, bucket)
    return decided


def _settle_equal(
    book: Book, decided: list[tuple[Receipt, Decision]], bucket: list[Waiting]
) -> None:
    """Place one payer's receipts of one amount on its equal invoices, in order."""
    for item in bucket:  # other receipts may have taken some of the invoices meanwhile
        item.options = [p for p in item.options if _still_open(p)]
        undisputed = [p for p in item.options if not p.parts[0].inv.disputed]
        item.options = undisputed or item.options  # a disputed twin is not what they paid
    payer = decided[bucket[0].index][1].client_id
    lags = book.lags.get(payer or -1, [])
    usual = sorted(lags)[len(lags) // 2] if len(lags) >= 3 else None
    chosen = assign(bucket, usual)
    for item in sorted(bucket, key=lambda w: (w.paid, w.index)):
        receipt, waiting = decided[item.index]
        plan = chosen.get(item.index)
        if plan and _still_open(plan):
            decision = Decision(
                "auto",
                waiting.rule,
                waiting.confidence,
                f"{waiting.explanation}; in line with the payer's other "
                f"payments{'; ' + plan.note if plan.note else ''}",
                plan.parts,
                payer,
            )
            remember(book, decision, payer, receipt.value_date)
        else:
            parts = item.options[0].parts if item.options else []
            decision = Decision(
                "suggest",
                "review",
                0.6,
                f"{waiting.explanation}; which one is not clear",
                parts,
                payer,
            )
        decided[item.index] = (receipt, decision)


def _still_open(plan: Plan) -> bool:
    return all(p.inv.outstanding >= p.applied + p.deduction for p in plan.parts)


def auto_match(
    db: Database, actor: Actor, as_of: date, progress: Progress | None = None
) -> Summary:
    """Match every unapplied receipt up to ``as_of``: apply the sure ones, queue suggestions
    for review, and put the rest in suspense with a reason."""
    require(actor, "match")
    report = progress or (lambda f, m: None)
    decided = plan_run(db, as_of, report)
    summary = Summary(run_id=uuid.uuid4().hex[:12], receipts=len(decided))
    # One transaction for the whole run: a run cut short (a killed server) leaves nothing
    # behind, and each chunk still re-checks what others changed while we were deciding.
    with transaction(db):
        for start in range(0, len(decided), CHUNK):
            report(0.7 + 0.3 * start / max(1, len(decided)), f"Writing {start:,}")
            _write_chunk(db, actor, decided[start : start + CHUNK], summary)
        audit.record(db, actor, "receipts", None, "auto-match run", None, summary.as_dict())
    report(1.0, "Done")
    return summary


def _write_chunk(
    db: Database, actor: Actor, chunk: list[tuple[Receipt, Decision]], summary: Summary
) -> None:
    now = utc_now()
    busy = _already_applied(db, [r.id for r, _ in chunk])
    outstanding = _outstanding(
        db, [p.inv.id for _, d in chunk if d.action == "auto" for p in d.parts]
    )
    rows = Rows()
    for receipt, decision in chunk:
        if receipt.id in busy or not _still_fits(decision, outstanding):
            summary.skipped += 1
            continue
        if decision.action == "auto":
            write_allocations(db, actor, receipt, decision, "auto", summary.run_id, now, rows)
            summary.applied += 1
        elif decision.action == "suggest":
            add_suggestion(rows, receipt, decision, summary.run_id, now)
            summary.suggested += 1
        else:
            add_suspense(rows, receipt, decision)
            summary.suspense += 1
        summary.by_rule[decision.rule] += 1
    rows.flush(db, actor)


def _already_applied(db: Database, ids: list[int]) -> set[int]:
    marks = ",".join("?" * len(ids))
    return (
        {
            r[0]
            for r in db.execute(
                f"SELECT DISTINCT receipt_id FROM allocations WHERE reversed_at IS NULL "
                f"AND receipt_id IN ({marks})",
                ids,
            )
        }
        if ids
        else set()
    )


def _outstanding(db: Database, ids: list[int]) -> dict[int, int]:
    result: dict[int, int] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        part = unique[start : start + 500]
        marks = ",".join("?" * len(part))
        for row in db.execute(
            f"SELECT i.id, i.amount - s.settled FROM invoices i JOIN "
            f"invoice_settled s ON s.invoice_id = i.id WHERE i.id IN ({marks})",
            part,
        ):
            result[row[0]] = row[1]
    return result


def _still_fits(decision: Decision, outstanding: dict[int, int]) -> bool:
    if decision.action != "auto":
        return True
    need: Counter = Counter()
    for part in decision.parts:
        need[part.inv.id] += part.applied + part.deduction
    if any(outstanding.get(i, 0) < n for i, n in need.items()):
        return False
    for i, n in need.items():
        outstanding[i] -= n
    return True


def payer_key(receipt: Receipt) -> tuple[str, str]:
    """The (payer key, account) a manual match teaches as an alias."""
    line = read_line(receipt.payer_name, receipt.memo)
    for name in line.names:
        head = split_branch(name)[0]
        if head:
            return head, line.account
    return "", line.account
