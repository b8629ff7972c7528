"""Widgets whose values live in the URL query, so a link shares the exact view.

Each widget reads its first value from the URL (when the session has none yet) and writes
its value back, leaving defaults out so links stay short. Unknown or damaged values in a
link fall back to the default instead of breaking the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st


def _key(page: str, name: str) -> str:
    return f"q-{page}-{name}"


def put(name: str, value: str, default: str = "") -> None:
    """Write ``value`` to the URL under ``name`` (removed when it is the default)."""
    if value == default or value is None:
        st.query_params.pop(name, None)
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def preset(page: str, name: str, value: str) -> None:
    """Set a URL widget's value before it is drawn (a click elsewhere chose it)."""
    st.session_state[_key(page, name)] = value
    put(name, value)


def choice(
    page: str,
    label: str,
    name: str,
    options: Sequence[str],
    default: str,
    labels: dict[str, str] | Callable[[str], str] | None = None,
    widget: str = "selectbox",
    where: Any = st,
    **extra: Any,
) -> str:
    """A selectbox (or ``widget="radio"``/``"segmented"``) kept in the URL."""
    key = _key(page, name)
    options = list(options)
    if key not in st.session_state or st.session_state[key] not in options:
        wanted = st.query_params.get(name, default)
        st.session_state[key] = wanted if wanted in options else default
    show = labels.get if isinstance(labels, dict) else labels
    fmt = (lambda v: show(v) or v) if show else str
    if widget == "radio":
        value = where.radio(label, options, key=key, format_func=fmt, horizontal=True, **extra)
    elif widget == "segmented":
        value = where.segmented_control(label, options, key=key, format_func=fmt, **extra)
        value = value or default
    else:
        value = where.selectbox(label, options, key=key, format_func=fmt, **extra)
    put(name, value, default)
    return value


def day(page: str, label: str, name: str, default: date, where: Any = st, **extra: Any) -> date:
    """A date input kept in the URL as YYYY-MM-DD (DD/MM/YYYY on screen)."""
    key = _key(page, name)
    if key not in st.session_state:
        try:
            st.session_state[key] = date.fromisoformat(st.query_params.get(name, ""))
        except ValueError:
            st.session_state[key] = default
    value = where.date_input(label, key=key, format="DD/MM/YYYY", **extra) or default
    put(name, value.isoformat(), default.isoformat())
    return value
