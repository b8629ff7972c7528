"""Matching: auto-match receipts, review suggestions, clear suspense, match by hand."""

import streamlit as st

from lib.matching import auto_match
from lib.matching import queries as mq
from lib.ui import matching_view as view
from lib.ui.context import db, guard, today

SECTIONS = {
    "review": "Review queue",
    "suspense": "Suspense",
    "account": "On account",
    "manual": "Match by hand",
    "matched": "Matched",
    "aliases": "Payer aliases",
    "rules": "Deduction rules",
}

me = guard("view", "Matching")
as_of = today()
st.title("Matching")
waiting, lost, kept = mq.review_queue(db()), mq.suspense(db(), as_of), mq.on_account(db(), as_of)
a, b, c, d = st.columns([1, 1, 1, 1.3])
a.metric("Suggestions to review", f"{len(waiting):,}")
b.metric("In suspense", f"{len(lost):,}")
c.metric("On account", f"{len(kept):,}")
with d:
    if me.can("match") and st.button("Run auto-match", type="primary", width="stretch"):
        bar = st.progress(0.0, text="Starting")
        summary = auto_match(db(), me, as_of, progress=lambda f, m: bar.progress(f, text=m))
        bar.empty()
        st.session_state["matching_note"] = (
            f"Auto-match: {summary.applied:,} applied, {summary.suggested:,} to review, "
            f"{summary.suspense:,} in suspense (of {summary.receipts:,} receipts)."
        )
        st.rerun()
    elif not me.can("match"):
        st.caption("Interns can look; collectors and the lead match.")
if note := st.session_state.pop("matching_note", None):
    st.success(note)

section = (
    st.segmented_control(
        "Show",
        list(SECTIONS),
        format_func=SECTIONS.get,
        default=st.query_params.get("section", "review"),
        key="matching_section",
    )
    or "review"
)
st.query_params["section"] = section
if section == "review":
    view.review_queue(me)
elif section == "suspense":
    view.suspense(me, as_of)
elif section == "account":
    view.on_account(as_of)
elif section == "manual":
    receipt = st.query_params.get("receipt")
    view.manual(me, as_of, int(receipt) if receipt and receipt.isdigit() else None)
elif section == "matched":
    view.matched(me)
elif section == "aliases":
    view.aliases(me, as_of)
else:
    view.rules(me)
