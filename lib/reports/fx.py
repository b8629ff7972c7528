"""Converted totals: never a silent sum of yen and rupees.

A reporting-currency total exists only when the lead has entered, for every currency in it,
a rate dated on or before ``as_of``; it is then labelled with the rates' dates. Rates are
decimal text (units of the reporting currency per one unit of the currency) and conversion
is done in Decimal, rounded half-up to the reporting currency's minor units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlite_utils import Database

from lib.money import exponent, format_money, to_units
from lib.reports.periods import dmy


@dataclass(frozen=True)
class Rate:
    currency: str
    reporting: str
    rate: Decimal
    rate_date: str


@dataclass(frozen=True)
class Converted:
    """A converted total, or the reason there is none (``missing`` currencies)."""

    reporting: str
    total: int | None
    rates: dict[str, Rate] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "converted at rates of 31/10/2026", or what rate is missing."""
        if self.total is None:
            which = ", ".join(f"{c}→{self.reporting}" for c in self.missing)
            return f"no converted total: enter a rate for {which} dated on or before the date"
        days = sorted({r.rate_date for r in self.rates.values()})
        if not days:
            return f"all in {self.reporting}"
        if len(days) == 1:
            return f"converted at rates of {dmy(days[0])}"
        each = ", ".join(f"{c} {dmy(r.rate_date)}" for c, r in sorted(self.rates.items()))
        return f"converted at rates of {each}"

    def text(self) -> str:
        """The total for display, e.g. "¥12,345,678 (converted at rates of 31/10/2026)"."""
        if self.total is None:
            return self.label
        return f"{format_money(self.total, self.reporting)} ({self.label})"


def latest_rates(db: Database, as_of: date, reporting: str) -> dict[str, Rate]:
    """For each currency, the newest rate into ``reporting`` dated on or before ``as_of``."""
    found: dict[str, Rate] = {}
    for row in db.query(
        "SELECT currency, rate, rate_date FROM fx_rates WHERE reporting_currency = ?"
        " AND rate_date <= ? ORDER BY rate_date",
        [reporting, as_of.isoformat()],
    ):
        found[row["currency"]] = Rate(
            row["currency"], reporting, Decimal(row["rate"]), row["rate_date"]
        )
    return found


def convert(minor: int, currency: str, rate: Decimal, reporting: str) -> int:
    """``minor`` units of ``currency`` in minor units of ``reporting`` at ``rate``."""
    value = to_units(minor, currency) * rate
    step = Decimal(1).scaleb(-exponent(reporting))
    return int((value.quantize(step, rounding=ROUND_HALF_UP)).scaleb(exponent(reporting)))


def converted_total(
    totals: Mapping[str, int], rates: Mapping[str, Rate], reporting: str
) -> Converted:
    """The sum of per-currency ``totals`` in ``reporting``, if every currency has a rate."""
    shown = {c: v for c, v in totals.items() if v}
    missing = tuple(sorted(c for c in shown if c != reporting and c not in rates))
    if missing:
        return Converted(reporting, None, missing=missing)
    used = {c: rates[c] for c in shown if c != reporting}
    total = sum(
        v if c == reporting else convert(v, c, used[c].rate, reporting) for c, v in shown.items()
    )
    return Converted(reporting, total, used)
