"""Expected collections: what the open book should bring in over the next 8 weeks, and how
an earlier forecast compares with what came."""

import streamlit as st

from lib.ui import forecast_view as view
from lib.ui.context import guard, today

me = guard("view", "Expected collections")
st.title("Expected collections")
as_of, currency, back = view.controls(today())
rows = view.ahead(as_of, currency)
view.by_whom(rows, as_of)
view.against_actuals(as_of, currency, back)
