"""Outflow lines for the demo bank statements (salaries, rent, taxes, vendors, bank charges).

They are not receipts and carry no truth; they exist so the statement files look like the
real exports, where the importer must skip debits.
"""

from __future__ import annotations

import random
from datetime import date

from lib.demo.dates import add_months, business_day, days_in_month
from lib.demo.records import ACCOUNTS, MONTHS

# (payee, memo, day of month, share of the month's spending in %)
JP_FIXED = (
    ("", "ｷﾕｳﾖ", 25, 38),
    ("ｶ)ﾐﾄﾞﾘﾌﾄﾞｳｻﾝ", "ﾌﾘｺﾐ", 27, 10),
    ("", "ｼﾔｶｲﾎｹﾝﾘﾖｳ", 31, 9),
    ("", "ｿﾞｲｷﾝ", 10, 6),
)
JP_VENDORS = (
    ("ｶ)ｵﾌｲｽｻﾌﾟﾗｲ", "ﾌﾘｺﾐ"),
    ("ﾊﾔﾃﾕｳｿｳ(ｶ", "ﾌﾘｺﾐ"),
    ("ｿｳｺｳﾘ-ｽ(ｶ", "ｺｳｻﾞﾌﾘｶｴ"),
    ("", "ﾃﾞﾝｷﾘﾖｳ"),
)
IN_FIXED = (
    ("", "SALARY TRANSFER {mon}", 31, 38),
    ("", "IMPS-{n}-SWIFT TRAVELS-RENT", 5, 10),
    ("", "GST PAYMENT CHALLAN {n}", 20, 8),
    ("", "TDS PAYMENT 281 CHALLAN {n}", 7, 4),
    ("", "ACH D- TP ACH ORBIT INSURANCE-{n}", 10, 2),
)
IN_VENDORS = (
    ("", "NEFT DR-ICIC0000104-CLOUDNINE SOFTWARE PVT LTD-NETBANK, MUM-N{n}-VENDOR PAYMENT"),
    ("", "CHQ PAID-MICR CTS-MU-PRINTWELL STATIONERS"),
    ("", "NEFT DR-HDFC0000240-BLUEDART COURIER SVCS-NETBANK, MUM-N{n}-COURIER BILLS"),
)


def make_debits(
    rng: random.Random, receipts: list[dict], start: date, as_of: date, clients: int
) -> list[dict]:
    """Outflows for both bank accounts, sized so each month spends most of what came in."""
    credits: dict[tuple[str, str], int] = {}
    for row in receipts:
        if row["channel"] == "bank":
            key = (row["account"], row["date"][:7])
            credits[key] = credits.get(key, 0) + row["amount"]
    debits: list[dict] = []
    for currency, account in ACCOUNTS.items():
        month = start
        while month <= as_of:
            total = credits.get((account, f"{month:%Y-%m}"), 0)
            spend = int(total * rng.uniform(0.7, 0.95))
            debits += _month(rng, currency, month, as_of, spend, 2 + clients // 60)
            month = add_months(month, 1)
    debits.sort(key=lambda d: (d["account"], d["date"]))
    return debits


def _month(
    rng: random.Random, currency: str, month: date, as_of: date, spend: int, vendors: int
) -> list[dict]:
    fixed = JP_FIXED if currency == "JPY" else IN_FIXED
    lines = [(payee, memo, dom, share * spend // 100) for payee, memo, dom, share in fixed]
    rest = spend * (100 - sum(f[3] for f in fixed)) // 100
    weights = [rng.random() + 0.2 for _ in range(vendors)]
    for weight in weights:
        payee, memo = rng.choice(JP_VENDORS if currency == "JPY" else IN_VENDORS)
        lines.append((payee, memo, rng.randint(1, 28), int(rest * weight / sum(weights))))
    fee = rng.choice((330, 440, 770)) if currency == "JPY" else rng.choice((590, 1_770, 2_950))
    memo = "ﾌﾘｺﾐﾃｽｳﾘﾖｳ" if currency == "JPY" else "CHRG: NEFT/RTGS CHARGES INCL GST"
    lines.append(("", memo, 25, fee))
    rows = []
    for payee, memo, dom, amount in lines:
        day = business_day(month.replace(day=min(dom, days_in_month(month))), backward=True)
        if currency == "JPY":
            amount = amount // 10 * 10
        if amount > 0 and month <= day <= as_of:
            text = memo.format(mon=f"{MONTHS[day.month - 1]} {day:%y}", n=rng.randrange(10**8))
            rows.append(_row(day, amount, payee, text, currency))
    return rows


def _row(day: date, amount: int, payee: str, memo: str, currency: str) -> dict:
    return {
        "date": day.isoformat(),
        "amount": amount,
        "payee": payee,
        "memo": memo,
        "currency": currency,
        "account": ACCOUNTS[currency],
        "reference": None,
    }
