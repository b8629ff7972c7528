"""Kaishu 回収: the router. Page config, the sign-in gate, and navigation by role."""

import streamlit as st

from lib.ui.errors import run_page
from lib.ui.gate import signed_in
from lib.ui.nav import navigation, pages_folder_mode, restart_in_navigation_mode

st.set_page_config(page_title="Kaishu 回収", page_icon="💴", layout="wide")
legacy = pages_folder_mode()
actor = signed_in()  # draws first-run set-up or the sign-in form while nobody is signed in
page = st.navigation(navigation(actor), position="sidebar" if actor else "hidden", expanded=True)
if legacy:
    restart_in_navigation_mode()
if actor:
    run_page(page)
