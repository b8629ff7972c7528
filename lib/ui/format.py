"""How pages show money, dates and tables: the way the team writes them.

Yen without decimals, rupees with lakh grouping (₹1,23,456.78), dates as DD/MM/YYYY. Tables
are pandas frames of display text, money right-aligned; nothing user-typed is ever rendered
as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from lib.money import CURRENCIES, format_money

TEAM_ZONE = ZoneInfo("Asia/Kolkata")


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>$<:])")


def plain(text: object) -> str:
    """Text shown exactly as typed where Streamlit reads Markdown (titles, captions, messages):
    a client called *ACME* stays starred, ``$5 … $6`` is no formula, ``<b>`` stays text."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


def sentence(text: object) -> str:
    """A message from lib (written as a clause, for the CLI's JSON too) shown as a sentence:
    capital first letter, a full stop, and Markdown kept as text like :func:`plain`."""
    words = str(text).strip()
    words = words[:1].upper() + words[1:]
    return plain(words if words.endswith((".", "!", "?", "。")) else words + ".")


def money(minor: int | None, currency: str) -> str:
    """Display text for an amount in minor units; empty for None."""
    return "" if minor is None else format_money(int(minor), currency)


def whole(minor: int, currency: str) -> str:
    """Money rounded to whole units, for key figures: ₹3,72,92,337 rather than its paise."""
    step = 10 ** CURRENCIES[currency].exponent
    rounded = (abs(minor) + step // 2) // step * step * (1 if minor >= 0 else -1)
    text = format_money(rounded, currency)
    return text[:-3] if step > 1 else text


def day(iso: str | date | None) -> str:
    """An ISO date as DD/MM/YYYY; a UTC timestamp as Mumbai time, DD/MM/YYYY HH:MM."""
    if not iso:
        return ""
    text = iso.isoformat() if isinstance(iso, date) else str(iso)
    if text.endswith("Z") and len(text) > 10:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(TEAM_ZONE)
        except ValueError:
            return text
        return moment.strftime("%d/%m/%Y %H:%M")
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
    return text


def cell(value: object) -> str:
    """A raw spreadsheet cell as preview text: whole floats without ``.0``, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def utc_bounds(first: date, last: date) -> tuple[str, str]:
    """Mumbai calendar days ``first``..``last`` as UTC timestamps [start, end) for queries."""
    start = datetime.combine(first, datetime.min.time(), TEAM_ZONE)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), TEAM_ZONE)
    return (
        start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def table(
    rows: Iterable[dict], columns: Sequence[tuple[str, str, str]], currency_key: str = "currency"
) -> pd.DataFrame:
    """A display frame: ``columns`` are ``(key, heading, kind)`` with kind text, money,
    date, int or flag."""
    rows = list(rows)
    # Column by column, each with its one formatter: tables of a thousand rows are common.
    frame = {heading: _shown(rows, key, kind, currency_key) for key, heading, kind in columns}
    return pd.DataFrame(frame, columns=[heading for _, heading, _ in columns])


def _shown(rows: list[dict], key: str, kind: str, currency_key: str) -> list:
    values = [row.get(key) for row in rows]
    if kind == "money":
        codes = [row.get(currency_key) or "JPY" for row in rows]
        return [money(v, c) for v, c in zip(values, codes, strict=True)]
    if kind == "date":
        return [day(v) for v in values]
    if kind == "flag":
        return ["Yes" if v else "" for v in values]
    if kind == "int":
        return [None if v is None else int(v) for v in values]
    return ["" if v is None else str(v) for v in values]


def column_config(columns: Sequence[tuple[str, str, str]]) -> dict:
    """Right-align money and numbers so amounts line up under each other."""
    config = {}
    for _, heading, kind in columns:
        if kind == "money":
            config[heading] = st.column_config.TextColumn(heading, alignment="right")
        elif kind == "int":
            config[heading] = st.column_config.NumberColumn(heading, format="%d")
    return config


def show(
    rows: list[dict],
    columns: Sequence[tuple[str, str, str]],
    empty: str,
    key: str | None = None,
    height: int | str = "auto",
    select: bool = False,
):
    """Show ``rows`` as a table, or the ``empty`` message (what to do next) when none.

    With ``select``, a click picks one row; returns the selected row index or None.
    """
    if not rows:
        st.info(empty)
        return None
    frame = table(rows, columns)
    # A blank, not a grey "None", where a cell has nothing (no days late, for one).
    shared = {
        "hide_index": True,
        "column_config": column_config(columns),
        "height": height,
        "key": key,
        "placeholder": "",
    }
    if not select:
        st.dataframe(frame, **shared)
        return None
    event = st.dataframe(frame, on_select="rerun", selection_mode="single-row", **shared)
    picked = event.selection.rows if event else []
    return picked[0] if picked else None
