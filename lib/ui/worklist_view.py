"""The pieces of the Today page: filters kept in the URL, requests waiting for me, the next
client's card, the list, and the lead's reassignment."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib import clients
from lib.auth import Actor
from lib.followups import CHANNELS, NOTE_KINDS, OUTCOMES, TEAMS, FollowUpError
from lib.followups import notes as nt
from lib.followups import worklist as wl
from lib.followups.ledger import client_open_items
from lib.money import CURRENCIES
from lib.ui import format as fmt
from lib.ui.context import db

EVERYONE = "*"
LIST_COLUMNS = [
    ("client_code", "Code", "text"),
    ("name", "Client", "text"),
    ("overdue", "Overdue", "money"),
    ("oldest_days", "Days late", "int"),
    ("reason", "Why now", "text"),
    ("last_contact", "Last contact", "date"),
    ("owner", "Owner", "text"),
]


def query_choice(label: str, name: str, options: list[str], default: str, labels: dict) -> str:
    """A selectbox whose value lives in the URL query, so a link shares the filters."""
    key = f"wl-{name}"
    if key not in st.session_state:
        wanted = st.query_params.get(name, default)
        st.session_state[key] = wanted if wanted in options else default
    value = st.selectbox(label, options, key=key, format_func=lambda v: labels.get(v, v))
    if value == default:
        st.query_params.pop(name, None)
    else:
        st.query_params[name] = value
    return value


def filters(me: Actor) -> wl.Filters:
    """The filter row; a collector who owns clients starts on their own list."""
    owners = clients.owners(db())
    mine = me.username if me.username in owners and not me.can("assign_work") else EVERYONE
    cols = st.columns(5)
    with cols[0]:
        owner = query_choice("Owner", "owner", [EVERYONE, *owners], mine, {EVERYONE: "Everyone"})
    with cols[1]:
        segment = query_choice("Segment", "segment", ["", *clients.SEGMENTS], "", {"": "All"})
    with cols[2]:
        currency = query_choice("Currency", "currency", ["", *CURRENCIES], "", {"": "All"})
    with cols[3]:
        aging = query_choice("Days late", "aging", ["", *wl.BUCKETS], "", {"": "All"})
    with cols[4]:
        disputes = query_choice(
            "Disputes", "disputes", list(wl.DISPUTE_FILTERS), "", wl.DISPUTE_FILTERS
        )
    return wl.Filters(
        owner="" if owner == EVERYONE else owner,
        segment=segment,
        currency=currency,
        bucket=aging,
        disputes=disputes,
    )


def requests_panel(me: Actor, as_of: date) -> None:
    """Open requests addressed to me (or asked by me of a team), each answerable here."""
    waiting = nt.open_requests(db(), me.username)
    if not waiting:
        return
    late = sum(1 for r in waiting if r["due_on"] and r["due_on"] <= as_of.isoformat())
    title = f"Requests waiting for you ({len(waiting)}" + (f", {late} due" if late else "") + ")"
    with st.expander(title, expanded=True, icon=":material/assignment:"):
        for request in waiting[:20]:
            request_row(request, me, as_of)


def request_row(request: dict, me: Actor, as_of: date, prefix: str = "req") -> None:
    """One open request with what answers it: a Resent button, or an answer field."""
    who = TEAMS.get(request["team"] or "", "") or request["assignee"] or ""
    due = f" · due {fmt.day(request['due_on'])}" if request["due_on"] else ""
    a, b, c = st.columns([4, 3, 1], vertical_alignment="bottom")
    a.markdown(f"**{NOTE_KINDS[request['kind']]}** · {request['client_code']} · for {who}{due}  \n")
    a.text(request["body"])
    if request["kind"] == "resend_invoice":
        if c.button("Resent", key=f"{prefix}-{request['id']}", help="Log the copies sent"):
            ids = nt.task_invoices(db(), request)
            nt.record_dispatch(db(), me, ids, "email", as_of, request["id"])
            st.rerun()
        return
    text = b.text_input("Answer", key=f"{prefix}-ans-{request['id']}", placeholder="The reply")
    if c.button("Log", key=f"{prefix}-{request['id']}"):
        try:
            nt.answer(db(), me, request["id"], text)
        except FollowUpError as exc:
            st.error(str(exc))
        else:
            st.rerun()


def pick_current(rows: list[dict]) -> dict:
    """The client to work on: the one clicked, else the first not yet done or skipped.

    The choice is kept for the session until it is saved, skipped or another row is clicked:
    a colleague logging a call elsewhere reorders the list, and the form must not jump to
    another client under the intern's hands."""
    by_id = {r["client_id"]: r for r in rows}
    picked = st.session_state.get("today_pick")
    if picked in by_id:
        return by_id[picked]
    skipped = st.session_state.setdefault("today_skipped", set())
    row = next((r for r in rows if not r["done_today"] and r["client_id"] not in skipped), rows[0])
    st.session_state["today_pick"] = row["client_id"]
    return row


def client_card(row: dict, as_of: date) -> list[dict]:
    """The current client: who, how to reach them, why now, what is open. Returns its
    open items for the log form."""
    st.subheader(fmt.plain(row["name"]))
    reach = [x for x in (row["phone"], row["email"]) if x]
    if row.get("contact_name"):
        reach.insert(0, f"contact {row['contact_name']}")
    st.caption(
        " · ".join([row["client_code"], row["segment"], f"owner {row['owner'] or '—'}"])
        + ("  \n" + " · ".join(reach) if reach else "  \nno phone or email on file")
    )
    a, b = st.columns([3, 2])
    a.metric("Overdue", row["overdue_text"] or "—")
    b.metric("Oldest", f"{row['oldest_days']} days")
    st.info(fmt.plain(row["reason"]), icon=":material/priority_high:")
    st.caption(
        f"Score {row['score']} = " + fmt.plain(" ".join(f"{p:+d} {t}" for p, t in row["parts"]))
    )
    if row["step"] and row["step_done"]:
        st.caption(f"Policy step {fmt.plain(row['step'])}: done")
    items = client_open_items(db(), row["client_id"], as_of)
    fmt.show(
        items,
        [
            ("invoice_no", "Invoice", "text"),
            ("due_date", "Due", "date"),
            ("days_past_due", "Days late", "int"),
            ("outstanding", "Outstanding", "money"),
            ("disputed", "Disputed", "flag"),
        ],
        empty="No open invoices.",
        key=f"card-items-{row['client_id']}",
    )
    _recent(row["client_id"])
    return items


def _recent(client_id: int) -> None:
    recent = list(
        db().query(
            "SELECT contacted_on, channel, outcome, note, created_by FROM follow_ups"
            " WHERE client_id = ? ORDER BY id DESC LIMIT 3",
            [client_id],
        )
    )
    for f in recent:
        st.text(
            f"{fmt.day(f['contacted_on'])} · {CHANNELS[f['channel']]} · "
            f"{OUTCOMES[f['outcome']]} · {f['created_by']}"
            + (f": {f['note'][:120]}" if f["note"] else "")
        )


def reassign_panel(me: Actor, rows: list[dict]) -> None:
    """The lead moves clients to another collector."""
    if not me.can("assign_work"):
        return
    users = [u[0] for u in db().execute("SELECT username FROM users WHERE active = 1")]
    labels = {r["client_id"]: f"{r['client_code']} {r['name']}" for r in rows}
    with st.expander("Reassign clients", icon=":material/swap_horiz:"):
        chosen = st.multiselect("Clients", list(labels), format_func=labels.get, key="re-c")
        owner = st.selectbox("New owner", users, key="re-o")
        if st.button("Reassign", disabled=not chosen, key="re-go"):
            try:
                done = wl.assign_owner(db(), me, chosen, owner)
            except FollowUpError as exc:
                st.error(str(exc))
            else:
                st.session_state["kaishu_flash_log"] = f"{done} client(s) now with {owner}."
                st.rerun()
