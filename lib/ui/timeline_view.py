"""The client page's Follow-ups tab: the quick log form, open requests and promises, disputes
to resolve, notes to colleagues, and the whole timeline with each email's exact content."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib.auth import Actor
from lib.followups import NOTE_KINDS, RESOLUTIONS, TEAMS, FollowUpError
from lib.followups import notes as nt
from lib.followups.disputes import client_disputes, resolve_dispute
from lib.followups.ledger import client_open_items
from lib.followups.promises import STATES, cancel_promise, promises
from lib.followups.sending import email
from lib.followups.settings import load as load_settings
from lib.followups.timeline import client_timeline
from lib.money import format_money
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.log_form import quick_log
from lib.ui.worklist_view import request_row

TIMELINE_COLUMNS = [
    ("date", "Date", "date"),
    ("kind", "What", "text"),
    ("who", "By", "text"),
    ("what", "Details", "text"),
]


def follow_ups_tab(client: dict, me: Actor, as_of: date) -> None:
    """Everything about chasing this client, newest first, with the forms to add to it."""
    items = client_open_items(db(), client["id"], as_of)
    if flash := st.session_state.pop("kaishu_flash_log", None):
        st.success(flash, icon=":material/check_circle:")
    with st.expander("Log a call, email or visit", icon=":material/call:"):
        if quick_log(client["id"], client["name"], items, me, as_of, key="client"):
            st.rerun()
    _requests(client, me, as_of)
    grace = load_settings(db()).grace_days
    _promises(client, me, as_of, grace)
    _disputes(client, items, me, as_of)
    _note_form(client, items, me, as_of)
    events = client_timeline(db(), client["id"], as_of, grace)
    st.markdown("**Timeline**")
    height = "auto" if len(events) <= 10 else 400
    fmt.show(events, TIMELINE_COLUMNS, empty="Nothing logged yet.", key="timeline", height=height)
    _emails(events)


def _requests(client: dict, me: Actor, as_of: date) -> None:
    waiting = [
        n
        for n in nt.client_notes(db(), client["id"])
        if n["kind"] != "note" and not n["answered_at"]
    ]
    if not waiting:
        return
    st.markdown(f"**Open requests ({len(waiting)})**")
    for n in waiting:
        request_row({**n, "client_code": client["client_code"]}, me, as_of, prefix="client")


def _promises(client: dict, me: Actor, as_of: date, grace: int) -> None:
    found = promises(db(), as_of, grace, client_id=client["id"])
    if not found:
        return
    st.markdown("**Promises to pay**")
    rows = [
        {
            "promised_on": p["promised_on"],
            "currency": p["currency"],
            "amount": p["amount"],
            "plan": ", ".join(
                f"{format_money(a, p['currency'])} by {fmt.day(d)}" for d, a in p["instalments"]
            ),
            "state": STATES[p["verdict"].state],
            "paid": p["verdict"].paid,
            "by": p["created_by"],
        }
        for p in found
    ]
    fmt.show(
        rows,
        [
            ("promised_on", "Made on", "date"),
            ("amount", "Amount", "money"),
            ("plan", "To pay", "text"),
            ("state", "State", "text"),
            ("paid", "Paid since", "money"),
            ("by", "Logged by", "text"),
        ],
        empty="",
        key="promises",
    )
    _cancel(me, [p for p in found if p["verdict"].state == "pending"])


def _cancel(me: Actor, pending: list[dict]) -> None:
    """Withdraw a promise logged by mistake or replaced by a new agreement."""
    if not pending:
        return
    with st.expander("Cancel a promise", icon=":material/undo:"):
        labels = {p["id"]: f"{fmt.day(p['promised_on'])} · {p['text']}" for p in pending}
        chosen = st.selectbox("Promise", list(labels), format_func=labels.get, key="cx-p")
        why = st.text_input("Why", key="cx-why", placeholder="e.g. logged on the wrong client")
        if st.button("Cancel the promise", key="cx-go"):
            try:
                cancel_promise(db(), me, chosen, why)
            except FollowUpError as exc:
                st.error(f"Not cancelled: {fmt.plain(exc)}.")
            else:
                st.rerun()


def _disputes(client: dict, items: list[dict], me: Actor, as_of: date) -> None:
    found = client_disputes(db(), client["id"])
    flagged = [i for i in items if i["disputed"]]
    if not found and not flagged:
        return
    st.markdown("**Disputes**")
    fmt.show(
        found,
        [
            ("invoice_no", "Invoice", "text"),
            ("reason", "Reason", "text"),
            ("note", "Note", "text"),
            ("opened_on", "Opened", "date"),
            ("resolution", "Resolution", "text"),
            ("resolved_on", "Resolved", "date"),
        ],
        empty="Disputed in the ledger; no dispute logged in Kaishu yet.",
        key="disputes",
    )
    if not flagged:
        return
    labels = {i["invoice_id"]: i["invoice_no"] for i in flagged}
    a, b, c, d = st.columns([2, 3, 3, 1], vertical_alignment="bottom")
    invoice = a.selectbox("Invoice", list(labels), format_func=labels.get, key="res-inv")
    how = b.selectbox("Resolved by", list(RESOLUTIONS), format_func=RESOLUTIONS.get, key="res-how")
    note = c.text_input("What was agreed", key="res-note", placeholder="e.g. credit note CN-778")
    if d.button("Resolve", key="res-go"):
        try:
            resolve_dispute(db(), me, invoice, how, note, as_of)
        except FollowUpError as exc:
            st.error(f"Not resolved: {fmt.plain(exc)}.")
        else:
            st.rerun()


def _note_form(client: dict, items: list[dict], me: Actor, as_of: date) -> None:
    users = [u[0] for u in db().execute("SELECT username FROM users WHERE active = 1 ORDER BY 1")]
    targets = {**{f"team:{k}": v for k, v in TEAMS.items()}, **{f"user:{u}": u for u in users}}
    with st.expander("Add a note or ask a colleague", icon=":material/edit_note:"):
        body = st.text_area(
            "Note or request",
            key="note-body",
            height=68,
            placeholder="e.g. ask sales to confirm the PO",
        )
        a, b, c = st.columns(3)
        kind = a.radio("Kind", ["note", "request"], format_func=NOTE_KINDS.get, horizontal=True)
        to = b.selectbox("Ask", list(targets), format_func=targets.get, disabled=kind == "note")
        due = c.date_input(
            "Answer needed by",
            value=None,
            min_value=as_of,
            format="DD/MM/YYYY",
            disabled=kind == "note",
        )
        labels = {i["invoice_id"]: i["invoice_no"] for i in items}
        invoice = st.selectbox(
            "About invoice (optional)",
            [None, *labels],
            format_func=lambda i: labels.get(i, "— the client in general —"),
        )
        if st.button("Add", key="note-go"):
            team = to.split(":", 1)[1] if to.startswith("team:") else None
            user = to.split(":", 1)[1] if to.startswith("user:") else None
            try:
                nt.add_note(db(), me, client["id"], body, kind, user, team, due, invoice)
            except FollowUpError as exc:
                st.error(f"Not added: {fmt.plain(exc)}.")
            else:
                st.rerun()


def _emails(events: list[dict]) -> None:
    sent = [e for e in events if e["ref"] and e["ref"][0] == "emails"]
    if not sent:
        return
    labels = {e["ref"][1]: f"{fmt.day(e['date'])} · {e['what'][:90]}" for e in sent}
    chosen = st.selectbox("Read an email exactly as sent", list(labels), format_func=labels.get)
    shown = email(db(), chosen)
    with st.container(border=True):
        st.text(f"To: {shown['to_addrs']}\nSubject: {shown['subject']}")
        st.code(shown["text"], language=None, wrap_lines=True)
        st.caption("Attached: " + (fmt.plain(", ".join(shown["attachments"])) or "nothing"))
        st.download_button("Download as .eml", shown["raw"], file_name=f"email-{chosen}.eml")
