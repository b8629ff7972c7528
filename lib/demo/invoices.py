"""Demo invoices: a year of monthly fees and ad-hoc bills, numbered in date order."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from lib.demo.clients import ClientSpec
from lib.demo.dates import add_months, days_in_month, month_end

NUMERIC_SERIES_START = 611_000  # franchise billing runs on an older system with 10-digit numbers


@dataclass(slots=True)
class Invoice:
    """An invoice while the demo is generated; ``as_dict`` is the canonical row."""

    spec: ClientSpec
    day: date
    due: date
    amount: int
    tax: int
    disputed: bool
    month: int  # month index from the start of the period
    number: str = ""

    @property
    def sequence(self) -> str:
        """The numeric running part payers type: '1066' for INV2509-01066, '611365' too."""
        return self.number.rsplit("-", 1)[-1].lstrip("0") or "0"

    def as_dict(self) -> dict[str, str | int | bool | None]:
        """The invoice with canonical field names (dates as ISO text, money in minor units)."""
        return {
            "invoice_no": self.number,
            "client_code": self.spec.code,
            "client_name": self.spec.name,
            "invoice_date": self.day.isoformat(),
            "due_date": self.due.isoformat(),
            "amount": self.amount,
            "tax": self.tax,
            "currency": self.spec.currency,
            "disputed": self.disputed,
        }


def make_invoices(
    rng: random.Random, specs: list[ClientSpec], start: date, as_of: date, months: int
) -> list[Invoice]:
    """All invoices dated from ``start`` to ``as_of``, numbered in date order."""
    invoices: list[Invoice] = []
    for spec in specs:
        for month in range(spec.start_month, months):
            first = add_months(start, month)
            for day, is_fee in _billing_days(rng, spec, first):
                if day <= as_of:
                    invoices.append(_invoice(rng, spec, day, month, is_fee))
    _number(invoices)
    return invoices


def _billing_days(rng: random.Random, spec: ClientSpec, first: date) -> list[tuple[date, bool]]:
    days = []
    if spec.monthly_fee:
        # Monthly fees go out on the 1st, or at the close for month-end clients.
        days.append((month_end(first) if spec.consolidates else first, True))
    volume = spec.volume * rng.uniform(0.5, 1.5)
    count = int(volume) + (rng.random() < volume - int(volume))
    last = days_in_month(first)
    for _ in range(count):
        days.append((first.replace(day=rng.randint(1, last)), False))
    return days


def _invoice(rng: random.Random, spec: ClientSpec, day: date, month: int, is_fee: bool) -> Invoice:
    pre_tax = spec.monthly_fee if is_fee else _ad_hoc_amount(rng, spec.currency)
    if spec.currency == "JPY":
        tax = pre_tax * 10 // 100  # consumption tax, fractions of a yen cut off
    else:
        tax = (pre_tax * spec.gst_rate + 50) // 100
    return Invoice(
        spec=spec,
        day=day,
        due=day + timedelta(days=spec.terms),
        amount=pre_tax + tax,
        tax=tax,
        disputed=rng.random() < 0.03,
        month=month,
    )


def _ad_hoc_amount(rng: random.Random, currency: str) -> int:
    if currency == "JPY":
        yen = min(3_000_000, max(3_000, rng.lognormvariate(11.3, 1.0)))
        return int(yen) // 100 * 100
    rupees = min(25_00_000, max(1_000, rng.lognormvariate(10.3, 1.1)))
    paise = int(rupees * 100)
    # Most Indian bills are in whole rupees; a few carry paise from per-unit pricing.
    return paise if rng.random() < 0.3 else paise // 100 * 100


def _number(invoices: list[Invoice]) -> None:
    invoices.sort(key=lambda inv: (inv.day, inv.spec.code, inv.amount))
    per_month: dict[tuple[int, int], int] = {}
    numeric = NUMERIC_SERIES_START
    for inv in invoices:
        if inv.spec.segment == "franchisee":
            numeric += 1
            inv.number = f"{numeric:010d}"
            continue
        key = (inv.day.year, inv.day.month)
        per_month[key] = per_month.get(key, 0) + 1
        inv.number = f"INV{inv.day:%y%m}-{per_month[key]:05d}"
