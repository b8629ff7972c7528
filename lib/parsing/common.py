"""What the cell parsers share: the error, the limits, and how a bad cell is shown.

Cells arrive from python-calamine (float, str, date, datetime, bool, '' when empty) or from CSV
(always str). Each parser returns None for a blank cell, a clean value for a good one, and raises
:class:`ParseError` with a short reason for anything else. Money comes back as int minor units,
dates as ISO ``YYYY-MM-DD`` text. The importer calls these about a million times per file, so the
common cell types are tested first and the regexes are compiled once.
"""

from __future__ import annotations

import math
from decimal import Decimal


class ParseError(ValueError):
    """A cell that cannot be read; the message is a short reason to show beside the cell."""


MAX_DIGITS = 15  # of minor units; more is a pasted account number or garbage, never an amount
MIN_YEAR, MAX_YEAR = 1990, 2100
DATE_ORDERS = ("DMY", "MDY")
_MAX_TEXT = 64  # longer "amounts" or "dates" are prose; refusing them bounds the regex work
_Cur = tuple[int, int, str, int]  # exponent, 10**exponent, code, most digits before the point


def _quote(text: str) -> str:
    """Text for a message, cut short: the importer shows it beside the cell anyway."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _shown(value: object) -> str:
    """The cell as a message shows it: numbers as written, other objects by their type."""
    if isinstance(value, int) and abs(value) >= 10**_MAX_TEXT:
        return "a number of more than 64 digits"
    return str(value) if isinstance(value, int | float | Decimal) else type(value).__name__


def _finite(x: int | float | Decimal) -> bool:
    return x.is_finite() if isinstance(x, Decimal) else isinstance(x, int) or math.isfinite(x)
