"""Demo receipts with ground truth: how each client actually paid its invoices.

Each receipt is drafted together with its truth entry (which invoices it pays, with what
deduction, and whether a careful person could apply it without asking anyone).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from lib.demo import names
from lib.demo.clients import ClientSpec
from lib.demo.dates import add_business_days, add_months, business_day, month_end
from lib.demo.invoices import Invoice
from lib.demo.lines import StatementLines
from lib.demo.records import allocation, instalments, mark_equal_amounts, receipt, tds, truth
from lib.demo.refs import Payer, RefMaker, invoice_ref


class Payments(StatementLines):
    """Drafts the receipts of every client, one client at a time."""

    def __init__(self, rng: random.Random, refs: RefMaker, as_of: date, specs: list[ClientSpec]):
        super().__init__(rng, refs, as_of)
        self.by_code = {spec.code: spec for spec in specs}
        self._last_paid = date.min
        self._third: dict[str, str | Payer] = {}

    def pay_client(self, spec: ClientSpec, invoices: list[Invoice]) -> None:
        """Draft all receipts for one client's invoices (in date order)."""
        first = len(self.drafts)
        self._last_paid = date.min
        for group, extra in self._groups(spec, invoices):
            self._pay_group(spec, group, extra)
        mark_equal_amounts(invoices, self.drafts[first:])

    def _groups(self, spec: ClientSpec, invoices: list[Invoice]) -> list[tuple[list[Invoice], int]]:
        groups: dict[object, list[Invoice]] = {}
        for inv in invoices:
            if not inv.disputed:
                key = inv.month if spec.consolidates else inv.number
                groups.setdefault(key, []).append(inv)
        out = [(group, 0) for group in groups.values()]
        # Most disputed invoices stay unpaid; a few are paid once the dispute is settled.
        late = [inv for inv in invoices if inv.disputed and self.rng.random() < 0.2]
        return out + [([inv], self.rng.randint(45, 150)) for inv in late]

    def _pay_group(self, spec: ClientSpec, group: list[Invoice], extra: int) -> None:
        rng = self.rng
        if rng.random() < 0.03 or (
            spec.stop_month is not None and group[-1].month >= spec.stop_month
        ):
            return  # never paid: these keep the worklist busy
        if spec.channel == "card":
            self._card(spec, group[0])
            return
        day = self._when(spec, group, extra)
        if day is None:
            return
        parent = self.by_code.get(spec.parent or "")
        roll = rng.random()
        if parent is not None and roll < 0.6:
            self._settle(parent, group, day, kind="head_office", client=spec)
        elif roll > 0.97:
            self._third_party(spec, group, day)
        elif len(group) == 1 and roll > 0.935:
            self._partial(spec, group[0], day)
        elif len(group) == 1 and roll > 0.915:
            self._overpay(spec, group[0], day)
        else:
            self._settle(spec, group, day)

    def _when(self, spec: ClientSpec, group: list[Invoice], extra: int) -> date | None:
        rng, last = self.rng, group[-1]
        if spec.consolidates:  # month-end close, paid at the end of the next month
            base = month_end(add_months(last.day.replace(day=1), 1))
        else:
            base = max(inv.due for inv in group)
        if spec.timing == "prompt":
            delta = 0 if spec.currency == "JPY" and rng.random() < 0.8 else rng.randint(-5, 6)
        elif spec.timing == "late":
            delta = rng.randint(8, 75)
        else:
            delta = rng.randint(-15, 120)
        day = max(base + timedelta(days=delta + extra), last.day)
        if not extra:
            # Even a late or erratic payer clears its older bills first: a payment never
            # comes before the payment of an earlier invoice.
            day = max(day, self._last_paid)
        day = business_day(day, backward=spec.currency == "JPY")
        if day <= self.as_of and not extra:
            self._last_paid = day
        return day if day <= self.as_of else None

    def _settle(
        self,
        payer: ClientSpec,
        group: list[Invoice],
        day: date,
        kind: str | None = None,
        client: ClientSpec | None = None,
    ) -> None:
        allocs = [_deducted(payer, inv) for inv in group]
        if payer.currency == "JPY" and payer.transfer_fee:
            last = allocs[-1]  # one transfer, one fee: it comes off the last invoice
            last.update(applied=last["applied"] - payer.transfer_fee, deduction=payer.transfer_fee)
            last["deduction_kind"] = "bank_fee"
        if kind is None:
            first_kind = allocs[0]["deduction_kind"] or allocs[-1]["deduction_kind"]
            kind = (
                "consolidated"
                if len(group) > 1
                else {"bank_fee": "fee", "tds": "tds"}.get(first_kind or "", "exact")
            )
        amount = sum(a["applied"] for a in allocs)
        row, has_ref = self._bank_receipt(payer, day, amount, group)
        entry = truth(kind, (client or payer).code, payer.code, True)
        entry["allocations"] = allocs
        self.add(row, day, entry, group, has_ref)

    def _bank_receipt(
        self, payer: ClientSpec, day: date, amount: int, group: list[Invoice], ref_rate: float = -1
    ) -> tuple[dict, bool]:
        with_ref = self.rng.random() < (payer.ref_rate if ref_rate < 0 else ref_rate)
        numbers = [inv.number for inv in group]
        if payer.currency == "JPY":
            seq = group[0].sequence if payer.seq_prefix and group else None
            return self.jp_receipt(
                payer.payer, day, amount, numbers, with_ref, seq, payer.truncate_at
            )
        identity = Payer(payer.payer, payer.bank, payer.ifsc, payer.vpa, payer.style)
        return self.in_receipt(identity, day, amount, numbers, with_ref)

    def _card(self, spec: ClientSpec, inv: Invoice) -> None:
        rng = self.rng
        payout = add_business_days(inv.day + timedelta(days=rng.randint(0, 12)), 2)
        if payout > self.as_of or inv.disputed:
            return
        fee = (inv.amount * spec.card_fee_bp + 5_000) // 10_000
        if rng.random() < 0.8:
            customer = spec.name
        elif spec.currency == "JPY":
            customer = names.japanese_person(rng)
        else:
            customer = names.indian_person(rng).title()
        ref = invoice_ref(rng, inv.number, fullwidth_ok=True) if rng.random() < 0.75 else ""
        account = f"CARD-STRIPE-{spec.currency}"
        row = receipt(
            self.refs.card_id(),
            payout,
            inv.amount - fee,
            customer,
            ref,
            spec.currency,
            "card",
            account,
            fee,
        )
        entry = truth("card", spec.code, spec.code, True)
        entry["allocations"] = [allocation(inv, inv.amount - fee, fee, "card_fee")]
        self.add(row, payout, entry, [inv], bool(ref))

    def _third_party(self, spec: ClientSpec, group: list[Invoice], day: date) -> None:
        payer = self._third_party_payer(spec)
        amount = sum(inv.amount for inv in group)
        numbers = [inv.number for inv in group]
        with_ref = self.rng.random() < 0.5
        if isinstance(payer, str):
            row, has_ref = self.jp_receipt(payer, day, amount, numbers, with_ref)
        else:
            row, has_ref = self.in_receipt(payer, day, amount, numbers, with_ref)
        entry = truth("third_party", spec.code, None, has_ref)
        entry["allocations"] = [allocation(inv, inv.amount) for inv in group]
        self.add(row, day, entry, group, has_ref)

    def _third_party_payer(self, spec: ClientSpec) -> str | Payer:
        if spec.code not in self._third:
            self._third[spec.code] = self.unrelated_payer(
                spec.currency, person=self.rng.random() < 0.4
            )
        return self._third[spec.code]

    def _partial(self, spec: ClientSpec, inv: Invoice, day: date) -> None:
        rng = self.rng
        parts = instalments(rng, inv.amount, 1_000 if spec.currency == "JPY" else 10_000)
        complete = rng.random() >= 0.35
        if not complete:
            parts = parts[:-1]  # the last instalment never came
        with_ref = rng.random() < 0.7
        for k, part in enumerate(parts):
            when = business_day(
                day + timedelta(days=k * rng.randint(20, 40)), spec.currency == "JPY"
            )
            if when > self.as_of:
                return
            row, has_ref = self._bank_receipt(spec, when, part, [inv], 1.0 if with_ref else 0.0)
            entry = truth("partial", spec.code, spec.code, has_ref)
            entry["allocations"] = [allocation(inv, part)]
            self.add(row, when, entry, [inv], has_ref)

    def _overpay(self, spec: ClientSpec, inv: Invoice, day: date) -> None:
        rng = self.rng
        if spec.currency == "JPY":
            extra = rng.choice((1_000, 2_000, 5_000, 10_000, inv.tax or 1_000))
        else:
            extra = rng.randint(1, 50) * 10_000
        row, has_ref = self._bank_receipt(spec, day, inv.amount + extra, [inv], 0.7)
        entry = truth("overpay", spec.code, spec.code, has_ref)
        entry["allocations"] = [allocation(inv, inv.amount)]
        self.add(row, day, entry, [inv], has_ref)


def _deducted(payer: ClientSpec, inv: Invoice) -> dict:
    if payer.currency == "INR" and payer.tds_rate:
        withheld = tds(inv, payer.tds_rate)
        return allocation(inv, inv.amount - withheld, withheld, "tds")
    return allocation(inv, inv.amount)
