"""Money as integer minor units, with the currency's exponent.

Every amount in the database and in lib is an ``int`` of minor units (yen, paise, cents).
Floats never carry money: text and spreadsheet cells are turned into minor units once, at the
edge (see :mod:`lib.parsing`), and turned back into currency units only for display or export.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Currency:
    code: str
    exponent: int
    symbol: str
    name: str


CURRENCIES: dict[str, Currency] = {
    "JPY": Currency("JPY", 0, "¥", "Japanese yen"),
    "INR": Currency("INR", 2, "₹", "Indian rupee"),
    "USD": Currency("USD", 2, "$", "US dollar"),
}


# How files write a currency besides its code: its symbol, or a word.
CURRENCY_WORDS = {"¥": "JPY", "円": "JPY", "YEN": "JPY", "₹": "INR", "RS": "INR", "RS.": "INR",
                  "$": "USD", "US$": "USD"}  # fmt: skip


class UnknownCurrency(ValueError):
    """Raised for a currency code Kaishu does not keep."""


def currency(code: str) -> Currency:
    """Return the :class:`Currency` for an ISO code such as ``"JPY"``; raise UnknownCurrency."""
    if isinstance(code, str) and code in CURRENCIES:  # as stored: nothing to clean
        return CURRENCIES[code]
    try:
        return CURRENCIES[code.strip().upper()]
    except (KeyError, AttributeError):
        known = ", ".join(CURRENCIES)
        raise UnknownCurrency(f"unknown currency {code!r}; Kaishu keeps {known}") from None


def named_currency(text: str) -> str | None:
    """The code that a currency code, symbol or word names (``"inr"``, ``"Rs."``, ``"円"``,
    ``"US$"``), or None when it names no currency Kaishu keeps."""
    word = unicodedata.normalize("NFKC", text).strip().upper()
    code = CURRENCY_WORDS.get(word, word)
    return code if code in CURRENCIES else None


def exponent(code: str) -> int:
    """Number of decimals of the currency: 0 for JPY, 2 for INR and USD."""
    return currency(code).exponent


def to_units(minor: int, code: str) -> Decimal:
    """Minor units as an exact Decimal in currency units: ``to_units(5594, "USD") == 55.94``."""
    return Decimal(minor).scaleb(-exponent(code))


def units_text(minor: int, code: str) -> str:
    """Plain text in currency units for files and exports: ``"55.94"``, ``"597650"``."""
    return decimal_text(minor, exponent(code))


def decimal_text(minor: int, exp: int) -> str:
    """``minor`` shifted ``exp`` decimals as plain text: ``decimal_text(5594, 2) == "55.94"``
    (for writers of many cells that looked the currency's exponent up once)."""
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(minor), 10**exp)
    return f"{sign}{whole}.{frac:0{exp}d}" if exp else f"{sign}{whole}"


def group_digits(whole: int, code: str) -> str:
    """Digits grouped as the team writes them: Indian lakh grouping for INR, thousands else."""
    digits = str(whole)
    if code != "INR" or len(digits) <= 3:
        return f"{whole:,}"
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    if head:
        pairs.insert(0, head)
    return ",".join(pairs + [tail])


def format_money(minor: int, code: str, symbol: bool = True) -> str:
    """Display form: ``¥1,234`` (no decimals), ``₹1,23,456.78`` (lakh grouping), ``-$5.00``."""
    cur = currency(code)
    whole, frac = divmod(abs(minor), 10**cur.exponent)
    text = group_digits(whole, cur.code)
    if cur.exponent:
        text += f".{frac:0{cur.exponent}d}"
    sign = "-" if minor < 0 else ""
    return f"{sign}{cur.symbol if symbol else ''}{text}"
