"""Today: who to chase next and why, the quick log form, and requests waiting for me."""

import streamlit as st

from lib.demo.load import is_empty
from lib.followups.worklist import worklist
from lib.money import format_money
from lib.ui import format as fmt
from lib.ui.context import db, guard, today
from lib.ui.log_form import quick_log
from lib.ui.recovery_today import propose_link, today_panel
from lib.ui.worklist_view import (
    LIST_COLUMNS,
    client_card,
    filters,
    pick_current,
    reassign_panel,
    requests_panel,
)

me = guard("view", "Today")
as_of = today()
st.title("Today")
if is_empty(db()):
    st.info(
        "The ledger is empty, so nobody is waiting for a call yet. Start on Home: upload the "
        "client master and the invoice ledger, or load the demo ledger.",
        icon=":material/upload_file:",
    )
    st.page_link("pages/home_page.py", label="Go to Home", icon=":material/home:")
    st.stop()
flash = st.session_state.pop("kaishu_flash_log", None)
requests_panel(me, as_of)
today_panel(me, as_of)
chosen = filters(me)
rows = worklist(db(), as_of, chosen)
done = sum(r["done_today"] for r in rows)
st.caption(
    f"{len(rows):,} clients with overdue money · {done:,} contacted today · as of "
    f"{fmt.day(as_of)} · click a row to work on that client"
)
if not rows:
    st.info("Nobody to chase with these filters. Clear a filter, or enjoy the quiet day.")
    st.stop()

with st.container(border=True):
    if flash:
        st.success(flash, icon=":material/check_circle:")
    current = pick_current(rows)
    about, form = st.columns(2, gap="large")
    with about:
        items = client_card(current, as_of)
    with form:
        if me.can("log_follow_up") and quick_log(
            current["client_id"], current["name"], items, me, as_of, key="today"
        ):
            st.session_state.pop("today_pick", None)  # the next client comes up
            st.session_state.pop("worklist", None)  # and the old row selection goes
            st.rerun()
        a, b = st.columns(2)
        if a.button("Skip for now", key="skip", help="Come back to this client later today"):
            st.session_state.setdefault("today_skipped", set()).add(current["client_id"])
            st.session_state.pop("today_pick", None)
            st.session_state.pop("worklist", None)
            st.rerun()
        b.page_link(
            "pages/clients_page.py",
            label="Open the client page",
            icon=":material/open_in_new:",
            query_params={"client": current["client_code"]},
        )
        propose_link(current, me)

st.subheader("The list")
shown = [{**r, "name": ("✓ " if r["done_today"] else "") + r["name"]} for r in rows]
height = "auto" if len(rows) <= 12 else 460
picked = fmt.show(shown, LIST_COLUMNS, empty="", key="worklist", height=height, select=True)
if picked is not None and rows[picked]["client_id"] != st.session_state.get("today_pick"):
    st.session_state["today_pick"] = rows[picked]["client_id"]
    st.rerun()
totals: dict[str, int] = {}
for r in rows:
    totals[r["currency"]] = totals.get(r["currency"], 0) + r["overdue"]
st.caption(
    "Overdue on this list: " + " · ".join(format_money(v, c) for c, v in sorted(totals.items()))
)
reassign_panel(me, rows)
