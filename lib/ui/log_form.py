"""The quick log form: channel, outcome, note, an optional promise, Save.

Built for speed on the phone: Call is preselected, an outcome is one click, a blank promised
amount means the whole overdue balance, and the invoices default to all overdue ones. Fields
appear with the outcome that needs them (a promise, a dispute reason). Widget keys carry the
client id, so the next client always starts from a clean form.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from lib.auth import Actor
from lib.followups import CHANNELS, DISPUTE_REASONS, LOGGABLE_OUTCOMES, OUTCOMES, FollowUpError
from lib.followups.log import FollowUp, log_follow_up
from lib.followups.promises import split_plan
from lib.money import format_money
from lib.parsing import ParseError, parse_amount
from lib.ui import format as fmt
from lib.ui.context import db

EVERY_LABELS = {"month": "monthly", "fortnight": "every 2 weeks", "week": "weekly"}


def _promise(items: list[dict], as_of: date, key: str) -> tuple[list, str] | None:
    """The promise widgets; returns ``(plan, currency)``, or None after showing an error."""
    late = [i for i in items if i["days_past_due"] > 0 and not i["disputed"]] or items
    currencies = sorted({i["currency"] for i in late}) or ["JPY"]
    a, b, c = st.columns([2, 2, 1])
    currency = currencies[0]
    if len(currencies) > 1:
        currency = c.selectbox("Currency", currencies, key=f"{key}-cur")
    overdue = sum(i["outstanding"] for i in late if i["currency"] == currency)
    text = a.text_input(
        "Promised amount",
        key=f"{key}-amount",
        placeholder=f"{format_money(overdue, currency)} (all overdue)",
        help="Leave empty for the whole overdue amount.",
    )
    pay_by = b.date_input(
        "Will pay by", value=None, min_value=as_of, format="DD/MM/YYYY", key=f"{key}-date"
    )
    x, y = st.columns(2)
    count = x.number_input("Instalments", 1, 24, 1, key=f"{key}-count")
    every = y.selectbox(
        "Every",
        list(EVERY_LABELS),
        format_func=EVERY_LABELS.get,
        key=f"{key}-every",
        disabled=count == 1,
    )
    try:
        amount = parse_amount(text, currency) if text.strip() else overdue
    except (ParseError, ValueError) as exc:
        st.error(f"Promised amount: {fmt.plain(exc)}.")
        return None
    if not pay_by or not amount or amount <= 0:
        return [], currency
    plan = split_plan(amount, pay_by, int(count), every)
    if len(plan) > 1:
        st.caption(
            " · ".join(f"{format_money(v, currency)} on {d:%d/%m/%Y}" for d, v in plan[:6])
            + (" …" if len(plan) > 6 else "")
        )
    return plan, currency


def quick_log(
    client_id: int, name: str, items: list[dict], me: Actor, as_of: date, key: str
) -> bool:
    """Draw the form for a client (its open ``items``); True once a follow-up is saved."""
    key = f"{key}-{client_id}"
    channel = st.segmented_control(
        "Channel",
        list(CHANNELS),
        format_func=CHANNELS.get,
        default="call",
        key=f"{key}-channel",
        width="stretch",
    )
    # A radio wraps onto a second line; pills would hide the last outcomes behind a scroll.
    outcome = st.radio(
        "Outcome",
        LOGGABLE_OUTCOMES,
        index=None,
        format_func=OUTCOMES.get,
        key=f"{key}-outcome",
        horizontal=True,
    )
    note = st.text_area("Note", key=f"{key}-note", height=68, placeholder="What was said")
    promise: tuple[list, str] | None = ([], "")
    reason = None
    if outcome == "promised":
        promise = _promise(items, as_of, key)
    elif outcome == "disputed":
        reason = st.selectbox(
            "Why the client disputes",
            list(DISPUTE_REASONS),
            format_func=DISPUTE_REASONS.get,
            key=f"{key}-reason",
        )
    c, d = st.columns([1, 2])
    next_on = c.date_input(
        "Next follow-up",
        value=None,
        min_value=as_of,
        format="DD/MM/YYYY",
        key=f"{key}-next",
        help=f"e.g. {fmt.day(as_of + timedelta(days=3))}; empty: the worklist decides",
    )
    chosen = _invoices(d, items, key)
    if not st.button("Save", type="primary", key=f"{key}-save", disabled=promise is None):
        return False
    if not outcome:
        st.error("Choose the outcome first.")
        return False
    plan, currency = promise or ([], "")
    if outcome == "promised" and not plan:
        st.error("Choose the date the client will pay by.")
        return False
    entry = FollowUp(
        client_id=client_id,
        channel=channel or "call",
        outcome=outcome,
        note=note,
        next_action_on=next_on,
        invoice_ids=chosen,
        promise=plan,
        promise_currency=currency or None,
        dispute_reason=reason,
    )
    try:
        log_follow_up(db(), me, entry, as_of)
    except FollowUpError as exc:
        st.error(f"Not saved: {fmt.plain(exc)}.")
        return False
    st.session_state["kaishu_flash_log"] = _saved_text(name, outcome, plan, currency)
    return True


def _invoices(box, items: list[dict], key: str) -> list[int] | None:
    """The invoices the follow-up concerns; None (the default) means all overdue ones."""
    late = [i for i in items if i["days_past_due"] > 0] or items
    labels = {
        i["invoice_id"]: f"{i['invoice_no']} · {format_money(i['outstanding'], i['currency'])}"
        + (f" · {i['days_past_due']} days late" if i["days_past_due"] > 0 else " · not due")
        + (" · disputed" if i["disputed"] else "")
        for i in items
    }
    default = [i["invoice_id"] for i in late]
    picked = box.multiselect(
        "Invoices it concerns",
        list(labels),
        default=default,
        format_func=labels.get,
        key=f"{key}-invoices",
    )
    return None if sorted(picked) == sorted(default) else picked


def _saved_text(name: str, outcome: str, plan: list, currency: str) -> str:
    text = f"Saved: {name} · {OUTCOMES[outcome]}"
    if plan:
        total = sum(v for _, v in plan)
        text += f" · promise of {format_money(total, currency)} by {plan[-1][0]:%d/%m/%Y}"
    return text
