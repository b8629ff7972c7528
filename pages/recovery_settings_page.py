"""Recovery settings (lead): interest, payment deadlines, letterhead, signatory, attachment
limit, and the wording of recovery notices and demand letters in English and Japanese."""

import pandas as pd
import streamlit as st

from lib.recovery import LETTER_KINDS, RecoveryError
from lib.recovery import lettertext as lt
from lib.recovery import settings as rs
from lib.ui import format as fmt
from lib.ui.context import db, guard

me = guard("settings", "the recovery settings")
st.title("Recovery settings")
details_tab, wording_tab = st.tabs(["Letters and interest", "Letter wording"])

with details_tab:
    now = rs.load(db())
    st.caption(
        "Our company name and the bank details per currency are set on Reminder policy → "
        "Our details; letters use the same."
    )
    with st.form("recovery-settings"):
        a, b, c = st.columns(3)
        rate = a.number_input(
            "Interest, % a year (0 = none)",
            0.0,
            100.0,
            now.interest_rate_bp / 100,
            step=0.25,
            format="%.2f",
            help="Simple interest on each overdue amount: outstanding × rate × days late ÷ 365.",
        )
        notice = b.number_input("A recovery notice gives … days to pay", 1, 90, now.notice_days)
        demand = c.number_input("A demand letter gives … days to pay", 1, 90, now.demand_days)
        letterhead = st.text_area(
            "Letterhead address lines",
            now.letterhead,
            height=90,
            placeholder="Nariman Point, Mumbai 400021\n+91 22 5555 0100 · ar@example.com",
        )
        x, y, z = st.columns(3)
        name = x.text_input("Signatory", now.signatory_name, placeholder="e.g. Asha Rao")
        title = y.text_input(
            "Signatory's title", now.signatory_title, placeholder="Head of Collections"
        )
        limit = z.number_input(
            "Largest attachment (MB)", 1, rs.MAX_ATTACHMENT_MB, now.attachment_limit_mb
        )
        if st.form_submit_button("Save", type="primary"):
            new = rs.RecoverySettings(
                interest_rate_bp=round(rate * 100),
                notice_days=int(notice),
                demand_days=int(demand),
                letterhead=letterhead,
                signatory_name=name,
                signatory_title=title,
                attachment_limit_mb=int(limit),
            )
            try:
                changed = rs.save(db(), me, new)
            except RecoveryError as exc:
                st.error(f"Not saved: {fmt.plain(exc)}.")
            else:
                st.success(f"Saved {changed} change(s).")

with wording_tab:
    a, b = st.columns([3, 1])
    kind = a.radio("Letter", list(LETTER_KINDS), format_func=LETTER_KINDS.get, horizontal=True)
    language = b.radio(
        "Language", list(lt.LANGUAGES), format_func=lt.LANGUAGES.get, horizontal=True
    )
    current = lt.template(db(), kind, language)
    st.caption(
        "Edited by you."
        if current["custom"]
        else "Kaishu's default wording (edit it to make it yours)."
    )
    key = f"lt-{kind}-{language}"
    subject = st.text_input("Subject", current["subject"], key=f"{key}-s")
    body = st.text_area(
        "Body (a blank line starts a new paragraph)", current["body"], height=360, key=f"{key}-b"
    )
    with st.expander("Merge fields"):
        st.table(
            pd.DataFrame(
                [{"Field": "{{ " + k + " }}", "What": v} for k, v in lt.MERGE_FIELDS.items()]
            )
        )
    try:
        title, paragraphs = lt.render(subject, body, lt.sample_fields(language), language)
    except RecoveryError as exc:
        st.error(str(exc))
    else:
        st.caption(
            "Preview with a made-up client (the invoice table, totals, bank details and "
            "signature follow in the real letter)"
        )
        st.code(title + "\n\n" + "\n\n".join(paragraphs), language=None, wrap_lines=True)
    x, y, _ = st.columns([1, 1, 3])
    if x.button("Save wording", type="primary", key=f"{key}-save"):
        try:
            lt.save_template(db(), me, kind, language, subject, body)
        except RecoveryError as exc:
            st.error(f"Not saved: {fmt.plain(exc)}.")
        else:
            st.success("Wording saved: new letters use it.")
    if current["custom"] and y.button("Back to the default", key=f"{key}-reset"):
        lt.reset_template(db(), me, kind, language)
        for part in ("s", "b"):
            st.session_state.pop(f"{key}-{part}", None)
        st.rerun()
