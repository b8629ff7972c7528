"""One recovery case: its header and money, the stage bar with the move and close forms, and
the tabs for the log, letters, settlement, write-offs, invoices and particulars."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib.auth import Actor, PermissionDenied
from lib.recovery import (
    CLOSED_STAGES,
    OPEN_STAGES,
    PRIORITIES,
    STAGES,
    RecoveryError,
    casefile,
    cases,
    details,
    stages,
)
from lib.recovery.amounts import case_money
from lib.recovery.settings import load as recovery_settings
from lib.recovery.settlements import case_settlements
from lib.ui import format as fmt
from lib.ui.case_details_view import invoices_tab, particulars_tab
from lib.ui.case_letters_view import letters_tab
from lib.ui.case_log_view import log_tab
from lib.ui.case_settlement_view import settlement_tab
from lib.ui.case_writeoff_view import write_off_tab
from lib.ui.context import db
from lib.ui.feedback import done, flash, refuse
from lib.ui.format import plain

TAB_KEY = "rc-tab"
OUTCOMES = {
    "closed_recovered": "Recovered: nothing left at stake",
    "closed_partly_recovered": "Partly recovered: the rest was written off",
    "written_off": "Written off: write off what remains (lead)",
}


def show_case(case_no: str, me: Actor, as_of: date) -> None:
    """Draw the case page for ``case_no``."""
    case = cases.get_case(db(), case_no)
    if case is None:
        st.error(
            f"No recovery case {plain(case_no)}. Check the number, or pick the case from the list."
        )
        return
    if st.button("← All cases", key="rc-back"):
        del st.query_params["case"]
        st.rerun()
    rate = recovery_settings(db()).interest_rate_bp
    money = case_money(db(), case["id"], as_of, rate)
    settlements = case_settlements(db(), case["id"], as_of)
    _header(case, money, rate, settlements, as_of)
    flash()
    _stage_bar(case)
    _stage_forms(case, me, as_of)
    _case_file(case, me, as_of)
    # Keyed and lazy: the tab chosen survives reruns (a saved entry, a flash message), and
    # only the open tab runs, so the letter preview is drawn only when Letters is open.
    sections = {
        "Log": lambda: log_tab(case, me, as_of),
        "Letters": lambda: letters_tab(case, me, as_of),
        "Settlement": lambda: settlement_tab(case, money, settlements, me, as_of),
        "Write-off": lambda: write_off_tab(case, money, me, as_of),
        "Invoices": lambda: invoices_tab(case, money, me, as_of),
        "Particulars": lambda: particulars_tab(case, me, as_of),
    }
    tabs = st.tabs(list(sections), key=TAB_KEY, on_change="rerun")
    for tab, draw in zip(tabs, sections.values(), strict=True):
        with tab:
            if tab.open:
                draw()


def _header(case: dict, money, rate: int, settlements: list[dict], as_of: date) -> None:
    st.title(f"{case['case_no']} · {plain(case['client_name'])}")
    tags = ", ".join(details.tags_of(case))
    st.caption(
        " · ".join(
            x
            for x in (
                case["client_code"],
                f"opened {fmt.day(case['opened_on'])} by {case['created_by']}",
                f"assignee {plain(case['assignee']) or '—'}",
                f"priority {PRIORITIES[case['priority']].lower()}",
                f"tags {plain(tags)}" if tags else "",
            )
            if x
        )
    )
    st.page_link(
        "pages/clients_page.py",
        label="Open the client page",
        icon=":material/open_in_new:",
        query_params={"client": case["client_code"]},
    )
    missed = sum(s["missed"] for s in settlements)
    if missed and not case["closed_on"]:
        st.warning(
            f"{missed} settlement instalment(s) missed: call the client, or cancel the "
            "settlement as defaulted.",
            icon=":material/flag:",
        )
    if case["next_deadline_on"] and not case["closed_on"]:
        when = fmt.day(case["next_deadline_on"])
        what = plain(case["next_deadline_note"] or "Next deadline")
        if case["next_deadline_on"] < as_of.isoformat():
            st.warning(
                f"{what} was on {when}: record what happened and set the next date.",
                icon=":material/event_busy:",
            )
        else:
            st.info(f"{what}: {when}", icon=":material/event:")
    for cur, f in sorted(money.by_currency.items()):
        a, b, c, d = st.columns(4)
        a.metric(
            f"At stake ({cur})",
            fmt.money(f.at_stake, cur),
            help=f"{f.open_invoices} of {f.invoices} invoices still open",
        )
        b.metric(
            "Recovered since opening",
            fmt.money(f.recovered, cur),
            help=f"of {fmt.money(f.at_open, cur)} when the invoices joined the case",
        )
        c.metric("Written off", fmt.money(f.written_off, cur))
        if rate:
            d.metric(
                "Interest accrued", fmt.money(f.interest, cur), help="at the lead's rate, to today"
            )
    if not money.by_currency:
        st.info("The case has no invoices left.")


def _stage_bar(case: dict) -> None:
    """The road, with where the case is on it."""
    moves = stages.history(db(), case["id"])
    reached = {s["stage"] for s in moves}
    skipped = {x for s in moves for x in s["skipped"]} - reached
    road = list(OPEN_STAGES) + [case["stage"] if case["stage"] in CLOSED_STAGES else "closed"]
    cols = st.columns(len(road))
    for col, stage in zip(cols, road, strict=True):
        label = STAGES.get(stage, "Closed")
        if stage == case["stage"]:
            col.markdown(f"**:blue[● {label}]**")
        elif stage in reached:
            col.markdown(f":green[✓ {label}]")
        elif stage in skipped:
            col.markdown(f":gray[⤼ {label} (skipped)]")
        else:
            col.markdown(f":gray[○ {label}]")


def _stage_forms(case: dict, me: Actor, as_of: date) -> None:
    if not me.can("recovery"):
        return
    if case["closed_on"]:
        if not me.can("manage_cases"):
            return
        with st.expander("Reopen the case", icon=":material/restart_alt:"):
            why = st.text_input("Why", key="rc-reopen-why", placeholder="e.g. the cheque bounced")
            if st.button("Reopen", key="rc-reopen-go"):
                try:
                    at = stages.reopen(db(), me, case["id"], why, as_of)
                except (RecoveryError, PermissionDenied) as exc:
                    refuse(exc)
                else:
                    done(f"Case reopened at {STAGES[at]}.")
        return
    with st.expander("Move or close the case", icon=":material/swap_horiz:"):
        left, right = st.columns(2, gap="large")
        with left:
            _move_form(case, me, as_of)
        with right:
            _close_form(case, me, as_of)


def _move_form(case: dict, me: Actor, as_of: date) -> None:
    moves = stages.allowed_moves(case, me)
    st.markdown("**Move to another stage**")
    if not moves:
        st.caption("The case is in settlement: cancel the settlement to move it back.")
        return
    here = OPEN_STAGES.index(case["stage"])
    labels = {s: STAGES[s] + (" (back)" if OPEN_STAGES.index(s) < here else "") for s in moves}
    to = st.selectbox("Move to", moves, format_func=labels.get, key="rc-move-to")
    why = st.text_input("Why", key="rc-move-why", placeholder="e.g. no reply to the notice")
    if not me.can("manage_cases"):
        st.caption("Collectors move one step forward or back; the lead may skip stages.")
    if st.button("Move", key="rc-move-go", type="primary"):
        try:
            skipped = stages.move(db(), me, case["id"], to, why, as_of)
        except (RecoveryError, PermissionDenied) as exc:
            refuse(exc)
        else:
            extra = f" (skipped {', '.join(STAGES[s] for s in skipped)})" if skipped else ""
            done(f"Moved to {STAGES[to]}{extra}.")


def _close_form(case: dict, me: Actor, as_of: date) -> None:
    st.markdown("**Close the case**")
    outcomes = [o for o in OUTCOMES if o != "written_off" or me.can("write_off")]
    outcome = st.selectbox("How it ends", outcomes, format_func=OUTCOMES.get, key="rc-close-how")
    problem = stages.closing_problem(db(), case, outcome, as_of)
    if problem:
        st.caption(f"Not yet: {problem}.")
    why = st.text_input(
        "Closing note", key="rc-close-why", placeholder="e.g. paid in full on 12/07"
    )
    ref = ""
    if outcome == "written_off":
        ref = st.text_input(
            "Approval reference", key="rc-close-ref", placeholder="e.g. CFO mail 14/07"
        )
    if st.button("Close the case", key="rc-close-go", disabled=bool(problem)):
        try:
            stages.close(db(), me, case["id"], outcome, why, as_of, ref)
        except (RecoveryError, PermissionDenied) as exc:
            refuse(exc)
        else:
            done(f"Case closed: {STAGES[outcome]}.")


def _case_file(case: dict, me: Actor, as_of: date) -> None:
    """The case file for legal or the auditors, made on request (it renders every page)."""
    if not me.can("recovery"):
        return
    key = f"rc-file-{case['id']}"
    with st.expander("Case file for legal or auditors", icon=":material/folder_zip:"):
        st.caption(
            "One PDF (cover, stage history, log, letters issued, settlement, receipts, "
            "write-offs) with the attachments and a manifest of their SHA-256 hashes, as a zip."
        )
        if st.button("Prepare the case file", key=f"{key}-go"):
            try:
                st.session_state[key] = casefile.case_file_zip(db(), me, case["id"], as_of)
            except (RecoveryError, PermissionDenied) as exc:
                refuse(exc)
        if data := st.session_state.get(key):
            st.download_button(
                f"Download {case['case_no']}-case-file.zip ({len(data) / 1024:,.0f} KB)",
                data,
                file_name=f"{case['case_no']}-case-file-{as_of.isoformat()}.zip",
                mime="application/zip",
                key=f"{key}-dl",
            )
