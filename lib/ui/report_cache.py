"""Report figures kept between reruns: a click on a chart must not recompute 100,000
balances. Entries are keyed by the database, the date, the buckets and the ledger's
fingerprint (:func:`lib.aging.balances.ledger_version`), so any change made through Kaishu is
seen at the next rerun; they also expire after a few minutes. Cached values are shared:
callers must not change them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from lib.aging import Buckets, Filters, aging_groups, aging_items
from lib.aging.balances import ledger_version
from lib.db import db_path
from lib.reports import meeting
from lib.ui.context import db

TTL_SECONDS = 300


def _key(as_of: date, buckets: Buckets) -> tuple:
    return (str(db_path()), as_of.isoformat(), buckets.limits, buckets.basis, ledger_version(db()))


@st.cache_resource(ttl=TTL_SECONDS, max_entries=6, show_spinner=False)
def _items(key: tuple) -> list[dict[str, Any]]:
    _, day, limits, basis, _ = key
    return aging_items(db(), date.fromisoformat(day), Buckets(limits, basis))


def cached_items(as_of: date, buckets: Buckets) -> list[dict[str, Any]]:
    """:func:`lib.aging.aging_items`, kept while the ledger does not change."""
    return _items(_key(as_of, buckets))


@st.cache_resource(ttl=TTL_SECONDS, max_entries=12, show_spinner=False)
def _groups(key: tuple, by: str, filters: Filters) -> list[dict[str, Any]]:
    _, day, limits, basis, _ = key
    return aging_groups(db(), date.fromisoformat(day), Buckets(limits, basis), by, filters)


def cached_groups(as_of: date, buckets: Buckets, by: str, filters: Filters) -> list[dict]:
    """:func:`lib.aging.aging_groups`, kept while the ledger does not change."""
    return _groups(_key(as_of, buckets), by, filters)


@st.cache_resource(ttl=TTL_SECONDS, max_entries=6, show_spinner=False)
def _figures(key: tuple) -> dict[str, Any]:
    _, day, limits, basis, _ = key
    return meeting.figures(db(), date.fromisoformat(day), Buckets(limits, basis))


def meeting_figures(as_of: date, buckets: Buckets) -> dict[str, Any]:
    """:func:`lib.reports.meeting.figures`, kept while the ledger does not change."""
    return _figures(_key(as_of, buckets))


def clear() -> None:
    """Forget every cached figure (benchmarks measure cold runs)."""
    for cached_function in (_items, _groups, _figures, _forecast, _compare):
        cached_function.clear()


@st.cache_resource(ttl=TTL_SECONDS, max_entries=6, show_spinner=False)
def _compare(key: tuple, until: str) -> list[dict[str, Any]]:
    from lib.reports.forecast_check import compare

    return compare(db(), date.fromisoformat(key[1]), date.fromisoformat(until))


@st.cache_resource(ttl=TTL_SECONDS, max_entries=6, show_spinner=False)
def _forecast(key: tuple) -> list[dict[str, Any]]:
    from lib.reports.forecast import forecast

    return forecast(db(), date.fromisoformat(key[1]))


def cached_forecast(as_of: date) -> list[dict[str, Any]]:
    """:func:`lib.reports.forecast.forecast` rows for ``as_of``, kept while the ledger holds."""
    return _forecast(_key(as_of, Buckets()))


def cached_compare(origin: date, until: date) -> list[dict[str, Any]]:
    """:func:`lib.reports.forecast_check.compare` for a forecast made on ``origin``."""
    return _compare(_key(origin, Buckets()), until.isoformat())
