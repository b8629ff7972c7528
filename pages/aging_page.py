"""Aging: open balances as of any day, by bucket, grouped as the lead asks; click a bar or a
row to see the invoices behind it and go on to the client."""

import streamlit as st

from lib.ui import aging_view as view
from lib.ui.context import guard, today

me = guard("view", "Aging")
st.title("Aging")
chosen = view.controls(today())
view.caption(chosen)
table = view.load(chosen)
if not table:
    st.info(
        "Nothing was open on this day with these filters. Choose another date or clear a "
        "filter; if the ledger is empty, start on the Upload page.",
        icon=":material/event_busy:",
    )
    st.stop()
view.per_currency(chosen, table)
view.group_table(chosen, table)
view.drill_down(chosen, table)
view.downloads(chosen, table)
