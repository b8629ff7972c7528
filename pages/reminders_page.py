"""Reminders: one email per client for the step due today, previewed, confirmed, sent once."""

import streamlit as st

from lib import clients
from lib.followups.compose import due_reminders
from lib.followups.settings import load as load_settings
from lib.followups.worklist import Filters
from lib.money import CURRENCIES
from lib.ui import format as fmt
from lib.ui.context import db, guard, today
from lib.ui.mail import smtp_config
from lib.ui.reminders_view import (
    confirm_and_send,
    policy_steps,
    preview_one,
    preview_table,
    results,
    retry_panel,
    step_options,
)
from lib.ui.worklist_view import EVERYONE, query_choice

me = guard("send_email", "Reminders")
as_of = today()
config = smtp_config()
st.title("Reminders")
if config:
    st.caption(f"Sending through {config.describe()} · as of {fmt.day(as_of)}")
else:
    st.info(
        "No SMTP server is configured, so Kaishu prepares .eml files for you to send from your "
        "mail program. The lead can add an [smtp] section to .streamlit/secrets.toml.",
        icon=":material/mail:",
    )

steps = step_options(policy_steps())
a, b, c, d = st.columns(4)
with a:
    owner = query_choice(
        "Owner", "owner", [EVERYONE, *clients.owners(db())], EVERYONE, {EVERYONE: "Everyone"}
    )
with b:
    segment = query_choice("Segment", "segment", ["", *clients.SEGMENTS], "", {"": "All"})
with c:
    currency = query_choice("Currency", "currency", ["", *CURRENCIES], "", {"": "All"})
with d:
    step = query_choice("Step", "step", ["", *steps], "", {"": "Every email step", **steps})
chosen_filters = Filters("" if owner == EVERYONE else owner, segment, currency)
grace = load_settings(db()).grace_days
drafts = due_reminders(db(), as_of, chosen_filters, step, grace)

if outcomes := st.session_state.pop("rem-outcomes", None):
    results(outcomes)
if not drafts:
    st.info("No reminder is due for these filters today.")
else:
    st.caption(
        f"{len(drafts):,} clients have an email step due. Disputed invoices are left out; "
        "clients who promised to pay on a later date are unticked."
    )
    chosen = preview_table(drafts)
    preview_one(drafts, me, as_of)
    done = confirm_and_send(chosen, me, as_of, config)
    if done is not None:
        st.session_state["rem-outcomes"] = done
        st.session_state.pop("rem-table", None)
        st.rerun()
retried = retry_panel(me, as_of, config)
if retried is not None:
    st.session_state["rem-outcomes"] = retried
    st.rerun()
