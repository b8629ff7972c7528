"""Meeting: the weekly meeting on the projector. Key numbers against last week and last
month, the charts by topic, and the MIS workbook for Tokyo."""

import streamlit as st

from lib.ui import meeting_view as view
from lib.ui.context import guard, today

me = guard("view", "the Meeting view")
st.title("Weekly meeting")
as_of, buckets, size, period = view.controls(today())
data = view.figures(as_of, buckets)
if not data["keys"]:
    st.info(
        "Nothing to show yet: no invoices were open on this day. Import the ledger on the "
        "Upload page, or choose a later date.",
        icon=":material/co_present:",
    )
    st.stop()
view.key_numbers(data)
view.mis_button(as_of, buckets)
aging, cash, team, recovery = st.tabs(["Aging", "Cash and DSO", "Promises and team", "Recovery"])
with aging:
    view.aging_tab(data, as_of, buckets, size)
with cash:
    view.cash_tab(data, size)
with team:
    view.team_tab(data, as_of, period, size)
with recovery:
    view.recovery_tab(data, size)
st.page_link(
    "pages/forecast_page.py",
    label="Expected collections for the next 8 weeks",
    icon=":material/trending_up:",
)
