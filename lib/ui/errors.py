"""The last guard around every page: an error becomes a plain message that says what
happened and what to do, never a traceback; the details go to data/logs/app.log.

Streamlit's own stop and rerun signals derive from BaseException and pass through untouched.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import streamlit as st

from lib.db import db_path
from lib.errors import explain


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


def run_page(page: st.Page) -> None:
    """Run the selected page, turning any error into a clear message."""
    try:
        page.run()
    except Exception as exc:  # the last guard: everything is logged and explained
        _log(exc)
        st.error(explain(exc), icon=":material/error:")
