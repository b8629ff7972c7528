"""Undo an import, on the Upload page: pick one of your recent imports, see what would be
reversed (or what stands in the way), say why, and undo it."""

from __future__ import annotations

import streamlit as st

from lib.auth import Actor, PermissionDenied
from lib.importing.undo import UndoRefused, undo_import, undo_plan, undoable_imports
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.feedback import done, refuse


def undo_panel(me: Actor) -> None:
    """The "Undo an import" expander (collectors see their own imports, the lead everyone's)."""
    choices = undoable_imports(db(), me)
    with st.expander("Undo an import (wrong file, account, currency or date order)"):
        if not choices:
            st.caption("No import of yours can be undone: none added rows that are still live.")
            return
        pick = st.selectbox(
            "Import",
            choices,
            format_func=lambda p: (
                f"#{p['id']} {p['file_name']} · {p['kind']} · "
                f"{p['imported']:,} added by {p['username']} on {fmt.day(p['finished_at'])}"
            ),
            key="undo-pick",
        )
        plan = undo_plan(db(), me, pick["id"])
        if not plan.possible:
            st.warning(
                f"Cannot be undone: {fmt.plain(plan.headline())}."
                + "".join(f"\n- {fmt.plain(b)}" for b in plan.details()),
                icon=":material/block:",
            )
            return
        st.write(
            f"Undoing reverses {plan.summary()}. Nothing is deleted: each row keeps the reason "
            "and the audit log says who did it. The corrected file can then be imported."
        )
        reason = st.text_input("Why?", placeholder="e.g. INR statement imported as JPY",
                               key=f"undo-reason-{pick['id']}")  # fmt: skip
        if st.button(f"Undo import #{pick['id']}", key=f"undo-{pick['id']}",
                     icon=":material/undo:"):  # fmt: skip
            try:
                plan = undo_import(db(), me, pick["id"], reason)
            except (UndoRefused, PermissionDenied) as exc:
                refuse(exc)
                return
            done(f"Import #{pick['id']} undone: {plan.summary()} reversed.")
