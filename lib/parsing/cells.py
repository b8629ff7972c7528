"""Other cells: text kept as written, yes/no flags, and whole numbers such as terms."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal

from lib.parsing.common import (
    _MAX_TEXT,
    MAX_DIGITS,
    ParseError,
    _finite,
    _quote,
    _shown,
)

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_INVISIBLE_EDGES = "\ufeff\u200b"  # a BOM or zero-width space stuck to a CSV cell
_YES = "yes y true t 1 有 有り あり はい ○ ◯ 〇 disputed"
_NO = "no n false f 0 無 無し なし いいえ × ✕ ✗ — – -"
_FLAGS = re.I | re.A  # ASCII \d: NFKC has already turned full-width digits into ASCII
_BOOLS = {**dict.fromkeys(_YES.split(), True), **dict.fromkeys(_NO.split(), False)}
_INT = re.compile(
    r"(?:net\s*)?([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.0*)?\s*(?:days?|日|d)?", _FLAGS
)


def parse_text(value: object) -> str | None:
    """Read a cell as stripped text as written (no NFKC: names keep their form), without control
    characters other than tab. Whole floats become integer text (1234.0 → "1234"), other numbers
    their shortest text, dates ISO, booleans "TRUE"/"FALSE"; NaN, infinity and bytes are refused."""
    kind = type(value)
    if kind is str:
        text = value.strip()
        if not text.isprintable():
            text = _CONTROL.sub("", text).strip().strip(_INVISIBLE_EDGES).strip()
        return text or None
    if value is None:
        return None
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal) and not _finite(value):
        raise ParseError(f"not a value: {value}")
    if isinstance(value, int) or isinstance(value, float) and value.is_integer():
        if abs(value) >= 10**_MAX_TEXT:  # str() of a huge int is slow, then refused
            raise ParseError(f"not text: {_shown(value)}")
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, Decimal):
        text = str(value)
        return text.rstrip("0").rstrip(".") if "." in text and "E" not in text else text
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time() else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, str):
        return parse_text(str(value))
    raise ParseError(f"not text: {_shown(value)}")


def parse_bool(value: object) -> bool | None:
    """Read a yes/no cell: Yes/No, Y/N, True/False, 1/0, 有/無, はい/いいえ, ○/×, disputed/—,
    case-insensitively after NFKC (full-width ＹＥＳ counts); numbers must be exactly 1 or 0."""
    if type(value) is bool or value is None:
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        text = value.strip()
        key = (text if text.isascii() else unicodedata.normalize("NFKC", text)).strip().lower()
        if not key or key in _BOOLS:
            return _BOOLS[key] if key else None
        raise ParseError(f"not yes/no: {_quote(text)}")
    if isinstance(value, int | float | Decimal) and _finite(value) and value in (0, 1):
        return value == 1
    raise ParseError(f"not yes/no: {_shown(value)}")


def parse_int(value: object) -> int | None:
    """Read a whole number such as payment terms in days: "30", 30.0, "30 days", "30日", "Net 30";
    thousands commas and a zero fraction ("30.0") are accepted, at most 15 digits."""
    if isinstance(value, str):
        text = value.strip()
        s = text if text.isascii() else unicodedata.normalize("NFKC", text).strip()
        m = _INT.fullmatch(s) if len(s) <= _MAX_TEXT else None
        digits = m[2].replace(",", "").lstrip("0") if m else ""
        if m and len(digits) <= MAX_DIGITS:
            return -int(digits or "0") if m[1] == "-" else int(digits or "0")
        if text:
            raise ParseError(f"not a whole number: {_quote(text)}")
        return None
    if value is None:
        return None
    number = type(value) is not bool and isinstance(value, int | float | Decimal)
    if number and _finite(value) and abs(value) < 10**MAX_DIGITS and value == int(value):
        return int(value)
    raise ParseError(f"not a whole number: {_shown(value)}")
