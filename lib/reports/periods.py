"""Calendar periods the reports speak in: months, month ends, weeks and 'last week'.

Every function takes the dates it works from; none reads today's date.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_key(day: date) -> str:
    """``'YYYY-MM'``, as collection targets are stored."""
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> date:
    """The first day of the month written ``'YYYY-MM'``; ValueError when it is not one."""
    try:
        year, month = text.strip().split("-")
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        raise ValueError(f"not a month (YYYY-MM): {text!r}") from None


def month_ends(as_of: date, count: int) -> list[date]:
    """The last ``count`` points of a monthly trend, oldest first: the month ends before
    ``as_of`` and ``as_of`` itself (the month so far) as the last point."""
    points = [as_of]
    cursor = month_start(as_of) - timedelta(days=1)
    while len(points) < count:
        points.append(cursor)
        cursor = month_start(cursor) - timedelta(days=1)
    if as_of == month_end(as_of) and count > 1:
        points = points[:count]
    return sorted(points)


def months_back(as_of: date, count: int) -> list[date]:
    """The first days of the last ``count`` months up to ``as_of``'s month, oldest first."""
    return [add_months(as_of, -n) for n in range(count - 1, -1, -1)]


def weeks_ahead(as_of: date, count: int) -> list[tuple[date, date]]:
    """``count`` seven-day windows after ``as_of``: (first day, last day), inclusive."""
    return [
        (as_of + timedelta(days=7 * n + 1), as_of + timedelta(days=7 * n + 7)) for n in range(count)
    ]


def week_index(as_of: date, day: date) -> int:
    """Which of the weeks after ``as_of`` (:func:`weeks_ahead`, from 0) holds ``day``; a day
    on or before ``as_of`` counts in the first."""
    return max(0, (day - as_of).days - 1) // 7


def dmy(day: date | str) -> str:
    """DD/MM/YYYY, the way the team writes dates."""
    value = date.fromisoformat(day) if isinstance(day, str) else day
    return value.strftime("%d/%m/%Y")
