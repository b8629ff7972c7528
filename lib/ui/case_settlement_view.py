"""The case page's Settlement tab: live and past settlements with each instalment's status,
recording a settlement (equal instalments or a custom schedule) and cancelling one."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from lib.auth import Actor, PermissionDenied
from lib.followups.promises import split_plan
from lib.matching import MatchError
from lib.money import format_money
from lib.parsing import ParseError, parse_amount
from lib.recovery import OPEN_STAGES, STAGES, RecoveryError
from lib.recovery import settlements as sl
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.feedback import done, refuse
from lib.ui.format import plain

EVERY = {"month": "monthly", "fortnight": "every 2 weeks", "week": "weekly"}
ERRORS = (RecoveryError, PermissionDenied, MatchError)


def money_input(label: str, currency: str, key: str, placeholder: str = "") -> int | None:
    """A money field; None when empty or unreadable (the error is shown)."""
    text = st.text_input(label, key=key, placeholder=placeholder)
    if not text.strip():
        return None
    try:
        return parse_amount(text, currency)
    except (ParseError, ValueError) as exc:
        st.error(f"{label}: {plain(exc)}.")
        return None


def settlement_tab(case: dict, money, found: list[dict], me: Actor, as_of: date) -> None:
    """Live and past settlements with instalment status; record or cancel one."""
    if not found:
        st.info(
            "No settlement yet. When the client agrees to pay, record it here: the case moves "
            "to the settlement stage and each instalment is tracked against matched receipts."
        )
    for s in found:
        _one_settlement(s, case, me, as_of)
    if me.can("recovery") and not case["closed_on"]:
        _record_form(case, money, found, me, as_of)


def _one_settlement(s: dict, case: dict, me: Actor, as_of: date) -> None:
    cur = s["currency"]
    live = not s["cancelled_on"]
    with st.container(border=True):
        state = (
            "Live"
            if live
            else f"Cancelled {fmt.day(s['cancelled_on'])}: {plain(s['cancel_reason'])}"
        )
        st.markdown(f"**{cur} settlement agreed {fmt.day(s['agreed_on'])}** · {state}")
        a, b, c, d = st.columns(4)
        a.metric(
            "Agreed",
            fmt.money(s["agreed_amount"], cur),
            help=f"of {fmt.money(s['outstanding'], cur)} outstanding",
        )
        b.metric("Waiver", fmt.money(s["waiver"], cur))
        c.metric("Paid so far", fmt.money(s["paid"], cur))
        d.metric("Missed instalments", f"{s['missed']}")
        if s["terms"]:
            st.caption(f"Terms: {plain(s['terms'])}")
        rows = [
            {
                "due_on": i.due_on,
                "amount": i.amount,
                "paid": i.paid,
                "paid_on": i.paid_on,
                "status": sl.STATUS[i.status],
                "currency": cur,
            }
            for i in s["instalments"]
        ]
        fmt.show(
            rows,
            [
                ("due_on", "Due", "date"),
                ("amount", "Amount", "money"),
                ("paid", "Paid", "money"),
                ("paid_on", "Covered on", "date"),
                ("status", "Status", "text"),
            ],
            empty="",
            key=f"rc-inst-{s['id']}",
        )
        if live and me.can("recovery"):
            _cancel_form(s, case, me, as_of)


def _cancel_form(s: dict, case: dict, me: Actor, as_of: date) -> None:
    with st.expander("Cancel this settlement", icon=":material/cancel:"):
        a, b, c = st.columns([1, 2, 1])
        how = a.selectbox(
            "Because",
            ["Defaulted", "Superseded", "Recorded by mistake"],
            key=f"rc-sx-how-{s['id']}",
        )
        why = b.text_input(
            "Details", key=f"rc-sx-why-{s['id']}", placeholder="e.g. missed two instalments"
        )
        back = [x for x in OPEN_STAGES if x != "settlement"]
        to = c.selectbox(
            "Case goes back to",
            back,
            index=back.index("legal_referral") if how == "Defaulted" else 3,
            format_func=STAGES.get,
            key=f"rc-sx-to-{s['id']}",
        )
        if st.button("Cancel the settlement", key=f"rc-sx-go-{s['id']}"):
            try:
                sl.cancel_settlement(db(), me, s["id"], f"{how}: {why}".strip(": "), as_of, to)
            except ERRORS as exc:
                refuse(exc)
            else:
                done("Settlement cancelled.")


def _record_form(case: dict, money, found: list[dict], me: Actor, as_of: date) -> None:
    live = {s["currency"] for s in found if not s["cancelled_on"]}
    options = [c for c, f in sorted(money.by_currency.items()) if f.at_stake > 0 and c not in live]
    if not options:
        return
    with st.expander("Record a settlement", icon=":material/handshake:", expanded=not found):
        a, d, b, c = st.columns([1, 2, 1.3, 1.3])
        cur = a.selectbox("Currency", options, key="rc-s-cur")
        at_stake = money.by_currency[cur].at_stake
        with d:
            agreed = money_input(
                "Agreed amount",
                cur,
                f"rc-s-amount-{cur}",
                f"{format_money(at_stake, cur)} (all at stake)",
            )
        agreed = at_stake if agreed is None else agreed
        on = b.date_input(
            "Agreed on", value=as_of, max_value=as_of, format="DD/MM/YYYY", key="rc-s-on"
        )
        c.metric(
            "Waiver",
            fmt.money(max(at_stake - agreed, 0), cur),
            help=f"{fmt.money(at_stake, cur)} at stake",
        )
        x, y, z = st.columns(3)
        count = x.number_input("Instalments", 1, sl.MAX_INSTALMENTS, 1, key="rc-s-count")
        first = y.date_input(
            "First due",
            value=(on or as_of) + timedelta(days=30),
            format="DD/MM/YYYY",
            key="rc-s-first",
        )
        every = z.selectbox(
            "Every", list(EVERY), format_func=EVERY.get, key="rc-s-every", disabled=count == 1
        )
        plan = split_plan(agreed, first, int(count), every) if agreed > 0 and first else []
        frame = pd.DataFrame(
            {"Due": [d for d, _ in plan], "Amount": [fmt.money(v, cur) for _, v in plan]}
        )
        edited = st.data_editor(
            frame,
            key=f"rc-s-plan-{cur}-{agreed}-{count}-{first}-{every}",
            hide_index=True,
            num_rows="dynamic",
            column_config={"Due": st.column_config.DateColumn(format="DD/MM/YYYY")},
        )
        st.caption(
            "Equal instalments are filled in; change any date or amount for a custom schedule."
        )
        terms = st.text_area(
            "Terms",
            key="rc-s-terms",
            height=70,
            placeholder="e.g. post-dated cheques; any default revives the full claim",
        )
        if not st.button("Record the settlement", type="primary", key="rc-s-go"):
            return
        try:
            schedule = [
                (pd.Timestamp(r["Due"]).date(), parse_amount(str(r["Amount"]), cur))
                for _, r in edited.iterrows()
                if pd.notna(r["Due"]) and str(r["Amount"] or "").strip()
            ]
        except (ParseError, ValueError) as exc:
            refuse(RecoveryError(f"an instalment amount: {exc}"))
            return
        try:
            sl.record_settlement(
                db(), me, case["id"], cur, agreed, on or as_of, schedule, terms, as_of
            )
        except ERRORS as exc:
            refuse(exc)
        else:
            done(f"Settlement of {format_money(agreed, cur)} recorded; the case is in settlement.")
