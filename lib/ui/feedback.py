"""After a write: remember what was done, rerun so every table shows it, and say it once at
the top of the next run; or say, in the team's words, why a write was refused."""

from __future__ import annotations

import streamlit as st

from lib.ui.format import plain

_KEY = "kaishu_done"


def flash() -> None:
    """Show the message a write left before its rerun."""
    if message := st.session_state.pop(_KEY, None):
        st.success(message, icon=":material/check_circle:")


def done(message: str) -> None:
    """Remember a success message and rerun."""
    st.session_state[_KEY] = message
    st.rerun()


def refuse(exc: Exception) -> None:
    """Say why a write was refused, in the team's words."""
    st.error(f"Not saved: {plain(str(exc))}.", icon=":material/block:")
