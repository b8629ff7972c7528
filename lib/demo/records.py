"""Row builders shared by the demo generators: receipts, truth entries and allocations."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from lib.demo.invoices import Invoice

ACCOUNTS = {"JPY": "MUFG-JPY-001", "INR": "HDFC-INR-002"}
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass
class Draft:
    """A receipt and its truth before receipts are put in statement order."""

    day: date
    receipt: dict
    truth: dict
    invoices: list[Invoice] = field(default_factory=list)
    has_ref: bool = False


def receipt(
    reference: str | None,
    day: date,
    amount: int,
    payer: str,
    memo: str,
    currency: str,
    channel: str = "bank",
    account: str | None = None,
    fee: int = 0,
) -> dict:
    """A receipt row with canonical field names (``account`` defaults to the bank account)."""
    return {
        "reference": reference,
        "date": day.isoformat(),
        "amount": amount,
        "fee": fee,
        "payer_name": payer,
        "memo": memo,
        "currency": currency,
        "channel": channel,
        "account": account or ACCOUNTS[currency],
    }


def truth(kind: str, client: str | None, payer: str | None, applicable: bool) -> dict:
    """A truth entry without allocations; ``receipt_index`` is set once receipts are sorted."""
    return {
        "receipt_index": -1,
        "kind": kind,
        "client_code": client,
        "payer_code": payer,
        "allocations": [],
        "applicable": applicable,
    }


def allocation(inv: Invoice, applied: int, deduction: int = 0, kind: str | None = None) -> dict:
    """One allocation of a receipt to an invoice."""
    return {
        "invoice_no": inv.number,
        "applied": applied,
        "deduction": deduction,
        "deduction_kind": kind,
    }


def tds(inv: Invoice, rate: int) -> int:
    """TDS at ``rate`` % of the value before GST, rounded to the rupee (in paise)."""
    return ((inv.amount - inv.tax) * rate + 5_000) // 10_000 * 100


def instalments(rng: random.Random, amount: int, unit: int) -> list[int]:
    """Two or three instalments summing to ``amount``, all but the last round to ``unit``."""
    count = rng.choice((2, 2, 3))
    first = max(unit, round(amount * rng.uniform(0.25, 0.5) / unit) * unit)
    parts = [first] * (count - 1) + [amount - first * (count - 1)]
    if parts[-1] <= 0:  # a small invoice: just halves
        parts = [amount // 2, amount - amount // 2]
    return parts


AMBIGUOUS_KINDS = ("exact", "fee", "tds", "head_office", "card")


def mark_equal_amounts(invoices: list[Invoice], drafts: list[Draft]) -> None:
    """Judge single-invoice payments without a reference when an equal-amount invoice was
    also open: exact ones are relabelled ``equal_amount``.

    A careful person applies such a payment to the oldest invoice of that amount that looks
    open to them, so the receipt is applicable only when that is the invoice actually paid.
    An invoice looks settled only once receipts the person could apply have covered it: one
    paid by a stranger without a reference still looks open. That holds whether or not the
    payer took a fee or TDS off, or paid for a branch.
    """
    by_amount: dict[int, list[Invoice]] = {}
    for inv in invoices:
        by_amount.setdefault(inv.amount, []).append(inv)
    amount_of = {inv.number: inv.amount for inv in invoices}  # drafts pay only these
    covered: dict[str, int] = {}
    settled: dict[str, date] = {}  # as the person sees it
    for draft in sorted(drafts, key=lambda d: d.day):
        _judge_equal_amount(draft, by_amount, settled)
        if not draft.truth["applicable"]:
            continue
        for alloc in draft.truth["allocations"]:
            number = alloc["invoice_no"]
            covered[number] = covered.get(number, 0) + alloc["applied"] + alloc["deduction"]
            if covered[number] >= amount_of[number]:
                settled.setdefault(number, draft.day)


def _judge_equal_amount(
    draft: Draft, by_amount: dict[int, list[Invoice]], settled: dict[str, date]
) -> None:
    if draft.truth["kind"] not in AMBIGUOUS_KINDS or draft.has_ref or len(draft.invoices) != 1:
        return
    paid = draft.invoices[0]
    same = by_amount[paid.amount]
    if len(same) < 2:
        return
    open_ = [o for o in same if o.day <= draft.day and settled.get(o.number, date.max) >= draft.day]
    if len(open_) < 2:
        return
    if draft.truth["kind"] == "exact":
        draft.truth["kind"] = "equal_amount"
    candidates = [o for o in open_ if not o.disputed] or open_
    draft.truth["applicable"] = min(candidates, key=lambda o: (o.day, o.number)) is paid
