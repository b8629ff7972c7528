"""Per-run context for pages: the database connection, the signed-in actor, page guards.

A sqlite3 connection must stay on the thread that opened it, and Streamlit runs each script
run on its own thread, so connections are kept per thread (and per database path). The actor
is re-read from the database on every run, so a role change or deactivation bites at once.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import streamlit as st
from sqlite_utils import Database

from lib.auth import ROLE_LABELS, Actor
from lib.db import connect, db_path

TEAM_ZONE = ZoneInfo("Asia/Kolkata")
_local = threading.local()


def db() -> Database:
    """This thread's connection to the configured database, opened (and migrated) once."""
    path = str(db_path())
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    if path not in conns:
        conns[path] = connect(path)
    return conns[path]


def today() -> date:
    """Today in Mumbai: the date pages pass to lib as ``as_of``."""
    return datetime.now(TEAM_ZONE).date()


def set_actor(actor: Actor) -> None:
    """Record who is signed in for this run (called by the sign-in gate only)."""
    st.session_state["kaishu_actor"] = actor


def actor() -> Actor:
    """The signed-in user of this run; stops the page if nobody is."""
    current = st.session_state.get("kaishu_actor")
    if not isinstance(current, Actor):
        st.warning("Please sign in.")
        st.stop()
    return current


def guard(permission: str, what: str) -> Actor:
    """Stop the page with a clear refusal unless the signed-in role may ``permission``.

    Pages call this first, so a page opened by its URL refuses just as the menu hides it.
    """
    current = actor()
    if not current.can(permission):
        role = ROLE_LABELS.get(current.role, current.role)
        st.error(f"{role}s can't open {what}. Ask the lead if you need it.", icon=":material/lock:")
        st.stop()
    return current
