"""Does a receipt settle these invoices? Exact amounts, and the deductions payers take.

A Japanese payer may deduct the transfer fee (¥110 to ¥1,100, usually the same amount every
time); an Indian payer withholds TDS at a fixed rate of the value before GST, rounded to the
rupee; a card payout arrives net of the processor's fee, given on the line. Each deduction is
recorded as such and the invoice is settled in full. Exact sums over several invoices are
searched with bounded effort: natural groups (one month's invoices, the oldest ones) first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from lib.money import format_money

DEFAULT_TRANSFER_FEES = (
    110,
    154,
    165,
    209,
    220,
    275,
    330,
    385,
    440,
    495,
    550,
    660,
    880,
    990,
    1100,
    108,
    216,
    270,
    324,
    432,
    540,
    648,
    864,
)
DEFAULT_TDS_RATES_BP = (100, 200, 500, 1000)
MAX_GROUP = 12
SEARCH_BUDGET = 5_000
SEARCH_WIDTH = 16  # the oldest invoices a free search looks at


@dataclass
class Inv:
    """An open invoice as the engine sees it; ``outstanding`` drops as receipts are applied."""

    id: int
    no: str
    client_id: int
    currency: str
    invoice_date: str
    due_date: str
    amount: int
    tax: int
    outstanding: int
    disputed: bool = False

    @property
    def untouched(self) -> bool:
        return self.outstanding == self.amount


@dataclass
class Rules:
    """The deductions the team accepts; the lead edits them (stored in settings)."""

    transfer_fees: frozenset[int] = frozenset(DEFAULT_TRANSFER_FEES)
    tds_rates_bp: tuple[int, ...] = DEFAULT_TDS_RATES_BP
    learned_fees: dict[int, set[int]] = field(default_factory=dict)

    def fees_for(self, client_id: int | None) -> frozenset[int]:
        """The fees a payer may deduct: the ones it has deducted before, once it has a
        record, else any fee in the table."""
        learned = self.learned_fees.get(client_id or -1)
        return frozenset(learned) if learned else self.transfer_fees


@dataclass
class Part:
    """One line of a plan: apply ``applied`` to the invoice and record ``deduction``."""

    inv: Inv
    applied: int
    deduction: int = 0
    kind: str | None = None  # bank_fee, tds, card_fee
    rate_bp: int | None = None


@dataclass
class Plan:
    parts: list[Part]
    note: str  # "", "less transfer fee ¥440", "TDS 2% ₹674 withheld" …


def tds(inv: Inv, rate_bp: int) -> int:
    """TDS on an invoice: ``rate_bp`` of the value before GST, rounded to the rupee."""
    base = inv.amount - inv.tax
    return (base * rate_bp + 500_000) // 1_000_000 * 100


def settle(
    invs: Sequence[Inv],
    received: int,
    card_fee: int,
    rules: Rules,
    payer: int | None,
    fees: frozenset[int] | None = None,
) -> Plan | None:
    """A plan if ``received`` (plus ``card_fee``) settles exactly these invoices, with at
    most one kind of deduction; None otherwise. ``fees`` narrows the transfer fees allowed
    (default: what ``payer`` may deduct)."""
    total = sum(i.outstanding for i in invs)
    if not invs or total <= 0:
        return None
    cur = invs[0].currency
    if card_fee:
        if total == received + card_fee:
            return _one_deduction(
                invs, card_fee, "card_fee", f"card fee {format_money(card_fee, cur)} deducted"
            )
        return None
    if total == received:
        return Plan([Part(i, i.outstanding) for i in invs], "")
    gap = total - received
    allowed = rules.fees_for(payer) if fees is None else fees
    if cur == "JPY" and gap in allowed:
        return _one_deduction(
            invs, gap, "bank_fee", f"transfer fee {format_money(gap, cur)} deducted"
        )
    if cur == "INR" and gap > 0 and all(i.untouched for i in invs):
        base = sum(i.amount - i.tax for i in invs)
        for rate in rules.tds_rates_bp:
            # Each invoice's TDS is within half a rupee (50 paise) of rate × base, so the
            # sum is within 50 per invoice of the total: most sets fail here, unsummed.
            if abs(gap * 10_000 - base * rate) > 500_000 * len(invs):
                continue
            withheld = [tds(i, rate) for i in invs]
            if total - sum(withheld) == received and all(w > 0 for w in withheld):
                parts = [
                    Part(i, i.outstanding - w, w, "tds", rate)
                    for i, w in zip(invs, withheld, strict=True)
                ]
                return Plan(
                    parts, f"TDS {rate / 100:g}% {format_money(sum(withheld), cur)} withheld"
                )
    return None


def may_settle_alone(inv: Inv, received: int, card_fee: int, rules: Rules, payer: int) -> bool:
    """Whether ``received`` could settle ``inv`` alone with any deduction :func:`settle`
    allows, with any fees: a quick bound that spares settle the many invoices far off the
    amount. It must never turn away an invoice settle would take, so it changes with it."""
    gap = inv.outstanding - received - card_fee
    if gap == 0:
        return True
    if gap < 0 or card_fee:  # a card payout settles only exactly, net of its fee
        return False
    if inv.currency == "JPY":
        learned = rules.learned_fees.get(payer, ())
        return gap <= max(max(rules.transfer_fees, default=0), max(learned, default=0))
    if inv.currency == "INR":
        return inv.untouched and gap <= tds(inv, max(rules.tds_rates_bp, default=0))
    return False


def _one_deduction(invs: Sequence[Inv], amount: int, kind: str, note: str) -> Plan | None:
    # One transfer, one fee: it comes off the latest invoice, which must be able to take it.
    last = max(invs, key=lambda i: (i.invoice_date, i.no))
    if last.outstanding <= amount:
        return None
    parts = [
        Part(
            i,
            i.outstanding - (amount if i is last else 0),
            amount if i is last else 0,
            kind if i is last else None,
        )
        for i in invs
    ]
    return Plan(parts, note)


def month_groups(invs: Sequence[Inv]) -> Iterator[list[Inv]]:
    """One invoice month's open invoices: what a month-end-close payer settles at once."""
    by_month: dict[str, list[Inv]] = {}
    for inv in invs:
        by_month.setdefault(inv.invoice_date[:7], []).append(inv)
    yield from (g for g in by_month.values() if len(g) > 1)


def find_group(
    invs: Sequence[Inv],
    received: int,
    card_fee: int,
    rules: Rules,
    payer: int | None,
    must: Sequence[Inv] = (),
    only: frozenset[int] | None = None,
) -> tuple[Plan | None, bool]:
    """The one group of invoices the receipt settles exactly, if any.

    Returns ``(plan, ambiguous)``. One month's invoices win at once, with any fee the payer
    may deduct. Otherwise the oldest invoices, then a bounded search, must give exactly one
    group; there a transfer fee counts only if this payer has deducted it before (with every
    fee in the table some set would add up by chance) or the group keeps to the month of the
    invoices the payer named (``must``). ``only`` limits the transfer fees everywhere.
    """
    learned = frozenset(rules.learned_fees.get(payer or -1, ()))
    if only is not None:
        learned = learned & only
    if must:
        months = {i.invoice_date[:7] for i in must}
        invs = [i for i in invs if i.invoice_date[:7] in months or i in must]
        fees = rules.fees_for(payer) if only is None else only
    else:
        fees = learned
        for group in month_groups(invs):
            plan = settle(group, received, card_fee, rules, payer, fees=only)
            if plan:
                return plan, False
        for k in range(2, min(len(invs), MAX_GROUP) + 1):
            plan = settle(invs[:k], received, card_fee, rules, payer, fees=learned)
            if plan:
                return plan, False
    wanted = {i.id for i in must}
    found: list[Plan] = []
    search = Search()
    for subset in _subsets(invs, received, card_fee, fees, search):
        if not wanted <= {i.id for i in subset}:
            continue
        plan = settle(subset, received, card_fee, rules, payer, fees=fees)
        if plan and not any(_same(plan, f) for f in found):
            found.append(plan)
            if len(found) > 1:
                return None, True
    if found and not search.complete:
        return None, True  # one set found, but the search stopped early: it may not be alone
    return (found[0], False) if found else (None, False)


@dataclass
class Search:
    """Whether a bounded subset search looked at everything it could."""

    steps: int = SEARCH_BUDGET
    complete: bool = True


def _same(a: Plan, b: Plan) -> bool:
    return {p.inv.id for p in a.parts} == {p.inv.id for p in b.parts}


def _subsets(
    invs: Sequence[Inv], received: int, card_fee: int, fees: frozenset[int], search: Search
) -> Iterator[list[Inv]]:
    """Subsets (2 to MAX_GROUP invoices, oldest first) whose total could settle the receipt,
    within a fixed budget of steps."""
    ceiling = received + card_fee + max(fees or {0})
    if invs and invs[0].currency == "INR":
        ceiling = max(ceiling, received * 100 // 89 + 100)  # TDS up to 10% of pre-GST value
    floor = received + card_fee
    items = [i for i in invs if 0 < i.outstanding <= ceiling]
    if len(items) > SEARCH_WIDTH:
        items, search.complete = items[:SEARCH_WIDTH], False
    suffix = [0] * (len(items) + 1)
    for k in range(len(items) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + items[k].outstanding

    def walk(start: int, chosen: list[Inv], total: int) -> Iterator[list[Inv]]:
        if search.steps <= 0:
            search.complete = False
            return
        search.steps -= 1
        if len(chosen) >= 2 and floor <= total <= ceiling:
            yield list(chosen)
        if len(chosen) == MAX_GROUP:
            return
        for k in range(start, len(items)):
            if total + suffix[k] < floor:
                return  # even everything left is not enough
            value = items[k].outstanding
            if total + value > ceiling:
                continue
            chosen.append(items[k])
            yield from walk(k + 1, chosen, total + value)
            chosen.pop()

    yield from walk(0, [], 0)
