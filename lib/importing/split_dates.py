"""Dates a bank splits over three columns, joined back into one.

PayPay Bank's statement CSV gives the day of each line as 操作日(年), 操作日(月) and 操作日(日),
three columns of numbers. The importer maps one column per field, so before anything is
mapped the three become one date column, headed by their common stem (操作日), in the place
of the year; the month and day columns stay as they were, for the preview and the rejects.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from lib.importing.reader import HEADER_SCAN

_PART = re.compile(r"^(?P<stem>.*?)[(\[]?(?P<part>年|月|日)[)\]]?$")


def join_split_dates(rows: list[list[object]]) -> list[list[object]]:
    """``rows`` with the first header row's split date (year, month and day columns sharing
    a stem) joined into its year column; ``rows`` itself when no row has one."""
    for at, header in enumerate(rows[:HEADER_SCAN]):
        parts = _split_date(header)
        if parts:
            stem, year, month, day = parts
            joined = [list(header)]
            joined[0][year] = stem or "日付"
            for row in rows[at + 1 :]:
                joined.append(_joined(row, year, month, day))
            return rows[:at] + joined
    return rows


def _split_date(header: list[object]) -> tuple[str, int, int, int] | None:
    found: dict[str, dict[str, int]] = {}
    for col, cell in enumerate(header):
        if not isinstance(cell, str):
            continue
        match = _PART.match(unicodedata.normalize("NFKC", cell).strip())
        if match:
            found.setdefault(match["stem"].strip(), {}).setdefault(match["part"], col)
    for stem, cols in found.items():
        if len(cols) == 3:
            return stem, cols["年"], cols["月"], cols["日"]
    return None


def _joined(row: list[object], year: int, month: int, day: int) -> list[object]:
    if year >= len(row):
        return row
    parts = [row[c] if c < len(row) else None for c in (year, month, day)]
    if all(p is None or str(p).strip() == "" for p in parts):
        return row
    out = list(row)
    out[year] = _date(*parts)
    return out


def _date(year: object, month: object, day: object) -> object:
    # A date when the three are whole numbers of a real day; else their text, which the
    # date parser then rejects on that row with its reason.
    numbers = [_whole(p) for p in (year, month, day)]
    if None not in numbers:
        try:
            return date(*numbers)  # type: ignore[arg-type]
        except (ValueError, OverflowError):
            pass
    return "/".join("" if p is None else str(p).strip() for p in (year, month, day))


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e9:
        return int(value)
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None
