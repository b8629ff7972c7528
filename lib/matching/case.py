"""A receipt being decided, and the decision taken: the vocabulary of the matching engine.

:class:`Receipt` is a statement line as matching reads it, :class:`Case` one receipt being
decided with what its line says and who paid (and the amount plans it may settle), and
:class:`Decision` what to do with it and why, in words a collector can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from lib.matching.amounts import Inv, Part, Plan, find_group, may_settle_alone, settle
from lib.matching.book import Book
from lib.matching.names import Identified
from lib.matching.text import Line


@dataclass
class Receipt:
    id: int
    value_date: str
    currency: str
    amount: int
    fee: int
    payer_name: str | None
    memo: str | None
    client_id: int | None = None
    reference: str | None = None
    channel: str = "bank"


@dataclass
class Decision:
    """What to do with one receipt, and why, in words a collector can read."""

    action: str  # auto, suggest, suspense; "equal" waits for the payer's other receipts
    rule: str
    confidence: float
    explanation: str
    parts: list[Part] = field(default_factory=list)
    client_id: int | None = None
    options: list[Plan] = field(default_factory=list)  # for "equal": one plan per invoice


@dataclass
class Case:
    """One receipt being decided, with what its line says and who paid."""

    book: Book
    r: Receipt
    line: Line
    who: Identified
    group: list[int]
    # Group searches already made for this receipt: deciding asks the same question up to
    # three times (a try, whether a group fits too, why nothing fits), and nothing the
    # search reads changes until the decision is taken.
    searched: dict[tuple, tuple[Plan | None, bool]] = field(default_factory=dict, repr=False)

    @cached_property  # asked for at every step; the payer does not change while deciding
    def payer(self) -> int | None:
        return self.who.unique

    def plan(self, invs: list[Inv]) -> Plan | None:
        return settle(
            invs, self.r.amount, self.r.fee, self.book.rules, self.payer or invs[0].client_id
        )

    def group_plan(
        self, invs: list[Inv], must: list[Inv] | None = None, only: frozenset[int] | None = None
    ) -> tuple[Plan | None, bool]:
        key = (tuple(i.id for i in invs), tuple(i.id for i in must or ()), only)
        if key not in self.searched:
            self.searched[key] = find_group(
                invs,
                self.r.amount,
                self.r.fee,
                self.book.rules,
                self.payer or (invs[0].client_id if invs else None),
                must or (),
                only,
            )
        return self.searched[key]

    def single(self, inv: Inv, fees: frozenset[int] | None) -> Plan | None:
        """The plan for one invoice with these transfer fees (None: what the payer may
        deduct); TDS and card fees are no guesswork and always count."""
        return settle(
            [inv],
            self.r.amount,
            self.r.fee,
            self.book.rules,
            self.payer or inv.client_id,
            fees=fees,
        )

    def may_settle(self, inv: Inv) -> bool:
        """Whether :meth:`single` could take this invoice with any fees (a quick bound)."""
        r = self.r
        return may_settle_alone(inv, r.amount, r.fee, self.book.rules, self.payer or inv.client_id)

    def payer_text(self) -> str:
        client = self.book.clients.get(self.payer or -1)
        if not client:
            return "payer identified"
        how = {
            "alias": "a learned alias",
            "branch": "branch name",
            "assigned": "assignment",
            "prefix": "name (cut short by the bank)",
        }.get(self.who.how, "name")
        return f"payer {self.who.name or client.name} is {client.name} ({client.code}) by {how}"
