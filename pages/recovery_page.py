"""Recovery: the cases with their filters, the lead's board and approvals; one case with
?case=RC-2026-0001, or a new case for a client with ?open=CLIENTCODE."""

import streamlit as st

from lib.recovery import board
from lib.ui.case_view import show_case
from lib.ui.context import db, guard, today
from lib.ui.feedback import flash
from lib.ui.recovery_view import (
    approvals_panel,
    board_panel,
    case_list,
    filters,
    open_form,
    start_by_hand,
)

me = guard("view", "Recovery cases")
as_of = today()

if case_no := st.query_params.get("case"):
    show_case(case_no, me, as_of)
    st.stop()
if client_code := st.query_params.get("open"):
    open_form(me, client_code, as_of)
    st.stop()

st.title("Recovery cases")
flash()
if me.can("write_off"):
    with st.expander("Board", expanded=True, icon=":material/dashboard:"):
        board_panel(as_of)
    approvals_panel()
chosen = filters()
rows = board.list_cases(db(), as_of, chosen)
st.caption(
    f"{len(rows):,} case(s) · money as of today · ⚑ a settlement instalment was missed · "
    "click a row to open the case"
)
case_list(rows)
start_by_hand(me, as_of)
