"""Recovery where people already are: the cases needing me on Today, Today's "Open a
recovery case" when the policy proposes one, and the client page's Recovery tab."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib.auth import Actor
from lib.recovery import board as bd
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.format import plain
from lib.ui.recovery_view import PAGE


def today_panel(me: Actor, as_of: date) -> None:
    """My open cases with a deadline or hearing within a week (or passed), or a missed
    settlement instalment; nothing when there are none."""
    found = bd.needs_me(db(), me.username, as_of)
    if not found:
        return
    flagged = sum(1 for r in found if r["missed"])
    title = (
        f"Recovery cases needing you ({len(found)}"
        + (f", {flagged} flagged" if flagged else "")
        + ")"
    )
    with st.expander(title, expanded=True, icon=":material/gavel:"):
        for r in found[:12]:
            a, b = st.columns([5, 1], vertical_alignment="center")
            mark = ":red[⚑] " if r["missed"] else ""
            a.markdown(
                f"{mark}**{r['case_no']}** · {plain(r['client_name'])} · {r['stage_label']} · "
                f"{plain(r['why'])}"
            )
            b.page_link(
                PAGE,
                label="Open",
                icon=":material/open_in_new:",
                query_params={"case": r["case_no"]},
            )


def propose_link(row: dict, me: Actor) -> None:
    """On Today's card: open a recovery case when the client's due step is the policy's
    recovery step (collectors and the lead)."""
    if row.get("step_channel") != "recovery" or not me.can("recovery"):
        return
    st.page_link(
        PAGE,
        label="Open a recovery case",
        icon=":material/gavel:",
        query_params={"open": row["client_code"]},
        help=f"Policy step due: {row['step']}. The client then leaves the ordinary worklist.",
    )


def client_cases_tab(client: dict, me: Actor, as_of: date) -> None:
    """The client page's Recovery tab: the client's cases, each a link."""
    found = [
        r
        for r in bd.list_cases(db(), as_of, bd.CaseFilters(state="all"))
        if r["client_id"] == client["id"]
    ]
    if not found:
        st.info("No recovery case for this client.")
    for r in found:
        a, b = st.columns([5, 1], vertical_alignment="center")
        state = (
            f"closed {fmt.day(r['closed_on'])}"
            if r["closed_on"]
            else f"at stake {r['at_stake_text']}"
        )
        a.markdown(
            f"**{r['case_no']}** · {r['stage_label']} · {state} · "
            f"assignee {plain(r['assignee']) or '—'}"
            + (" · :red[missed instalment]" if r["missed"] else "")
        )
        b.page_link(
            PAGE, label="Open", icon=":material/open_in_new:", query_params={"case": r["case_no"]}
        )
    if me.can("recovery"):
        st.page_link(
            PAGE,
            label="Open a recovery case for this client",
            icon=":material/gavel:",
            query_params={"open": client["client_code"]},
        )
