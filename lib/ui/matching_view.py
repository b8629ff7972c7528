"""The sections of the Matching page: review queue, suspense, on account, manual match,
matched receipts, payer aliases and deduction rules. Each draws widgets and calls
lib.matching; none holds a rule of its own."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib import clients as client_lib
from lib.auth import Actor
from lib.matching import (
    DEDUCTION_KINDS,
    Line,
    MatchError,
    accept,
    assign_to_client,
    match,
    queries,
    reject,
    reverse_receipt,
    unmatch,
)
from lib.money import format_money
from lib.parsing import ParseError, parse_amount
from lib.ui import format as fmt
from lib.ui.context import db

RECEIPT_COLUMNS = [
    ("value_date", "Date", "date"),
    ("payer", "Payer", "text"),
    ("memo", "Memo / narration", "text"),
    ("amount", "Amount", "money"),
]


def _money_input(label: str, currency: str, key: str, value: int = 0) -> int | None:
    shown = "" if not value else format_money(value, currency, symbol=False)
    text = st.text_input(label, value=shown, key=key)
    try:
        return parse_amount(text, currency) or 0
    except ParseError as exc:
        st.error(f"{label}: {fmt.plain(exc)}")
        return None


def review_queue(me: Actor) -> None:
    """Open suggestions with their reasons; accept or reject several at once."""
    queue = queries.review_queue(db())
    rows = [
        {
            **s,
            "proposal": ", ".join(
                f"{x['invoice_no']} {fmt.money(x['amount'], s['currency'])}" for x in s["lines"]
            )
            or "—",
            "confidence_pct": round(s["confidence"] * 100),
        }
        for s in queue
    ]
    columns = [
        ("value_date", "Date", "date"),
        ("payer", "Payer", "text"),
        ("memo", "Memo", "text"),
        ("amount", "Amount", "money"),
        ("client_code", "Client", "text"),
        ("proposal", "Proposed", "text"),
        ("confidence_pct", "Confidence %", "int"),
        ("explanation", "Why", "text"),
    ]
    if not rows:
        st.success("Nothing waiting for review.")
        return
    frame = fmt.table(rows, columns)
    event = st.dataframe(
        frame,
        hide_index=True,
        key="queue",
        height=460,
        column_config=fmt.column_config(columns),
        on_select="rerun",
        selection_mode="multi-row",
    )
    picked = [queue[i] for i in (event.selection.rows if event else [])]
    st.caption(f"{len(queue):,} suggestions · select rows, then accept or reject them")
    a, b, c = st.columns([1, 1, 3])
    allowed = me.can("match")
    if a.button(f"Accept {len(picked)}", disabled=not picked or not allowed, type="primary"):
        _decide(me, picked, accept, "accepted")
    if b.button(f"Reject {len(picked)}", disabled=not picked or not allowed):
        _decide(me, picked, reject, "rejected")
    if len(picked) == 1 and allowed:
        c.link_button(
            "Match this receipt by hand", f"?section=manual&receipt={picked[0]['receipt_id']}"
        )


def _decide(me: Actor, picked: list[dict], action, word: str) -> None:
    done, failed = 0, []
    for suggestion in picked:
        try:
            action(db(), me, suggestion["id"])
            done += 1
        except MatchError as exc:
            failed.append(fmt.plain(f"{suggestion['payer'] or suggestion['memo']}: {exc}"))
    st.session_state["matching_note"] = f"{done} suggestion(s) {word}." + (
        " Not done: " + "; ".join(failed) if failed else ""
    )
    st.rerun()


def suspense(me: Actor, as_of: date) -> None:
    """Receipts nobody could place, oldest first; put one on a client's account."""
    rows = queries.suspense(db(), as_of)
    columns = [
        *RECEIPT_COLUMNS,
        ("age_days", "Age (days)", "int"),
        ("suspense_reason", "Reason", "text"),
    ]
    # A new key after each action: the browser keeps a table's ticked row, and the rows move
    # up once one leaves suspense, so the tick would land on the next receipt.
    table = f"suspense{st.session_state.get('suspense_round') or ''}"
    picked = fmt.show(rows, columns, key=table, height=420, select=True, empty="Suspense is empty.")
    if picked is None or not me.can("match"):
        return
    receipt = rows[picked]
    st.markdown(
        f"**{fmt.money(receipt['amount'], receipt['currency'])}** on "
        f"{fmt.day(receipt['value_date'])} from {receipt['payer'] or '—'}"
    )
    left, right = st.columns(2)
    found = client_lib.find_clients(
        db(), as_of, left.text_input("Find the client", key="suspense_client")
    )
    options = {c["id"]: f"{c['client_code']} {c['name']}" for c in found[:50]}
    chosen = (
        left.selectbox("Client", list(options), format_func=options.get, key="suspense_pick")
        if options
        else None
    )
    if left.button("Put on this client's account", disabled=chosen is None):
        assign_to_client(db(), me, receipt["id"], chosen)
        _done("Receipt put on account; Kaishu learned the payer.")
    right.link_button("Match to invoices by hand", f"?section=manual&receipt={receipt['id']}")
    with right.expander("The bank took this money back"):
        why = st.text_input(
            "Why", key="suspense_reverse_why", placeholder="e.g. RC on the 14 Nov HDFC statement"
        )
        if st.button("Reverse this receipt", disabled=not why.strip()):
            reverse_receipt(db(), me, receipt["id"], why)
            _done("Receipt reversed: it no longer counts as money received.")


def _done(note: str) -> None:
    st.session_state["suspense_round"] = st.session_state.get("suspense_round", 0) + 1
    for key in ("suspense_reverse_why", "suspense_client"):
        st.session_state.pop(key, None)
    st.session_state["matching_note"] = note
    st.rerun()


def on_account(as_of: date) -> None:
    """Money of known clients not yet applied to invoices."""
    rows = queries.on_account(db(), as_of)
    fmt.show(
        rows,
        [
            ("client_code", "Client", "text"),
            *RECEIPT_COLUMNS,
            ("unapplied", "Not applied", "money"),
            ("age_days", "Age (days)", "int"),
        ],
        key="on_account",
        height=420,
        empty="No money on account.",
    )


def manual(me: Actor, as_of: date, receipt_id: int | None) -> None:
    """Pick a receipt and the invoices it pays, with amounts and deductions."""
    unapplied = queries.suspense(db(), as_of) + queries.on_account(db(), as_of)
    if not unapplied:
        st.info("Every receipt is applied.")
        return
    by_id = {r["id"]: r for r in unapplied}
    ids = list(by_id)
    receipt_id = receipt_id if receipt_id in by_id else ids[0]
    chosen = st.selectbox(
        "Receipt",
        ids,
        index=ids.index(receipt_id),
        key="manual_receipt",
        format_func=lambda i: (
            f"{fmt.day(by_id[i]['value_date'])} · "
            f"{fmt.money(by_id[i]['unapplied'], by_id[i]['currency'])} · "
            f"{by_id[i]['payer'] or by_id[i]['memo'] or ''}"[:120]
        ),
    )
    receipt = by_id[chosen]
    st.caption(
        f"Memo: {fmt.plain(receipt['memo']) or '—'} · "
        f"reference {fmt.plain(receipt['reference']) or '—'}"
    )
    cur = receipt["currency"]
    a, b = st.columns([2, 1])
    text = a.text_input(
        "Find invoices by client, name or number",
        key="manual_text",
        value=receipt.get("client_code") or "",
    )
    amount = b.text_input("…or by outstanding amount", key="manual_amount")
    try:
        wanted = parse_amount(amount, cur) if amount else None
    except ParseError:
        wanted = None
    invoices = queries.find_invoices(db(), cur, text, wanted)
    _lines_editor(me, receipt, invoices)


def _lines_editor(me: Actor, receipt: dict, invoices: list[dict]) -> None:
    cur = receipt["currency"]
    if not invoices:
        st.info("No open invoice matches the search.")
        return
    rows = [
        {
            "Apply": False,
            "Invoice": i["invoice_no"],
            "Client": i["client_code"],
            "Due": fmt.day(i["due_date"]),
            "Outstanding": fmt.money(i["outstanding"], cur),
            "Amount to apply": 0.0,
            "Deduction": 0.0,
            "Deduction is": None,
        }
        for i in invoices
    ]
    edited = st.data_editor(
        rows,
        key=f"lines-{receipt['id']}",
        hide_index=True,
        height=320,
        disabled=["Invoice", "Client", "Due", "Outstanding"],
        column_config={
            "Deduction is": st.column_config.SelectboxColumn(
                options=list(DEDUCTION_KINDS), format_func=lambda k: DEDUCTION_KINDS[k]
            )
        },
    )
    try:
        lines = _lines(edited, invoices, cur)
    except ParseError as exc:
        st.error(f"An amount is not right: {fmt.plain(exc)}.")
        return
    applied = sum(x.amount for x in lines)
    st.write(
        f"Applying **{fmt.money(applied, cur)}** of {fmt.money(receipt['unapplied'], cur)}"
        f"; deductions {fmt.money(sum(x.deduction for x in lines), cur)}."
    )
    note = st.text_input("Note (why this match)", key=f"note-{receipt['id']}")
    if st.button("Match", type="primary", disabled=not lines or not me.can("match")):
        try:
            match(db(), me, receipt["id"], lines, note=note)
        except MatchError as exc:
            st.error(f"Not matched: {fmt.plain(exc)}.")
        else:
            st.session_state["matching_note"] = "Matched; Kaishu learned the payer."
            st.rerun()


def _lines(edited, invoices: list[dict], currency: str) -> list[Line]:
    # The editor gives currency units; they become integer minor units here, once.
    lines = []
    for row, inv in zip(edited, invoices, strict=True):
        if not row["Apply"]:
            continue
        amount = parse_amount(row["Amount to apply"], currency) or 0
        deduction = parse_amount(row["Deduction"], currency) or 0
        if not amount and not deduction:
            amount = inv["outstanding"]
        lines.append(Line(inv["id"], amount, deduction, row["Deduction is"]))
    return lines


def matched(me: Actor) -> None:
    """Receipts matched lately, with how and why; unmatch a wrong one."""
    rows = queries.recent_matches(db())
    columns = [
        ("value_date", "Date", "date"),
        ("payer", "Payer", "text"),
        ("amount", "Amount", "money"),
        ("client_code", "Client", "text"),
        ("invoices", "Invoices", "text"),
        ("method", "How", "text"),
        ("explanation", "Why", "text"),
    ]
    picked = fmt.show(
        rows,
        columns,
        key="matched",
        height=420,
        select=True,
        empty="Nothing matched yet: run auto-match.",
    )
    if picked is None or not me.can("match"):
        return
    receipt = rows[picked]
    reason = st.text_input("Why is this match wrong?", key="unmatch_reason")
    if st.button("Unmatch", disabled=not reason.strip()):
        count = unmatch(db(), me, receipt["receipt_id"], reason)
        st.session_state["matching_note"] = f"Unmatched: {count} entries reversed."
        st.rerun()


def aliases(me: Actor, as_of: date) -> None:
    """The payer names Kaishu has learned, per client; teach one or switch one off."""
    rows = queries.aliases(db())
    picked = fmt.show(
        rows,
        [
            ("client_code", "Client", "text"),
            ("client_name", "Name", "text"),
            ("payer_name", "Payer as the bank prints it", "text"),
            ("account", "Account / IFSC / VPA", "text"),
            ("times_used", "Used", "int"),
            ("active", "Active", "flag"),
        ],
        key="aliases",
        select=True,
        empty="No aliases yet: every manual match teaches one.",
    )
    if not me.can("match"):
        return
    if picked is not None:
        alias = rows[picked]
        label = "Switch off" if alias["active"] else "Switch on"
        if st.button(f"{label} “{alias['payer_name']}”"):
            queries.set_alias_active(db(), me, alias["id"], not alias["active"])
            st.rerun()
    with st.form("new_alias"):
        found = client_lib.find_clients(db(), as_of)
        options = {c["id"]: f"{c['client_code']} {c['name']}" for c in found}
        client = st.selectbox("Client", list(options), format_func=options.get)
        payer = st.text_input("Payer name as on the statement", placeholder="ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ")
        if st.form_submit_button("Teach this alias") and payer.strip():
            queries.add_alias(db(), me, client, payer)
            st.rerun()


def rules(me: Actor) -> None:
    """Transfer fees and TDS rates the engine accepts (the lead edits them)."""
    current = queries.rules(db())
    fees = st.text_input(
        "Transfer fees payers may deduct (¥, comma separated)",
        ", ".join(str(f) for f in current["transfer_fees"]),
    )
    rates = st.text_input(
        "TDS rates (%, comma separated)", ", ".join(f"{r / 100:g}" for r in current["tds_rates_bp"])
    )
    if st.button("Save rules", disabled=not me.can("settings")):
        try:
            queries.set_rules(
                db(),
                me,
                [int(x) for x in fees.replace("、", ",").split(",") if x.strip()],
                [round(float(x) * 100) for x in rates.split(",") if x.strip()],
            )
        except ValueError as exc:
            st.error(f"Not saved: {fmt.plain(exc)}.")
        else:
            st.success("Saved. The next auto-match uses them.")
