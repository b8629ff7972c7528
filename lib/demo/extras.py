"""Credits that are not client payments: bank interest, vendor refunds, unknown payers."""

from __future__ import annotations

import random
from datetime import date, timedelta

from lib.demo import names
from lib.demo.dates import add_months, business_day, month_end
from lib.demo.lines import StatementLines
from lib.demo.records import receipt, truth
from lib.demo.refs import Payer
from lib.kana import normalise_name, to_bank_kana

REFUND_REMARKS = (
    "REFUND", "REFUND AGAINST PO 4471", "SECURITY DEPOSIT REFUND", "INSURANCE CLAIM SETTLEMENT",
    "EXCESS PAYMENT REFUND",
)  # fmt: skip


def add_non_client_credits(pay: StatementLines, start: date, known: set[str], clients: int) -> None:
    """Interest from the banks, refunds from vendors and payers nobody can place."""
    _interest(pay, start)
    for _ in range(max(4, clients // 50)):
        _refund(pay, _random_day(pay.rng, start, pay.as_of))
    for _ in range(max(6, clients // 25)):
        _unknown(pay, _random_day(pay.rng, start, pay.as_of), known)


def _random_day(rng: random.Random, start: date, as_of: date) -> date:
    day = business_day(start + timedelta(days=rng.randrange((as_of - start).days + 1)), True)
    return day if day >= start else business_day(start)


def _non_client(pay: StatementLines, row: dict, day: date, kind: str) -> None:
    pay.add(row, day, truth(kind, None, None, False), [], False)


def _interest(pay: StatementLines, start: date) -> None:
    rng, month = pay.rng, start
    while month <= pay.as_of:
        if month.month in (2, 8):  # ordinary deposits earn interest twice a year in Japan
            day = business_day(month.replace(day=20), backward=True)
            if day <= pay.as_of:
                row = receipt(None, day, rng.randint(1, 400), "", "ﾘｿｸ", "JPY")
                _non_client(pay, row, day, "interest")
        if month.month in (3, 6, 9, 12):  # sweep deposit interest each quarter in India
            day = business_day(month_end(month), backward=True)
            if day <= pay.as_of:
                opened = add_months(month, -2)
                period = f"{opened:%d-%m-%Y} TO {month_end(month):%d-%m-%Y}"
                text = f"INT.PD:50300{rng.randrange(10**9):09d}:{period}"
                row = receipt(None, day, rng.randint(50_00, 25_000_00), "", text, "INR")
                _non_client(pay, row, day, "interest")
        month = add_months(month, 1)


def _refund(pay: StatementLines, day: date) -> None:
    rng = pay.rng
    if rng.random() < 0.5:
        vendor = pay.unrelated_payer("JPY", person=False, pool=names.JP_VENDORS)
        assert isinstance(vendor, str)
        memo = rng.choice(("ﾍﾝｷﾝ", "ｶﾝﾌﾟｷﾝ", "ﾌﾘｺﾐ"))
        row, _ = pay.jp_receipt(vendor, day, rng.randint(10, 3_000) * 100, [], False, memo=memo)
    else:
        vendor = pay.unrelated_payer("INR", person=False, pool=names.IN_VENDORS)
        assert isinstance(vendor, Payer)
        amount = rng.randint(500, 80_000) * 100
        row, _ = pay.in_receipt(vendor, day, amount, [], False, rng.choice(REFUND_REMARKS))
    _non_client(pay, row, day, "refund")


def _unknown(pay: StatementLines, day: date, known: set[str]) -> None:
    """Money from a person or a company that is not a client (misdirected, or never explained)."""
    rng = pay.rng
    currency = "JPY" if rng.random() < 0.55 else "INR"
    if currency == "JPY":
        name = (
            to_bank_kana(names.japanese_person(rng))
            if rng.random() < 0.6
            else _stranger(rng, known, "JPY")
        )
        row, _ = pay.jp_receipt(
            name, day, rng.randint(50, 5_000) * 100 + rng.choice((0, 0, 10, 55)), [], False
        )
    else:
        person = rng.random() < 0.6
        payer = pay.unrelated_payer("INR", person=person)
        assert isinstance(payer, Payer)
        if not person:
            payer.name = _stranger(rng, known, "INR")
        row, _ = pay.in_receipt(payer, day, rng.randint(500, 60_000) * 100, [], False)
    _non_client(pay, row, day, "unknown")


def _stranger(rng: random.Random, known: set[str], currency: str) -> str:
    """A company name that no client has (compared by the matching key)."""
    while True:
        if currency == "JPY":
            company = names.japanese_company(rng)
            name = to_bank_kana(company.reading)
            key = normalise_name(company.reading)
        else:
            company = names.indian_company(rng)
            name = company.name.upper().replace(".", "")
            key = normalise_name(company.name)
        if key not in known:
            return name
