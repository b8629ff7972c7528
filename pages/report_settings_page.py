"""Report settings (the lead's): aging buckets, the reporting currency, monthly collection
targets and exchange rates."""

import streamlit as st

from lib.ui import report_settings_view as view
from lib.ui.context import guard, today

me = guard("settings", "Report settings")
st.title("Report settings")
buckets, targets, rates = st.tabs(["Aging buckets", "Collection targets", "Exchange rates"])
with buckets:
    view.buckets(me)
    view.reporting(me)
with targets:
    view.targets(me, today())
with rates:
    view.rates(me, today())
