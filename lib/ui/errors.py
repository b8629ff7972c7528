"""The last guard around every page: an error becomes a plain message that says what
happened and what to do, never a traceback; the details go to data/logs/app.log.

Streamlit's own stop and rerun signals derive from BaseException and pass through untouched.
"""

from __future__ import annotations

import logging
import sqlite3
import traceback
from pathlib import Path

import streamlit as st

from lib.auth import PermissionDenied
from lib.db import db_path


def _log(exc: BaseException) -> None:
    try:
        folder = db_path().parent / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(Path(folder) / "app.log", encoding="utf-8")
        logger = logging.getLogger("kaishu.app")
        if not logger.handlers:
            logger.addHandler(handler)
        logger.error("".join(traceback.format_exception(exc)))
    except OSError:
        pass  # a full or read-only disk must not hide the message from the user


def explain(exc: Exception) -> str:
    """What to tell the user about an error, in the team's words."""
    text = str(exc).lower()
    if isinstance(exc, PermissionDenied):
        return f"Not allowed: {exc}."
    if isinstance(exc, sqlite3.OperationalError) and "full" in text:
        return (
            "The disk is full, so nothing was saved. Ask IT to free space, then try "
            "again; your last change was not applied."
        )
    if isinstance(exc, sqlite3.OperationalError) and "readonly" in text.replace("-", ""):
        return (
            "The database is read-only right now (a backup or a permissions problem), "
            "so nothing was saved. Ask IT to check data/kaishu.db, then try again."
        )
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return "Kaishu is busy with other people's changes. Nothing was saved; try again."
    return (
        "Something went wrong and nothing was saved. Try again; if it keeps happening, "
        "tell the lead what you were doing (the details are in data/logs/app.log)."
    )


def run_page(page: st.Page) -> None:
    """Run the selected page, turning any error into a clear message."""
    try:
        page.run()
    except Exception as exc:  # the last guard: everything is logged and explained
        _log(exc)
        st.error(explain(exc), icon=":material/error:")
