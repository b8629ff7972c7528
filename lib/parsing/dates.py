"""Dates: ISO text from date cells, Excel serials, and every way the team's files write them."""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from lib.parsing.common import (
    _MAX_TEXT,
    DATE_ORDERS,
    MAX_YEAR,
    MIN_YEAR,
    ParseError,
    _finite,
    _quote,
    _shown,
)

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # serial 0; skips Excel's fictitious 1900-02-29
_MIN_SERIAL = date(MIN_YEAR, 1, 1).toordinal() - _EXCEL_EPOCH
_MAX_SERIAL = date(MAX_YEAR, 12, 31).toordinal() - _EXCEL_EPOCH
_FLAGS = re.I | re.A  # ASCII \d: NFKC has already turned full-width digits into ASCII
_TIME = re.compile(
    r"(?:T|\s+)\d\d?:\d\d(?::\d\d(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?(?:z|[+-][\d:]+)?$", _FLAGS
)
_ABY = re.compile(r"(\d\d?)([-/.])(\d\d?)\2(\d{4}|\d\d)")
_YMD = re.compile(r"(\d{4})([-/.])(\d\d?)\2(\d\d?)|(\d{4})(\d\d)(\d\d)")
_SERIAL = re.compile(r"(\d{5})(?:\.\d*)?")
_DAY_MONTH = re.compile(
    r"(\d\d?)(?:st|nd|rd|th)?[-\s/.]*([a-z]{3,9})\.?[-\s/.,]*(\d{4}|\d\d)", _FLAGS
)
_MONTH_DAY = re.compile(r"([a-z]{3,9})\.?[-\s/.]*(\d\d?)(?:st|nd|rd|th)?,?[-\s/.]*(\d{4})", _FLAGS)
_KANJI = re.compile(r"(\d{4})\s*年\s*(\d\d?)\s*月\s*(\d\d?)\s*日?", _FLAGS)
_ERA = r"(令和|平成|昭和|[rhs])\s*(元|\d\d?)"
_ERA_KANJI = re.compile(_ERA + r"\s*年\s*(\d\d?)\s*月\s*(\d\d?)\s*日?", _FLAGS)
_ERA_SEP = re.compile(_ERA + r"([-/.])(\d\d?)\3(\d\d?)", _FLAGS)
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {m: n for n, full in enumerate(_MONTH_NAMES.split(), 1) for m in (full, full[:3])}
_MONTHS["sept"] = 9
# era → (name, offset to the Western year, first day, last day)
_ERAS = {
    "r": ("令和", 2018, date(2019, 5, 1), date.max),
    "h": ("平成", 1988, date(1989, 1, 8), date(2019, 4, 30)),
    "s": ("昭和", 1925, date(1926, 12, 25), date(1989, 1, 7)),
}
_ERAS.update({era[0]: era for era in list(_ERAS.values())})


def parse_date(value: object, order: str = "DMY") -> str | None:
    """Read a cell as an ISO date between 1990 and 2100 from a date, an Excel serial or text:
    ISO, ``20240401``, d/m/y with / - or . (``order`` "DMY" or "MDY" decides only when both
    leading parts could be a month), ``01-Apr-2024``, ``Apr 1, 2024``, ``2024年4月1日`` or era
    dates (``令和6年4月1日``, ``R6.4.1``); a time of day is dropped. A bad order is a ValueError."""
    if order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {DATE_ORDERS}, not {order!r}")
    kind = type(value)
    if kind is str:
        text = value.strip()
        return _text_date(text, order) if text else None
    if kind is date:
        return _iso(value)
    if kind is datetime:
        return _iso(value.date())
    if value is None:
        return None
    if kind is bool:
        raise ParseError(f"not a date: {_shown(value)}")
    if isinstance(value, int | float | Decimal):
        return _serial_date(value)
    if isinstance(value, date):  # subclasses, such as pandas.Timestamp
        return _iso(value.date() if isinstance(value, datetime) else value)
    if isinstance(value, str):
        return parse_date(str(value), order)
    raise ParseError(f"not a date: {_shown(value)}")


def _iso(d: date) -> str:
    if MIN_YEAR <= d.year <= MAX_YEAR:
        return d.isoformat()
    raise ParseError(f"date out of range ({MIN_YEAR}–{MAX_YEAR}): {d.isoformat()}")


def _serial_date(x: float | int | Decimal) -> str:
    if not _finite(x):
        raise ParseError(f"not a date: {x}")
    if _MIN_SERIAL <= x < _MAX_SERIAL + 1:
        return date.fromordinal(_EXCEL_EPOCH + math.floor(x)).isoformat()
    shown = "Excel serial number"
    if -1e7 < x < 1e7:  # say which date the garbage serial would be (no huge floors)
        with contextlib.suppress(ValueError, OverflowError):
            shown = date.fromordinal(_EXCEL_EPOCH + math.floor(x)).isoformat()
    raise ParseError(f"date out of range ({MIN_YEAR}–{MAX_YEAR}): {shown}")


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ParseError(f"no such date: {text}") from None


def _normal_date_text(text: str) -> str:
    s = text if text.isascii() else unicodedata.normalize("NFKC", text).strip()
    return _TIME.sub("", s, count=1) if ":" in s and len(s) <= _MAX_TEXT else s


def _two_digit_year(year: str) -> int:
    return int(year) if len(year) == 4 else 2000 + int(year) if int(year) < 70 else 1900 + int(year)


@lru_cache(maxsize=1 << 16)  # a column repeats a few thousand dates a million times
def _text_date(text: str, order: str) -> str:
    s = _normal_date_text(text) if len(text) <= _MAX_TEXT else ""
    if m := _ABY.fullmatch(s):
        a, b, year = int(m[1]), int(m[3]), _two_digit_year(m[4])
        day_first = a > 12 or (b <= 12 and order == "DMY")
        return _iso(_make_date(year, b if day_first else a, a if day_first else b, text))
    if m := _YMD.fullmatch(s):
        year, month, day = (m[1], m[3], m[4]) if m[1] else (m[5], m[6], m[7])
        return _iso(_make_date(int(year), int(month), int(day), text))
    if m := _SERIAL.fullmatch(s):
        return _serial_date(int(m[1]))
    if (m := _DAY_MONTH.fullmatch(s)) and m[2].lower() in _MONTHS:
        return _iso(_make_date(_two_digit_year(m[3]), _MONTHS[m[2].lower()], int(m[1]), text))
    if (m := _MONTH_DAY.fullmatch(s)) and m[1].lower() in _MONTHS:
        return _iso(_make_date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]), text))
    if m := _KANJI.fullmatch(s):
        return _iso(_make_date(int(m[1]), int(m[2]), int(m[3]), text))
    if m := _ERA_KANJI.fullmatch(s) or _ERA_SEP.fullmatch(s):
        month, day = (m[3], m[4]) if m.re is _ERA_KANJI else (m[4], m[5])
        return _era_date(m[1], m[2], int(month), int(day), text)
    raise ParseError(f"not a date: {_quote(text)}")


def _era_date(era: str, year_text: str, month: int, day: int, text: str) -> str:
    name, offset, first, last = _ERAS[era.lower()]
    year = 1 if year_text == "元" else int(year_text)
    d = _make_date(offset + year, month, day, text) if year else None
    if d is None or not first <= d <= last:
        span = f"from {first}" if last == date.max else f"{first} to {last}"
        raise ParseError(f"not a {name} date ({span}): {text}")
    return _iso(d)


def infer_date_order(values: Iterable[object]) -> str | None:
    """Guess "DMY" or "MDY" from a column's text dates shaped like a/b/yyyy (/, - or .): a first
    part above 12 is evidence for DMY, a second part above 12 for MDY, and the order with more
    evidence wins. None when all are ambiguous or the evidence ties; other values are ignored."""
    evidence = {"DMY": 0, "MDY": 0}
    for text, n in Counter(v for v in values if isinstance(v, str)).items():
        m = _ABY.fullmatch(_normal_date_text(text.strip())) if len(text) <= _MAX_TEXT else None
        if m and (int(m[1]) > 12) != (int(m[3]) > 12):
            evidence["DMY" if int(m[1]) > 12 else "MDY"] += n
    if evidence["DMY"] == evidence["MDY"]:
        return None
    return "DMY" if evidence["DMY"] > evidence["MDY"] else "MDY"
