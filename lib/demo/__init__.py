"""A realistic demo ledger for Kaishu, with ground truth for payment matching.

``generate`` builds clients, invoices, receipts (bank credits and card payouts), statement
debits and one truth entry per receipt, deterministically for a seed and an ``as_of`` date.
``write_files`` renders the ledger as the files the team really receives (see
:mod:`lib.demo.files`). Everything is plain dicts of str/int/bool/None: dates as ISO text,
money as int minor units (JPY exponent 0, INR 2).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from lib.demo.clients import ClientSpec, make_clients
from lib.demo.dates import add_months
from lib.demo.debits import make_debits
from lib.demo.extras import add_non_client_credits
from lib.demo.files import write_files
from lib.demo.invoices import Invoice, make_invoices
from lib.demo.payments import Payments
from lib.demo.refs import RefMaker
from lib.kana import normalise_name

__all__ = ["KINDS", "DemoLedger", "generate", "write_files"]

KINDS = (
    "exact", "fee", "tds", "card", "consolidated", "head_office", "partial", "overpay",
    "equal_amount", "third_party", "interest", "refund", "unknown",
)  # fmt: skip


@dataclass
class DemoLedger:
    """A generated ledger: master data, invoices, receipts, statement debits and ground truth.

    ``truth[i]`` describes ``receipts[i]`` (its ``receipt_index`` is ``i``). ``debits`` are the
    statements' outflow lines; they are not receipts and have no truth.
    """

    seed: int
    as_of: str
    period_start: str
    clients: list[dict] = field(default_factory=list)
    invoices: list[dict] = field(default_factory=list)
    receipts: list[dict] = field(default_factory=list)
    truth: list[dict] = field(default_factory=list)
    debits: list[dict] = field(default_factory=list)


def generate(
    seed: int = 7, as_of: date = date(2026, 11, 20), clients: int = 300, months: int = 12
) -> DemoLedger:
    """Generate a demo ledger of ``clients`` clients billed for ``months`` months up to ``as_of``.

    Deterministic for ``(seed, as_of, clients, months)``: it uses its own ``random.Random``
    and never today's date. About 1.7 invoices per client and month (5,000 clients and 12
    months give roughly 100,000 invoices) and 0.7 receipts per invoice.
    """
    rng = random.Random(seed)
    start = add_months(as_of.replace(day=1), 1 - months)
    specs = make_clients(rng, clients, months)
    invoices = make_invoices(rng, specs, start, as_of, months)
    pay = Payments(rng, RefMaker(rng), as_of, specs)
    for spec, own in _by_client(specs, invoices):
        pay.pay_client(spec, own)
    known = {normalise_name(s.name) for s in specs} | {normalise_name(s.reading) for s in specs}
    add_non_client_credits(pay, start, known, clients)
    drafts = sorted(pay.drafts, key=lambda d: (d.day, d.receipt["account"]))
    for index, draft in enumerate(drafts):
        draft.truth["receipt_index"] = index
    receipts = [d.receipt for d in drafts]
    return DemoLedger(
        seed=seed,
        as_of=as_of.isoformat(),
        period_start=start.isoformat(),
        clients=[spec.as_dict() for spec in specs],
        invoices=[inv.as_dict() for inv in invoices],
        receipts=receipts,
        truth=[d.truth for d in drafts],
        debits=make_debits(rng, receipts, start, as_of, clients),
    )


def _by_client(
    specs: list[ClientSpec], invoices: list[Invoice]
) -> list[tuple[ClientSpec, list[Invoice]]]:
    own: dict[str, list[Invoice]] = {spec.code: [] for spec in specs}
    for inv in invoices:  # already in date order
        own[inv.spec.code].append(inv)
    return [(spec, own[spec.code]) for spec in specs]
