"""Calendar helpers for the demo ledger: months, month ends, business days and era dates."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def days_in_month(day: date) -> int:
    """Number of days in ``day``'s month."""
    return calendar.monthrange(day.year, day.month)[1]


def business_day(day: date, backward: bool = False) -> date:
    """Move a Saturday or Sunday to Monday, or to Friday when ``backward``.

    Japanese payers transfer on the business day *before* a due date that falls on a weekend,
    banks elsewhere credit on the next one. Public holidays are ignored in the demo.
    """
    weekday = day.weekday()
    if weekday < 5:
        return day
    if backward:
        return day - timedelta(days=weekday - 4)
    return day + timedelta(days=7 - weekday)


def add_business_days(day: date, count: int) -> date:
    """``count`` business days after ``day`` (card processors pay out this way)."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def era_text(day: date) -> str:
    """The short Reiwa form some Japanese bank exports use: ``R7.12.1`` for 2025-12-01."""
    return f"R{day.year - 2018}.{day.month}.{day.day}"
