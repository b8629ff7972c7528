"""Amounts: a cell read as signed integer minor units of its currency."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from lib.money import exponent
from lib.parsing.common import (
    _MAX_TEXT,
    MAX_DIGITS,
    ParseError,
    _Cur,
    _quote,
    _shown,
)

_DASHES = frozenset("-—–")  # banks print a dash for "no amount"
_NEGATIVE = frozenset(["-", "−", "△", "▲", "()", "dr", "d"])
_MARKS = {"¥": "JPY", "円": "JPY", "₹": "INR", "rs": "INR", "$": "USD"}
_MARKS.update(inr="INR", jpy="JPY", usd="USD")
_PREFIX = re.compile(r"(¥|₹|\$|rs\.?|inr|jpy|usd|[-+−△▲])\s*", re.I)
# Cr/Dr only right after the number, so the D of "USD" is never taken for a debit mark.
_SUFFIX = re.compile(r"\s*(円|¥|₹|\$|rs\.?|inr|jpy|usd|-|(?<=[\d\s.)])(?:cr|dr|c|d)\b\.?)$", re.I)
# sign, whole part (plain / Western 1,234,567 / spaced 1 234 567 / lakh 12,34,567), decimals
_NUMBER = re.compile(
    r"(-?)(?=\.?[0-9])([0-9]*+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+"
    r"|[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3})(?:\.([0-9]*))?"
)
_CURRENCIES: dict[str, _Cur] = {}
_FLOAT_LIMIT = float(10**MAX_DIGITS)


def _currency(code: str) -> _Cur:
    # lib.money.currency() normalises the code on every call; a million cells cannot afford it.
    exp = exponent(code)
    cur = _CURRENCIES[code] = (exp, 10**exp, code.strip().upper(), MAX_DIGITS - exp)
    return cur


def parse_amount(value: object, currency: str) -> int | None:
    """Read a cell as signed minor units of ``currency``: a float must be within float noise of
    whole minor units; text may carry marks (¥ ￥ 円 ₹ Rs INR JPY USD $) that must match the
    currency, Western or lakh grouping, and a sign as -, +, trailing -, (…), △/▲ or Cr/Dr. A lone
    dash means no amount (None); an unknown currency code raises lib.money.UnknownCurrency."""
    cur = _CURRENCIES.get(currency) or _currency(currency)
    kind = type(value)
    if kind is float:
        scaled = value * cur[1]
        if -_FLOAT_LIMIT < scaled < _FLOAT_LIMIT:  # also false for nan
            minor = round(scaled)
            if -1e-6 <= scaled - minor <= 1e-6:
                return minor
        return _float_amount(value, cur)
    if kind is str:
        text = value.strip()
        if text.isdigit() and text.isascii() and len(text) <= cur[3]:
            return int(text) * cur[1]
        if not text:
            return None
        match = _NUMBER.fullmatch(text)
        return _minor(match, cur, text) if match else _text_amount(text, cur)
    if value is None:
        return None
    if kind is bool:
        raise ParseError(f"not an amount: {_shown(value)}")
    if isinstance(value, int):
        if abs(value) * cur[1] >= 10**MAX_DIGITS:
            raise ParseError(f"too large (over {MAX_DIGITS} digits)")
        return value * cur[1]
    if isinstance(value, float | str):  # subclasses such as numpy.float64 or numpy.str_
        return parse_amount((float if isinstance(value, float) else str)(value), currency)
    if isinstance(value, Decimal):
        return _decimal_amount(value, cur)
    raise ParseError(f"not an amount: {_shown(value)}")


def parse_ledger_amount(value: object, currency: str) -> int | None:
    """Read a cell of a customer's account (an invoice ledger, Tally's outstandings) as
    :func:`parse_amount` does, except for Dr and Cr marks, which take their bookkeeping sense
    there: ``1,18,000.00 Dr`` is owed by the customer (positive), ``5,000 Cr`` is a credit to
    them (negative). On a bank statement the same marks mean money out and money in."""
    amount = parse_amount(value, currency)
    if amount and value.__class__ is str and _LEDGER_MARK.search(_folded(value)):
        return -amount
    return amount


def _folded(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


_LEDGER_MARK = re.compile(r"(?<=[\d\s.)])(?:cr|dr|c|d)\.?\s*$", re.I)


def _float_amount(x: float, cur: _Cur) -> int:
    scaled = x * cur[1]
    if not abs(scaled) < _FLOAT_LIMIT:
        raise ParseError(f"{'too large' if math.isfinite(x) else 'not a number'}: {x!r}")
    minor = round(scaled)
    # x * 10**exp carries binary noise (55.94 * 100 = 5594.000000000001) growing with the size;
    # a real extra decimal (1.005 rupees) is off by far more.
    if abs(scaled - minor) > abs(scaled) * 1e-15:
        raise _decimals_error(-Decimal(repr(x)).as_tuple().exponent, cur, repr(x))
    return minor


def _decimal_amount(d: Decimal, cur: _Cur) -> int:
    if not d.is_finite():
        raise ParseError(f"not a number: {d}")
    sign, digits, exp = d.as_tuple()
    coefficient = "".join(map(str, digits)).lstrip("0")
    significant = coefficient.rstrip("0")
    exp += len(coefficient) - len(significant)  # 1.500 has one real decimal
    if not significant:
        return 0
    if len(significant) + exp > cur[3]:
        raise ParseError(f"too large (over {MAX_DIGITS} digits): {d}")
    if -exp > cur[0]:
        raise _decimals_error(-exp, cur, str(d))
    minor = int(significant) * 10 ** (exp + cur[0])
    return -minor if sign else minor


def _text_amount(text: str, cur: _Cur) -> int | None:
    s = text if text.isascii() else unicodedata.normalize("NFKC", text).strip()
    if s in _DASHES:
        return None
    signs: list[str] = []
    while s and len(s) <= _MAX_TEXT:  # peel marks off both ends, in whatever order they come
        if s[0] == "(" and s[-1] == ")":
            signs.append("()")
            s = s[1:-1].strip()
            continue
        found = _PREFIX.match(s) or _SUFFIX.search(s)
        if found is None:
            break
        token = found.group(1).lower().rstrip(".")
        s = s[: found.start()] + s[found.end() :]
        if token not in _MARKS:
            signs.append(token)
        elif _MARKS[token] != cur[2]:
            raise ParseError(f"currency mark {found.group(1)!r} is not {cur[2]}: {_quote(text)}")
    match = _NUMBER.fullmatch(s) if len(s) <= _MAX_TEXT else None
    if match is None or match.group(1):
        raise ParseError(f"not a number: {_quote(text)}")
    if len(signs) > 1:
        raise ParseError(f"more than one sign: {_quote(text)}")
    minor = _minor(match, cur, text)
    return -minor if signs and signs[0] in _NEGATIVE else minor


def _minor(match: re.Match[str], cur: _Cur, text: str) -> int:
    sign, whole, frac = match.groups()
    if "," in whole or " " in whole:
        whole = whole.replace(",", "").replace(" ", "")
    if len(whole) > cur[3] and len(whole.lstrip("0")) > cur[3]:
        raise ParseError(f"too large (over {MAX_DIGITS} digits): {_quote(text)}")
    if frac is None:
        minor = int(whole) * cur[1]
    elif len(frac) == cur[0]:
        minor = int(whole + frac)  # the common case: exactly the currency's decimals
    elif frac[cur[0] :].strip("0"):
        raise _decimals_error(len(frac), cur, _quote(text))
    else:
        minor = int(whole or "0") * cur[1] + int(frac[: cur[0]].ljust(cur[0], "0") or "0")
    return -minor if sign else minor


def _decimals_error(n: int, cur: _Cur, shown: str) -> ParseError:
    return ParseError(f"has {n} decimal{'s' * (n != 1)}; {cur[2]} allows {cur[0]}: {shown}")
