"""Everything the weekly meeting shows, computed once for a date: key numbers with their
change, aging at month ends, DSO and CEI trends, collections against target, unapplied
cash, promises and the recovery funnel. Pure figures; :mod:`lib.reports.charts` draws them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib.aging import Buckets
from lib.aging.balances import bucket_totals_at
from lib.reports.fx import converted_total, latest_rates
from lib.reports.measures import cei_trend, collections, dso_trend, key_numbers, unapplied_by_age
from lib.reports.periods import month_ends
from lib.reports.report_settings import reporting_currency
from lib.reports.team_measures import kept_rate, promise_stats, recovery_funnel

TREND_POINTS = 13  # a year of month ends and today


def figures(db: Database, as_of: date, buckets: Buckets) -> dict[str, Any]:
    """The meeting's figures on ``as_of`` (see the module docstring)."""
    points = month_ends(as_of, TREND_POINTS)
    trend = [(day.isoformat(), bucket_totals_at(db, day, buckets)) for day in points]
    keys = key_numbers(db, as_of, buckets)
    reporting = reporting_currency(db)
    rates = latest_rates(db, as_of, reporting)
    opened = {c: k["open"] for c, k in keys.items()}
    return {
        "keys": keys,
        "currencies": sorted(set(keys) | {c for _, t in trend for c in t}),
        "converted": converted_total(opened, rates, reporting),
        "trend": trend,
        "dso": dso_trend(db, points),
        "cei": cei_trend(db, as_of, 12),
        "collections": collections(db, as_of, 12),
        "unapplied": unapplied_by_age(db, as_of),
        "promises": promise_stats(db, as_of, 6),
        "kept_90": kept_rate(db, as_of, as_of - timedelta(days=90)),
        "funnel": recovery_funnel(db, as_of, as_of - timedelta(days=90)),
    }
