"""The case page's Write-off tab: the case's write-offs, a collector's request and the lead's
decision, writing off and reversing (lead), and money received after a write-off."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib.auth import Actor
from lib.money import format_money
from lib.recovery import recoveries as rv
from lib.recovery import writeoffs as wo
from lib.ui import format as fmt
from lib.ui.case_settlement_view import ERRORS, money_input
from lib.ui.context import db
from lib.ui.feedback import done, refuse
from lib.ui.format import plain


def write_off_tab(case: dict, money, me: Actor, as_of: date) -> None:
    """Write-offs of the case, the request waiting for the lead, and the forms for them."""
    entries = wo.case_write_offs(db(), case["id"], as_of)
    rows = [
        {**w, "state": f"reversed: {w['reversal_reason']}" if w["reversed_at"] else "stands"}
        for w in entries
    ]
    for w in rows:
        w["approval"] = f"{w['approved_by']} · {w['approval_ref'] or '—'}"
    fmt.show(
        rows,
        [
            ("effective_date", "Effective", "date"),
            ("invoice_no", "Invoice", "text"),
            ("amount", "Written off", "money"),
            ("recovered", "Recovered since", "money"),
            ("state", "State", "text"),
            ("approval", "Approved by · ref", "text"),
            ("reason", "Reason", "text"),
        ],
        empty="Nothing written off on this case.",
        key="rc-wo",
    )
    waiting = wo.pending(db(), case["id"])
    for r in waiting:
        st.info(
            f"Write-off requested by {r['requested_by']} on {fmt.day(r['requested_at'])}: "
            f"{plain(r['reason'])} · {r['invoice_nos']} ({r['open_text'] or 'nothing open now'})",
            icon=":material/approval:",
        )
        if me.can("write_off"):
            _decide_form(r, me, as_of)
    open_lines = [x for x in money.lines if x["outstanding"] > 0]
    labels = {
        x["invoice_id"]: f"{x['invoice_no']} · {fmt.money(x['outstanding'], x['currency'])}"
        for x in open_lines
    }
    if not case["closed_on"] and open_lines and me.can("recovery"):
        if me.can("write_off"):
            _write_off_form(case, labels, me, as_of)
        elif not waiting:
            _request_form(case, labels, me, as_of)
    if me.can("write_off") and any(not w["reversed_at"] for w in entries):
        _reverse_form(entries, me, as_of)
    if me.can("recovery") and me.can("match") and any(not w["reversed_at"] for w in entries):
        _recovery_form(case, entries, me, as_of)


def _decide_form(r: dict, me: Actor, as_of: date) -> None:
    a, b, c, d = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
    ref = a.text_input(
        "Approval reference", key=f"rc-wd-ref-{r['id']}", placeholder="e.g. CFO mail 14/07"
    )
    note = b.text_input("Note", key=f"rc-wd-note-{r['id']}")
    for col, approve, label in ((c, True, "Approve"), (d, False, "Reject")):
        if col.button(
            label, key=f"rc-wd-{label}-{r['id']}", type="primary" if approve else "secondary"
        ):
            try:
                wo.decide(db(), me, r["id"], approve, note, as_of, ref)
            except ERRORS as exc:
                refuse(exc)
            else:
                done(
                    "Write-off approved and entered." if approve else "Write-off request rejected."
                )


def _request_form(case: dict, labels: dict, me: Actor, as_of: date) -> None:
    with st.expander("Ask the lead to write off", icon=":material/approval:"):
        chosen = st.multiselect(
            "Invoices", list(labels), default=list(labels), format_func=labels.get, key="rc-wr-inv"
        )
        why = st.text_input(
            "Why it will not be collected", key="rc-wr-why", placeholder="e.g. company struck off"
        )
        if st.button("Send the request", key="rc-wr-go", disabled=not chosen):
            try:
                wo.request_write_off(db(), me, case["id"], chosen, why, as_of)
            except ERRORS as exc:
                refuse(exc)
            else:
                done("Write-off request sent to the lead.")


def _write_off_form(case: dict, labels: dict, me: Actor, as_of: date) -> None:
    with st.expander("Write off invoices (lead)", icon=":material/money_off:"):
        chosen = st.multiselect(
            "Invoices (all that is open on each)",
            list(labels),
            format_func=labels.get,
            key="rc-ww-inv",
        )
        a, b, c = st.columns(3)
        why = a.text_input("Reason", key="rc-ww-why", placeholder="e.g. settlement waiver")
        ref = b.text_input("Approval reference", key="rc-ww-ref")
        on = c.date_input(
            "Effective", value=as_of, max_value=as_of, format="DD/MM/YYYY", key="rc-ww-on"
        )
        st.caption(
            "To write off the rest and close the case in one step, use Move or close the case."
        )
        if st.button("Write off", key="rc-ww-go", disabled=not chosen):
            try:
                wo.write_off(
                    db(), me, [(i, None) for i in chosen], why, ref, on or as_of, as_of, case["id"]
                )
            except ERRORS as exc:
                refuse(exc)
            else:
                done(f"{len(chosen)} invoice(s) written off.")


def _reverse_form(entries: list[dict], me: Actor, as_of: date) -> None:
    standing = {
        w["id"]: f"{w['invoice_no']} · {fmt.money(w['amount'], w['currency'])}"
        f" on {fmt.day(w['effective_date'])}"
        for w in entries
        if not w["reversed_at"]
    }
    with st.expander("Reverse a write-off (lead)", icon=":material/undo:"):
        chosen = st.selectbox(
            "Write-off", list(standing), format_func=standing.get, key="rc-wv-pick"
        )
        why = st.text_input("Why", key="rc-wv-why", placeholder="e.g. entered on the wrong invoice")
        if st.button("Reverse", key="rc-wv-go"):
            try:
                wo.reverse_write_off(db(), me, chosen, why, as_of)
            except ERRORS as exc:
                refuse(exc)
            else:
                done("Write-off reversed: the balance is open again.")


def _recovery_form(case: dict, entries: list[dict], me: Actor, as_of: date) -> None:
    with st.expander("Money received after a write-off", icon=":material/savings:"):
        invoices = {
            w["invoice_id"]: w
            for w in entries
            if not w["reversed_at"] and w["amount"] > w["recovered"]
        }
        if not invoices:
            st.caption("Everything written off has been recovered.")
            return
        a, b, c = st.columns(3)
        labels = {
            i: f"{w['invoice_no']} · "
            f"{fmt.money(w['amount'] - w['recovered'], w['currency'])} recoverable"
            for i, w in invoices.items()
        }
        inv = a.selectbox(
            "Written-off invoice", list(invoices), format_func=labels.get, key="rc-rv-inv"
        )
        cur = invoices[inv]["currency"]
        found = rv.unapplied_receipts(db(), case["client_id"], cur)
        if not found:
            b.caption(
                f"No unapplied {cur} receipt of this client: import the statement, or put "
                "the receipt on this client's account on the Matching page."
            )
            return
        rlabels = {
            r["id"]: f"{fmt.day(r['value_date'])} · {r['reference'] or r['payer_name'] or '—'}"
            f" · {fmt.money(r['unapplied'], cur)} unapplied"
            for r in found
        }
        receipt = b.selectbox("Receipt", list(rlabels), format_func=rlabels.get, key="rc-rv-rec")
        with c:
            amount = money_input("Amount recovered", cur, "rc-rv-amount", "all of it")
        left = invoices[inv]["amount"] - invoices[inv]["recovered"]
        unapplied = next(r["unapplied"] for r in found if r["id"] == receipt)
        amount = min(left, unapplied) if amount is None else amount
        if st.button(f"Apply {format_money(amount, cur)} as recovered", key="rc-rv-go"):
            try:
                rv.recover(db(), me, receipt, inv, amount, as_of, case["id"])
            except ERRORS as exc:
                refuse(exc)
            else:
                done(f"{format_money(amount, cur)} recorded as recovered after write-off.")
