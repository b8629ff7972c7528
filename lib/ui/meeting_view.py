"""The Meeting page: large type for the projector, the key numbers with their change
against last week and last month, the charts in tabs, and the MIS workbook."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import streamlit as st

from lib.aging import BASES, Buckets, Filters
from lib.money import CURRENCIES, format_money
from lib.reports import charts, charts_team
from lib.reports.periods import month_start
from lib.reports.report_settings import bucket_limits
from lib.reports.team_measures import collector_activity, top_debtors
from lib.ui import format as fmt
from lib.ui import query
from lib.ui.context import db
from lib.ui.report_cache import cached_groups, meeting_figures

PAGE = "meeting"
PERIODS = {"week": "Last 7 days", "month": "This month", "30": "Last 30 days"}


def controls(today: date) -> tuple[date, Buckets, str, str]:
    """As of, basis, screen size and activity period, all kept in the URL."""
    a, b, c, d = st.columns([1.2, 1.5, 1.2, 1.2])
    as_of = query.day(PAGE, "As of", "as_of", today, where=a, max_value=today)
    basis = query.choice(PAGE, "Aging counts days from", "basis", list(BASES), "due",
                         {"due": "Due date", "invoice": "Invoice date"}, "radio", b)  # fmt: skip
    size = query.choice(PAGE, "Size", "size", ["projector", "screen"], "projector",
                        {"projector": "Projector", "screen": "Laptop"}, "radio", c)  # fmt: skip
    period = query.choice(PAGE, "Activity over", "period", list(PERIODS), "week", PERIODS,
                          where=d)  # fmt: skip
    if size == "projector":
        # Static CSS only, written here: sizes for a projector. Never any user text.
        st.html(
            """<style>
[data-testid="stMetricValue"] p { font-size: 3rem; line-height: 1.2; }
[data-testid="stMetricLabel"] p { font-size: 1.3rem; }
[data-testid="stMetricDelta"] p { font-size: 1.2rem; }
[data-testid="stCaptionContainer"] p { font-size: 1.1rem; }
h1 { font-size: 3rem !important; }
h2, h3 { font-size: 2rem !important; }
button[data-baseweb="tab"] p { font-size: 1.4rem; }
</style>"""
        )
    return as_of, Buckets(bucket_limits(db()), basis), size, period


def figures(as_of: date, buckets: Buckets) -> dict[str, Any]:
    """The meeting's figures (cached while the ledger does not change)."""
    return meeting_figures(as_of, buckets)


def _change(now: Any, then: Any, money: str | None = None, unit: str = "") -> str | None:
    if now is None or then is None:
        return None
    diff = now - then
    if money:
        return ("+" if diff >= 0 else "") + fmt.whole(diff, money)
    return f"{diff:+.1f}{unit}"


# (key, label, money?, unit, colour: inverse when rising is bad)
KEYS: tuple[tuple[str, str, bool, str, str], ...] = (
    ("open", "Open receivables", True, "", "inverse"),
    ("overdue", "Overdue", True, "", "inverse"),
    ("overdue_pct", "Overdue share", False, " pts", "inverse"),
    ("dso", "DSO (days)", False, " days", "inverse"),
    ("collected_7d", "Collected, last 7 days", True, "", "normal"),
    ("suspense", "Suspense (payer unknown)", True, "", "inverse"),
)
PER_ROW = 3


def key_numbers(data: dict[str, Any]) -> None:
    """Per currency: six numbers, each with its change against last week (the arrow) and
    last month (the line under it)."""
    for currency, row in data["keys"].items():
        st.subheader(f"{CURRENCIES[currency].name} ({currency})")
        for start in range(0, len(KEYS), PER_ROW):
            cols = st.columns(PER_ROW)
            for col, spec in zip(cols, KEYS[start : start + PER_ROW], strict=True):
                _metric(col, spec, row, currency)
    converted = data["converted"]
    if len(data["keys"]) > 1 and converted.total is not None:
        st.metric(
            f"Open receivables, all currencies in {converted.reporting}",
            fmt.whole(converted.total, converted.reporting),
            help=converted.label,
        )
        st.caption(f"Yen and rupees are {converted.label}; each currency above stands alone.")
    elif len(data["keys"]) > 1:
        st.caption(f"No total across currencies: {converted.label}.")


def _metric(col: Any, spec: tuple, row: dict[str, Any], currency: str) -> None:
    key, label, money, unit, colour = spec
    value = row.get(key)
    cur = currency if money else None
    week = _change(value, row.get(f"{key}_week"), cur, unit)
    month = _change(value, row.get(f"{key}_month"), cur, unit)
    unchanged = value is not None and value == row.get(f"{key}_week")
    col.metric(
        label,
        _value(value, cur, unit),
        delta="no change vs last week" if unchanged else f"{week} vs last week" if week else None,
        delta_color="off" if unchanged else colour,
        delta_arrow="off" if unchanged else "auto",
        help=_help(key, row, currency),
    )
    if month:
        col.caption(f"{month} vs last month")


def _value(value: Any, currency: str | None, unit: str) -> str:
    if value is None:
        return "—"
    if currency:
        return fmt.whole(value, currency)
    return f"{value:.1f}%" if unit == " pts" else f"{value:.1f}"


def _help(key: str, row: dict[str, Any], currency: str) -> str | None:
    if key == "collected_7d":
        month = f"This month so far: {fmt.money(row.get('collected_mtd', 0), currency)}"
        target = row.get("target")
        if not target:
            return month + "; no target set for this month (Report settings)."
        share = row["collected_mtd"] * 100 / target
        return f"{month}, {share:.0f}% of the month's target of {fmt.money(target, currency)}"
    if key == "dso":
        return "Days sales outstanding, countback method"
    if key == "suspense":
        return f"Also on account (client known): {fmt.money(row.get('on_account', 0), currency)}"
    return None


def chart(figure: Any, key: str) -> None:
    st.altair_chart(figure, width="stretch", key=key)


def _pair(size: str) -> tuple[Any, Any]:
    # On the projector each chart takes the full width; on a laptop two sit side by side.
    if size == "projector":
        return st.container(), st.container()
    return tuple(st.columns(2))  # type: ignore[return-value]


def aging_tab(data: dict, as_of: date, buckets: Buckets, size: str) -> None:
    top = top_debtors(cached_groups(as_of, buckets, "client", Filters()))
    labels = buckets.labels()
    for currency in data["currencies"]:
        left, right = _pair(size)
        with left:
            chart(charts.aging_trend(data["trend"], labels, currency, size, buckets.basis),
                  f"m-trend-{currency}")  # fmt: skip
        with right:
            if any(r["currency"] == currency for r in top):
                chart(charts_team.top_debtors_chart(top, currency, size), f"m-top-{currency}")
            else:
                st.success(f"No {currency} invoice is overdue.")
    st.page_link("pages/aging_page.py", label="Open the Aging page to drill down",
                 icon=":material/stacked_bar_chart:",
                 query_params={"as_of": as_of.isoformat()})  # fmt: skip


def cash_tab(data: dict, size: str) -> None:
    for currency in data["currencies"]:
        left, right = _pair(size)
        with left:
            chart(
                charts.collections_chart(data["collections"], currency, size), f"m-col-{currency}"
            )
        with right:
            if any(r["currency"] == currency for r in data["unapplied"]):
                chart(charts.unapplied_chart(data["unapplied"], currency, size),
                      f"m-unap-{currency}")  # fmt: skip
            else:
                st.success(f"Every {currency} receipt is applied.")
    left, right = _pair(size)
    with left:
        chart(charts.dso_chart(data["dso"], size), "m-dso")
    with right:
        if data["cei"]:
            chart(charts.cei_chart(data["cei"], size), "m-cei")


def team_tab(data: dict, as_of: date, period: str, size: str) -> None:
    first = _period_start(as_of, period)
    rate, judged = data["kept_90"]
    a, b = st.columns(2)
    a.metric("Promises kept, last 90 days", "—" if rate is None else f"{rate:.0f}%",
             help=f"{judged} promises fell due; partly kept ones count by amount")  # fmt: skip
    b.metric("Promises made, this month", f"{data['promises'][-1]['made']:,}")
    if any(r["made"] or r["judged"] for r in data["promises"]):
        chart(charts_team.promises_chart(data["promises"], size), "m-promises")
    else:
        st.info("No promises to pay logged in the last six months.")
    rows = collector_activity(db(), first, as_of)
    st.subheader(f"Collector activity · {fmt.day(first)} – {fmt.day(as_of)}")
    if not rows:
        st.info("No follow-ups logged and nothing collected in this period.")
        return
    chart(charts_team.activity_chart(rows, size), "m-activity")
    for currency in sorted({c for r in rows for c in r["collected"]}):
        chart(charts_team.collected_by_owner_chart(rows, currency, size), f"m-own-{currency}")


def _period_start(as_of: date, period: str) -> date:
    if period == "month":
        return month_start(as_of)
    return as_of - timedelta(days=6 if period == "week" else 29)


def recovery_tab(data: dict, size: str) -> None:
    funnel = data["funnel"]
    if not any(r["cases"] for r in funnel):
        st.info("No recovery case is open, and none closed in the last 90 days.")
        return
    chart(charts_team.funnel_chart(funnel, size), "m-funnel")
    fmt.show(
        [
            {
                **r,
                "owed": " + ".join(format_money(v, c) for c, v in sorted(r["outstanding"].items())),
            }
            for r in funnel
            if r["cases"]
        ],
        [("label", "Stage", "text"), ("cases", "Cases", "int"), ("owed", "Still owed", "text")],
        empty="",
    )


def mis_button(as_of: date, buckets: Buckets) -> None:
    """The MIS workbook, made when clicked (it takes a few seconds on a large ledger)."""
    from lib.reports.mis import mis_file_name

    st.download_button(
        "Download the MIS report (.xlsx)",
        _mis(as_of, buckets),
        file_name=mis_file_name(as_of),
        type="primary",
        icon=":material/download:",
        key="meeting-mis",
        help="Summary with charts, aging by client, open items, collections, promises, "
        "disputes, recovery cases and write-offs; every total a formula.",
    )


def _mis(as_of: date, buckets: Buckets) -> Callable[[], bytes]:
    from lib.db import connect, db_path
    from lib.reports.mis import build_mis

    path = str(db_path())

    def make() -> bytes:
        conn = connect(path)  # the download runs on its own thread
        try:
            return build_mis(conn, as_of, buckets)
        finally:
            conn.close()

    return make
