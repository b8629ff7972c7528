"""Turning mapped spreadsheet rows into clean records, or into row errors with a reason.

A sheet's body is converted one column at a time (:class:`Columns`): each mapped column goes
through its parser in a single pass, which is several times faster than converting cell by
cell, and a cell that fails is remembered with its reason. Then each kind's row builder (see
:mod:`lib.importing.kinds`) applies the rules that span columns. Nothing here touches the
database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from lib.importing.columns import field as field_decl
from lib.money import CURRENCIES, named_currency
from lib.parsing import (
    ParseError,
    infer_date_order,
    parse_amount,
    parse_bool,
    parse_date,
    parse_int,
    parse_text,
)

DATE_FIELDS = {
    "clients": (),
    "invoices": ("invoice_date", "due_date", "sent_date"),
    "receipts": ("date", "value_date"),
}
_DAY_MONTH = re.compile(r"\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")


class Bad(Exception):
    """A row cannot be imported: which field, and why."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


class Skip(Exception):
    """A row that is not data: an outflow, a total or a note line."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass
class ClientInfo:
    id: int | None
    currency: str | None
    terms_days: int | None


@dataclass
class Context:
    """What a converter needs besides the cells: defaults, date orders and known clients."""

    kind: str
    currency: str | None = None
    channel: str = "bank"
    account: str = ""
    orders: dict[str, str] = field(default_factory=dict)
    clients: dict[str, ClientInfo] = field(default_factory=dict)
    # Client code by casefolded name, for ledgers that name the party but give no code
    # (Tally); None where two clients share a name, so that the row fits neither.
    client_names: dict[str, str | None] = field(default_factory=dict)


@dataclass
class RowError:
    """One rejected row: its spreadsheet row number, column, reason and raw values."""

    row: int
    column: str
    reason: str
    values: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
            "values": self.values,
        }


@dataclass
class Parsed:
    records: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


_REMEMBERED = frozenset({str, date, datetime})
_REPEATABLE = _REMEMBERED | {type(None)}
_SEEN_LIMIT = 20_000
_NOT_TEXT = frozenset({date, datetime, int, float, bool, type(None)})


class Columns:
    """The body of a sheet read column by column; failed cells are kept per row."""

    def __init__(self, body: list[list[object]], mapping: dict[int, str], ctx: Context) -> None:
        self.body = body
        self.n = len(body)
        self.index = {name: col for col, name in mapping.items()}
        self.ctx = ctx
        self.failed: dict[int, tuple[str, str]] = {}
        # Workbooks give rows of equal width; CSV rows are trimmed and may be shorter.
        self.width = min(map(len, body), default=0)

    def has(self, name: str) -> bool:
        return name in self.index

    def raw(self, name: str) -> list[object]:
        col = self.index.get(name)
        if col is None:
            return [None] * self.n
        if col < self.width:
            return list(map(itemgetter(col), self.body))
        return [r[col] if col < len(r) else None for r in self.body]

    def fail(self, row: int, name: str, reason: str) -> None:
        self.failed.setdefault(row, (name, reason))

    def convert(self, name: str, parse: Callable[..., Any], *extra: list[Any]) -> list[Any]:
        """``parse`` applied to every cell of ``name`` (with per-row ``extra`` arguments)."""
        if name not in self.index:
            return [None] * self.n
        values = self.raw(name)
        if not extra:
            return self._convert_each(name, parse, values)
        try:  # the usual column, every cell good: one pass in C, no Python step per cell
            return list(map(parse, values, *extra))
        except (ParseError, ValueError):
            pass  # a bad cell: go again cell by cell, to name each one that fails
        out: list[Any] = []
        append = out.append
        for i, args in enumerate(zip(values, *extra, strict=True)):
            try:
                append(parse(*args))
            except (ParseError, ValueError) as exc:
                self.fail(i, name, str(exc))
                append(None)
        return out

    def _convert_each(self, name: str, parse: Callable[[Any], Any], values: list) -> list[Any]:
        # Two speeds: a column of one repeatable type, mostly repeats, is parsed by its set of
        # values; any other (mixed types, or mostly distinct) cell by cell. Keying a set by
        # (type, value) to serve both was tried: the tuples made the import a third slower.
        kinds = set(map(type, values))
        if kinds <= _REPEATABLE:
            distinct = set(values)
            if len(distinct) * 4 <= len(values):
                return self._convert_distinct(name, parse, values, distinct)
        return self._convert_cells(name, parse, values)

    def _convert_distinct(
        self, name: str, parse: Callable[[Any], Any], values: list, distinct: set
    ) -> list[Any]:
        # A column of repeated codes, names, flags or dates: parse each distinct cell once and
        # look the rest up, without a Python step per cell. Safe only for types that never
        # equal a cell of another type (1 == 1.0 == True would mix up the set).
        parsed: dict[object, Any] = {}
        errors: dict[object, str] = {}
        for value in distinct:
            try:
                parsed[value] = parse(value)
            except (ParseError, ValueError) as exc:
                parsed[value], errors[value] = None, str(exc)
        if errors:
            for i, value in enumerate(values):
                if value in errors:
                    self.fail(i, name, errors[value])
        return list(map(parsed.__getitem__, values))

    def _convert_cells(self, name: str, parse: Callable[[Any], Any], values: list) -> list[Any]:
        # A ledger repeats its dates, codes and flags thousands of times: each distinct text
        # or date cell is parsed once. Only those types are remembered, because they never
        # equal a cell of another type (1 == 1.0 == True would mix up a dict).
        seen: dict[object, tuple[Any, str | None]] = {}
        out: list[Any] = []
        append = out.append
        for i, value in enumerate(values):
            remember = value.__class__ in _REMEMBERED
            if remember and value in seen:
                parsed, error = seen[value]
            else:
                try:
                    parsed, error = parse(value), None
                except (ParseError, ValueError) as exc:
                    parsed, error = None, str(exc)
                if remember and len(seen) < _SEEN_LIMIT:
                    seen[value] = (parsed, error)
            if error is not None:
                self.fail(i, name, error)
            append(parsed)
        return out

    def text(self, name: str) -> list[str | None]:
        values = self.raw(name) if name in self.index else []
        # A column of printable strings only (the usual case) needs no cell-by-cell parse:
        # parse_text would only strip each one. The check and the strip both run in C.
        if values and set(map(type, values)) == {str} and "".join(values).isprintable():
            return [t or None for t in map(str.strip, values)]
        return self.convert(name, parse_text)

    def date(self, name: str) -> list[str | None]:
        order = self.ctx.orders.get(name, "DMY")
        return self.convert(name, lambda v: parse_date(v, order))

    def money(
        self, name: str, currencies: list[str | None], parse: Callable[..., Any] = parse_amount
    ) -> list[int | None]:
        safe = [c or "USD" for c in currencies]  # a row without currency has failed already
        return self.convert(name, parse, safe)

    def integer(self, name: str) -> list[int | None]:
        return self.convert(name, parse_int)

    def boolean(self, name: str) -> list[bool | None]:
        return self.convert(name, parse_bool)

    def currency(self, fallback: list[str | None] | None = None) -> list[str | None]:
        """Each row's currency: its own column, else the chosen default, else ``fallback``."""
        default = [self.ctx.currency] * self.n
        if fallback is not None:
            default = [self.ctx.currency or f for f in fallback]
        if "currency" not in self.index:
            return default
        return [
            code if code is not None else d
            for code, d in zip(self.convert("currency", _currency_code), default, strict=True)
        ]


_CODES: dict[object, str | None] = {}


def _currency_code(value: object) -> str | None:
    known = _CODES.get(value, _CODES)
    if known is not _CODES:
        return known
    raw = parse_text(value)
    if raw is None:
        return None
    code = named_currency(raw)
    if code is None:
        raise ParseError(f"unknown currency {raw!r}; Kaishu keeps {', '.join(CURRENCIES)}")
    if isinstance(value, str) and len(_CODES) < 1000:
        _CODES[value] = code
    return code


def infer_orders(
    rows: list[list[object]], mapping: dict[int, str], kind: str, default: str
) -> tuple[dict[str, str], list[str]]:
    """Day/month order per date column from all its values, with a warning when it stays open."""
    orders, warnings = {}, []
    for col, name in mapping.items():
        if name not in DATE_FIELDS[kind]:
            continue
        values = [row[col] for row in rows if col < len(row)]
        # Only text dates have an order; a column of date cells (the usual workbook) has none.
        untyped = set(map(type, values)) - _NOT_TEXT
        texts = [v for v in values if isinstance(v, str)] if untyped else []
        order = infer_date_order(texts) if texts else None
        if order is None:
            order = default
            if any(_DAY_MONTH.match(v.strip()) for v in texts):
                label = field_decl(kind, name).label
                warnings.append(
                    f"{label}: every date fits both day/month orders; read as "
                    f"{'DD/MM' if default == 'DMY' else 'MM/DD'} (the default)"
                )
        orders[name] = order
    return orders, warnings
