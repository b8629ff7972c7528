"""How good the expected-collections forecast is: against what actually came, and against
the naive forecast "every open invoice is paid on its due date".

Actual receipts for a forecast made on ``origin`` are the cash applied, week by week, to the
invoices that were open on ``origin`` (the same book the forecast covers), by the receipts'
value dates. The naive forecast puts each open invoice's outstanding on its due date, and an
invoice already overdue in the first week. The error is the weekly mean absolute percentage
error (MAPE): the mean over weeks of |forecast − actual| ÷ actual, per currency; the
weighted error (WAPE) beside it weighs each week by its cash.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib.aging import Buckets, aging_items
from lib.reports.forecast import WEEKS, forecast
from lib.reports.periods import week_index, weeks_ahead

ACTUAL = """
SELECT i.currency, a.effective_date, SUM(a.amount) FROM allocations a
  JOIN invoices i ON i.id = a.invoice_id
 WHERE a.reversed_at IS NULL AND a.effective_date BETWEEN :first AND :last
   AND i.invoice_date <= :origin AND i.voided_at IS NULL
 GROUP BY 1, 2
"""


def actuals(db: Database, origin: date, until: date, weeks: int = WEEKS) -> dict:
    """Cash applied per (week index, currency) to the invoices open on ``origin``, for the
    weeks that had ended by ``until``."""
    windows = [w for w in weeks_ahead(origin, weeks) if w[1] <= until]
    if not windows:
        return {}
    params = {
        "first": windows[0][0].isoformat(),
        "last": windows[-1][1].isoformat(),
        "origin": origin.isoformat(),
    }
    out: dict[tuple[int, str], int] = defaultdict(int)
    for currency, day, amount in db.execute(ACTUAL, params):
        out[(week_index(origin, date.fromisoformat(day)), currency)] += amount
    for week in range(len(windows)):
        for currency in {c for _, c in out}:
            out.setdefault((week, currency), 0)
    return dict(out)


def naive(db: Database, origin: date, weeks: int = WEEKS, overdue: bool = True) -> dict:
    """The naive forecast per (week index, currency): each open invoice's outstanding on its
    due date; overdue invoices in the first week (or left out with ``overdue=False``)."""
    out: dict[tuple[int, str], int] = defaultdict(int)
    for item in aging_items(db, origin, Buckets()):
        due = date.fromisoformat(item["due_date"])
        if due <= origin and not overdue:
            continue
        week = week_index(origin, due)
        if week < weeks:
            out[(week, item["currency"])] += item["outstanding"]
    return dict(out)


def weekly(rows: Iterable[dict[str, Any]]) -> dict[tuple[int, str], int]:
    """Forecast rows summed per (week index, currency)."""
    out: dict[tuple[int, str], int] = defaultdict(int)
    for row in rows:
        out[(row["week"] - 1, row["currency"])] += row["amount"]
    return dict(out)


def compare(db: Database, origin: date, until: date, weeks: int = WEEKS) -> list[dict[str, Any]]:
    """The forecast made on ``origin`` beside the naive one and what came (None for weeks
    not yet over by ``until``): rows of week, week_start, currency, forecast, naive, actual."""
    ours = weekly(forecast(db, origin, weeks))
    simple = naive(db, origin, weeks)
    came = actuals(db, origin, until, weeks)
    currencies = sorted({c for _, c in ours} | {c for _, c in simple} | {c for _, c in came})
    rows = []
    for n, (start, _end) in enumerate(weeks_ahead(origin, weeks)):
        for currency in currencies:
            rows.append(
                {
                    "origin": origin.isoformat(),
                    "week": n + 1,
                    "week_start": start.isoformat(),
                    "currency": currency,
                    "forecast": ours.get((n, currency), 0),
                    "naive": simple.get((n, currency), 0),
                    "actual": came.get((n, currency)),
                }
            )
    return rows


def backtest(db: Database, origins: Iterable[date], until: date, weeks: int = WEEKS) -> list:
    """:func:`compare` for each of ``origins`` (whose weeks ended by ``until``)."""
    return [row for origin in origins for row in compare(db, origin, until, weeks)]


def mape(rows: Iterable[dict[str, Any]], key: str = "forecast") -> dict[str, float]:
    """Weekly mean absolute percentage error per currency, in percent, over the rows whose
    actual is known and above zero."""
    errors: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if row["actual"]:
            errors[row["currency"]].append(abs(row[key] - row["actual"]) / row["actual"])
    return {c: round(sum(e) * 100 / len(e), 1) for c, e in sorted(errors.items())}


def wape(rows: Iterable[dict[str, Any]], key: str = "forecast") -> dict[str, float]:
    """Weighted absolute percentage error per currency, in percent: Σ|forecast − actual| ÷
    Σ actual over the weeks whose actual is known. Unlike MAPE, a quiet week with little
    cash does not swamp it."""
    errors: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        if row["actual"] is not None:
            errors[row["currency"]][0] += abs(row[key] - row["actual"])
            errors[row["currency"]][1] += row["actual"]
    return {c: round(e * 100 / a, 1) for c, (e, a) in sorted(errors.items()) if a}


def origins_between(first: date, last: date, every_days: int = 14) -> list[date]:
    """Forecast dates from ``first`` to ``last``, every ``every_days`` days."""
    out, day = [], first
    while day <= last:
        out.append(day)
        day += timedelta(days=every_days)
    return out
