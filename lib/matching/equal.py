"""Monthly fees: several open invoices of the same amount, and several receipts paying them.

Taking the oldest invoice for each receipt goes wrong as soon as one month was never paid
(disputed, settled by someone else, forgotten): every later receipt then lands one month
off. A careful person lines the payer's receipts up against the invoices instead, in order,
leaving out the months that were not paid, so that each payment sits at the payer's usual
delay after a due date. That is what :func:`assign` does, for all of one payer's receipts of
one amount at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from lib.matching.amounts import Plan

EARLIEST = -20  # days before the due date a payer may pay a monthly fee
RIVAL = 5  # an alignment this close in cost to the best one makes its picks doubtful
TOLERANCE = 30  # days off the usual delay a sure payment may be
LATEST = 60  # a usual delay longer than this is no sure footing
LEAVE = 45  # the cost of leaving a receipt for review rather than forcing it somewhere


@dataclass
class Waiting:
    """A receipt that fits several invoices of the same amount, with a plan for each."""

    index: int  # position in the run's list of decisions
    paid: str  # value date
    options: list[Plan] = field(default_factory=list)


def _days(due: str, paid: str) -> int:
    return (date.fromisoformat(paid) - date.fromisoformat(due)).days


def assign(waiting: list[Waiting], usual: int | None) -> dict[int, Plan]:
    """For one payer and amount: the plan each receipt gets, by receipt index.

    Two readings of the payer's receipts are made. First in, first out: each receipt takes
    the oldest undisputed invoice left. And an alignment: receipts and invoices in order,
    invoices that were never paid skipped, each payment as close as possible to the payer's
    usual delay after a due date. A receipt is applied when both readings agree, the delay
    is plausible, and no other delay explains the payments about as well while putting this
    receipt on another invoice (a payer 45 days late looks like one 15 days early who
    skipped a month). Everything else is left out of the result, for a collector to decide.
    """
    receipts = sorted(waiting, key=lambda w: (w.paid, w.index))
    invoices = sorted(
        {p.parts[0].inv.id: p.parts[0].inv for w in receipts for p in w.options}.values(),
        key=lambda i: (i.due_date, i.invoice_date, i.no),
    )
    if len(receipts) < 2 and usual is None:
        return {}  # one receipt fits any delay: nothing says which month it was for
    readings = _alignments(receipts, invoices, usual)
    if not readings:
        return {}
    cost, picks, delay = readings[0]
    doubtful = {
        i
        for c, other, _ in readings[1:]
        if c <= cost + RIVAL
        for i, (a, b) in enumerate(zip(picks, other, strict=True))
        if a != b
    }
    fifo = _fifo(receipts)
    result: dict[int, Plan] = {}
    for n, (receipt, pick) in enumerate(zip(receipts, picks, strict=True)):
        if pick is None or n in doubtful:
            continue
        inv = invoices[pick]
        offset = abs(_days(inv.due_date, receipt.paid) - delay)
        if fifo.get(receipt.index) is inv and offset <= TOLERANCE and delay <= LATEST:
            result[receipt.index] = next(p for p in receipt.options if p.parts[0].inv is inv)
    return result


def _alignments(
    receipts: list[Waiting], invoices: list, usual: int | None
) -> list[tuple[float, list[int | None], int]]:
    """The alignment for every plausible delay, best first. The delays tried are the ones
    the pairs themselves suggest, and the payer's record."""
    if len(receipts) == 1 and usual is not None:
        return [(*_align(receipts, invoices, usual), usual)]  # the payer's record decides
    seen = {_days(p.parts[0].inv.due_date, w.paid) for w in receipts for p in w.options}
    delays = sorted({d for d in seen if EARLIEST <= d <= 120} | {0, *([usual] if usual else [])})
    found = [(*_align(receipts, invoices, delay), delay) for delay in delays]
    return sorted(found, key=lambda f: (f[0], abs(f[2])))


def _align(receipts: list[Waiting], invoices: list, delay: int) -> tuple[float, list]:
    """Order-keeping alignment with skips (dynamic programming over receipts × invoices):
    an invoice may stay unpaid for free; a receipt left unplaced costs LEAVE."""
    m, n = len(receipts), len(invoices)
    allowed = [{p.parts[0].inv.id for p in w.options} for w in receipts]
    paid = [date.fromisoformat(w.paid).toordinal() for w in receipts]
    due = [date.fromisoformat(inv.due_date).toordinal() for inv in invoices]
    ids = [inv.id for inv in invoices]
    cost = [[0.0] * (n + 1) for _ in range(m + 1)]
    step = [[0] * (n + 1) for _ in range(m + 1)]  # 0 skip invoice, 1 pay it, 2 leave receipt
    for i in range(1, m + 1):
        above, row, moves = cost[i - 1], cost[i], step[i]
        row[0], moves[0] = above[0] + LEAVE, 2
        ok, day = allowed[i - 1], paid[i - 1] - delay
        for j in range(1, n + 1):
            # The cheapest move; on a tie leaving beats paying beats skipping (the order
            # the moves were always weighed in), so the picks never depend on speed-ups.
            best, move = above[j] + LEAVE, 2
            if ids[j - 1] in ok:
                pay = above[j - 1] + abs(day - due[j - 1])
                if pay < best:
                    best, move = pay, 1
            if row[j - 1] < best:
                best, move = row[j - 1], 0
            row[j], moves[j] = best, move
    picks: list[int | None] = [None] * m
    i, j = m, n
    while i > 0:
        move = step[i][j]
        if move == 1:
            picks[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif move == 2:
            i -= 1
        else:
            j -= 1
    return cost[m][n], picks


def _fifo(receipts: list[Waiting]) -> dict[int, object]:
    """First in, first out: each receipt takes the oldest undisputed invoice left."""
    taken: set[int] = set()
    picks: dict[int, object] = {}
    for w in receipts:
        options = sorted(
            (p.parts[0].inv for p in w.options if p.parts[0].inv.id not in taken),
            key=lambda i: (i.disputed, i.due_date, i.invoice_date, i.no),
        )
        if options:
            taken.add(options[0].id)
            picks[w.index] = options[0]
    return picks
