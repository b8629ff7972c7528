"""Reminder policy (lead only): the escalation steps, their email templates, bank details."""

import pandas as pd
import streamlit as st

from lib.followups import STEP_CHANNELS, FollowUpError
from lib.followups import policy as pol
from lib.followups import templates as tpl
from lib.followups.settings import FollowUpSettings, load, save
from lib.money import CURRENCIES
from lib.ui import format as fmt
from lib.ui.context import db, guard

me = guard("settings", "the reminder policy")
st.title("Reminder policy")
steps_tab, templates_tab, settings_tab = st.tabs(["Steps", "Email templates", "Our details"])

with steps_tab:
    st.caption(
        "Steps are keyed to the days past due of a client's oldest open undisputed invoice "
        "(negative: before the due date). The worklist shows the step due; email steps are "
        "sent from the Reminders page. Removing a row switches the step off."
    )
    current = pol.steps(db())
    frame = pd.DataFrame(
        [
            {"id": s["id"], "Name": s["name"], "Days": s["days"], "Channel": s["channel"]}
            for s in current
        ],
        columns=["id", "Name", "Days", "Channel"],
    )
    edited = st.data_editor(
        frame,
        key="steps",
        hide_index=True,
        num_rows="dynamic",
        column_config={
            "id": None,
            "Days": st.column_config.NumberColumn("Days past due", min_value=-60, step=1),
            "Channel": st.column_config.SelectboxColumn(
                "Channel", options=list(STEP_CHANNELS), required=True
            ),
        },
    )
    if st.button("Save steps", type="primary"):
        rows = [
            {
                "id": int(r["id"]) if pd.notna(r["id"]) else None,
                "name": str(r["Name"] or ""),
                "days": int(r["Days"]) if pd.notna(r["Days"]) else None,
                "channel": r["Channel"],
            }
            for _, r in edited.iterrows()
        ]
        try:
            changed = pol.save_steps(db(), me, rows)
        except FollowUpError as exc:
            st.error(f"Not saved: {fmt.plain(exc)}.")
        else:
            st.success(f"Saved {changed} change(s).")

with templates_tab:
    email_steps = [s for s in pol.steps(db()) if s["channel"] == "email"]
    if not email_steps:
        st.info("No email step is active.")
    else:
        a, b = st.columns([3, 1])
        step = a.selectbox(
            "Step", email_steps, format_func=lambda s: f"{s['name']} ({s['days']:+d} days)"
        )
        language = b.radio(
            "Language",
            ["en", "ja"],
            format_func={"en": "English", "ja": "日本語"}.get,
            horizontal=True,
        )
        found = pol.template(db(), step["id"], language) or {"subject": "", "body": ""}
        key = f"tpl-{step['id']}-{language}"
        subject = st.text_input("Subject", found["subject"], key=f"{key}-s")
        body = st.text_area("Body", found["body"], height=420, key=f"{key}-b")
        with st.expander("Merge fields"):
            st.table(
                pd.DataFrame(
                    [{"Field": "{{ " + k + " }}", "What": v} for k, v in tpl.MERGE_FIELDS.items()]
                )
            )
        try:
            sample = tpl.render(subject, body, tpl.sample_context(language))
        except FollowUpError as exc:
            st.error(str(exc))
        else:
            st.caption("Preview with a made-up client")
            st.code(f"Subject: {sample.subject}\n\n{sample.text}", language=None, wrap_lines=True)
        if st.button("Save template", type="primary"):
            try:
                pol.save_template(db(), me, step["id"], language, subject, body)
            except FollowUpError as exc:
                st.error(f"Not saved: {fmt.plain(exc)}.")
            else:
                st.success("Template saved.")

with settings_tab:
    now = load(db())
    with st.form("followup-settings"):
        company = st.text_input("Our company name (signs the reminders)", now.company_name)
        grace = st.number_input(
            "Grace days before a promise counts as broken",
            0,
            30,
            now.grace_days,
            help="Bank transfers and statement imports take a day or two.",
        )
        banks = {
            cur: st.text_area(f"Bank details for {cur} payments", now.bank_text(cur), height=90)
            for cur in CURRENCIES
        }
        if st.form_submit_button("Save", type="primary"):
            try:
                changed = save(db(), me, FollowUpSettings(int(grace), company, banks))
            except FollowUpError as exc:
                st.error(f"Not saved: {fmt.plain(exc)}.")
            else:
                st.success(f"Saved {changed} change(s).")
