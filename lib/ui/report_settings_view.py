"""The Report settings page (the lead's): aging buckets, the reporting currency, monthly
collection targets per currency, and dated exchange rates. Every save is audited in lib."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lib.aging import Buckets
from lib.auth import Actor
from lib.money import CURRENCIES
from lib.parsing import ParseError, parse_amount
from lib.reports import report_settings as rs
from lib.reports.periods import add_months, month_key
from lib.ui import format as fmt
from lib.ui.context import db


def buckets(me: Actor) -> None:
    st.subheader("Aging buckets")
    current = rs.bucket_limits(db())
    text = st.text_input(
        "Upper limits in days, after “Not due”",
        ", ".join(str(x) for x in current[1:]),
        help="For example 30, 60, 90, 180 gives Not due, 1–30, 31–60, 61–90, 91–180 and "
        "over 180 days.",
        key="rs-bucket-limits",
    )
    try:
        wanted = [int(x) for x in text.replace("、", ",").split(",") if x.strip()]
        preview = Buckets(tuple(wanted))
    except ValueError as exc:
        st.error(f"These limits don't work: {fmt.plain(exc)}.")
        return
    st.caption("Buckets: " + " · ".join(preview.labels()))
    if st.button("Save buckets", disabled=not me.can("settings"), key="rs-buckets"):
        try:
            changed = rs.save_bucket_limits(db(), me, wanted)
        except rs.SettingsError as exc:
            st.error(f"Not saved: {fmt.plain(exc)}.")
        else:
            st.success("Saved: every aging now uses these buckets." if changed else "No change.")


def reporting(me: Actor) -> None:
    st.subheader("Reporting currency")
    current = rs.reporting_currency(db())
    codes = list(CURRENCIES)
    code = st.selectbox(
        "Converted totals are shown in",
        codes,
        index=codes.index(current),
        format_func=lambda c: f"{c} · {CURRENCIES[c].name}",
    )
    if code != current and st.button("Save the reporting currency", key="rs-reporting"):
        rs.save_reporting_currency(db(), me, code)
        st.success(f"Saved: converted totals in {code}, once rates into {code} are entered.")


def targets(me: Actor, today: date) -> None:
    st.subheader("Monthly collection targets")
    st.caption("Cash to collect each month, per currency (applied to invoices and on account).")
    months = [month_key(add_months(today, n)) for n in range(-6, 4)]
    goals = rs.targets(db())
    frame = pd.DataFrame(
        [{"Month": m, **{c: _units(goals.get((m, c)), c) for c in CURRENCIES}} for m in months]
    )
    edited = st.data_editor(
        frame,
        hide_index=True,
        disabled=["Month"],
        key="rs-targets",
        column_config={c: st.column_config.TextColumn(f"{c} target") for c in CURRENCIES},
    )
    if not st.button("Save targets", type="primary", key="rs-targets-save"):
        return
    changed = 0
    try:
        for _, row in edited.iterrows():
            for c in CURRENCIES:
                text = str(row[c] or "").strip()
                amount = parse_amount(text, c) if text else None
                changed += rs.set_target(db(), me, row["Month"], c, amount)
    except (ParseError, rs.SettingsError) as exc:
        st.error(f"Not saved from there on: {fmt.plain(exc)}.")
        return
    st.success(f"Saved {changed} target(s)." if changed else "No change.")


def _units(minor: int | None, currency: str) -> str:
    return "" if minor is None else fmt.money(minor, currency).lstrip(CURRENCIES[currency].symbol)


def rates(me: Actor, today: date) -> None:
    st.subheader("Exchange rates")
    reporting = rs.reporting_currency(db())
    others = [c for c in CURRENCIES if c != reporting]
    st.caption(
        f"Units of {reporting} per one unit of each currency, dated. A converted total uses, "
        "for each currency, the newest rate dated on or before the report's date."
    )
    with st.form("rs-rate", clear_on_submit=True):
        a, b, c = st.columns(3)
        day = a.date_input("Rate of", today, format="DD/MM/YYYY", max_value=today)
        currency = b.selectbox("Currency", others)
        rate = c.text_input(f"{reporting} per 1 {currency or ''}", placeholder="e.g. 1.7845")
        saved = st.form_submit_button("Save the rate")
    if saved:
        try:
            rs.set_rate(db(), me, day, currency, reporting, rate)
        except rs.SettingsError as exc:
            st.error(f"Not saved: {fmt.plain(exc)}.")
        else:
            st.success(f"Saved: 1 {currency} = {rate.strip()} {reporting} on {fmt.day(day)}.")
    fmt.show(
        rs.rates(db()),
        [
            ("rate_date", "Date", "date"),
            ("currency", "Currency", "text"),
            ("reporting_currency", "Into", "text"),
            ("rate", "Rate", "text"),
            ("entered_by", "Entered by", "text"),
            ("entered_at", "When", "date"),
        ],
        empty="No rates yet: without them, totals stay per currency.",
    )
