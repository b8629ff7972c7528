"""The pieces of the Reminders page: who gets what, one email previewed, the confirmed send,
the result per client, and the unsent emails to retry."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lib.auth import Actor
from lib.followups import policy as pol
from lib.followups.compose import Draft, render_draft, sender_for
from lib.followups.mailer import Outcome, SmtpConfig
from lib.followups.sending import deliver, eml_zip, send_reminders, unsent
from lib.followups.settings import load as load_settings
from lib.money import format_money
from lib.ui import format as fmt
from lib.ui.context import db

SEND = "Send"
LANGUAGES = {"en": "English", "ja": "日本語"}
STATUS_LABELS = {
    "sent": "Sent",
    "prepared": "Prepared (.eml)",
    "failed": "Failed",
    "already sent": "Already sent today",
    "sending elsewhere": "Being sent by someone else",
    "skipped": "Not sent",
}


def step_options(db_steps: list[dict]) -> dict[str, str]:
    """Email steps for the step filter: code → name."""
    return {s["code"]: s["name"] for s in db_steps if s["channel"] == "email"}


def preview_table(drafts: list[Draft]) -> list[Draft]:
    """Who gets what, with a Send tick per client; returns the ticked drafts."""
    frame = pd.DataFrame(
        [
            {
                SEND: not (d.problem or d.hold or d.sent_on),
                "Client": f"{d.client['client_code']} {d.client['name']}",
                "To": ", ".join(d.to) or "—",
                "Step": d.step["name"],
                "Language": LANGUAGES.get(d.client["language"], d.client["language"]),
                "Invoices": len(d.items),
                "Amount": " + ".join(format_money(v, c) for c, v in sorted(d.totals.items())),
                "Note": d.problem or ("sent today" if d.sent_on else d.hold),
            }
            for d in drafts
        ]
    )
    edited = st.data_editor(
        frame,
        key="rem-table",
        hide_index=True,
        disabled=[c for c in frame.columns if c != SEND],
        column_config={SEND: st.column_config.CheckboxColumn(SEND, width="small")},
        height=min(420, 38 + 35 * len(frame)),
    )
    return [
        d
        for d, tick in zip(drafts, edited[SEND], strict=True)
        if tick and not d.problem and not d.sent_on
    ]


def preview_one(drafts: list[Draft], me: Actor, as_of: date) -> None:
    """Show exactly what one client would receive."""
    ready = [d for d in drafts if not d.problem]
    if not ready:
        return
    labels = {
        d.client["client_code"]: f"{d.client['client_code']} {d.client['name']}" for d in ready
    }
    code = st.selectbox("Preview the email to", list(labels), format_func=labels.get)
    draft = next(d for d in ready if d.client["client_code"] == code)
    sample = Draft(draft.client, draft.step, draft.items, draft.to)
    me_sender = {"name": me.name or me.username, "email": ""}
    settings = load_settings(db())
    render_draft(db(), sample, as_of, settings, sender_for(db(), draft.client, me_sender))
    if sample.problem:
        st.warning(sample.problem)
        return
    missing = [c for c in sorted(sample.totals) if not settings.bank_text(c)]
    if missing:
        st.warning(
            f"No bank details for {', '.join(missing)} payments yet: the email shows “-” where "
            "they go. The lead adds them on the Reminder policy page, under Our details."
        )
    with st.container(border=True):
        st.markdown(f"**To:** {fmt.plain(', '.join(sample.to))}")
        st.text(f"Subject: {sample.subject}")
        st.code(sample.text, language=None, wrap_lines=True)
        st.download_button(
            f"Attachment: {sample.attachment_name}",
            sample.attachment,
            file_name=sample.attachment_name,
            icon=":material/attach_file:",
            key="rem-attachment",
        )


def confirm_and_send(
    chosen: list[Draft], me: Actor, as_of: date, config: SmtpConfig | None
) -> list[Outcome] | None:
    """The send button, then a confirmation naming how many clients get an email."""
    verb = "Send" if config else "Prepare"
    what = f"{len(chosen)} reminder{'s' if len(chosen) != 1 else ''}"
    if st.button(f"{verb} {what}", type="primary", disabled=not chosen, key="rem-send"):
        st.session_state["rem-confirm"] = [d.client["client_code"] for d in chosen]
    wanted = st.session_state.get("rem-confirm")
    if not wanted:
        return None
    picked = [d for d in chosen if d.client["client_code"] in wanted]
    how = f"by email through {config.host}" if config else "as .eml files to download"
    st.warning(f"{verb} {len(picked)} reminder(s) now, {how}? Each client gets one email.")
    a, b, _ = st.columns([1, 1, 4])
    if b.button("Cancel", key="rem-cancel"):
        st.session_state.pop("rem-confirm", None)
        st.rerun()
    if not a.button(f"Yes, {verb.lower()} now", type="primary", key="rem-yes"):
        return None
    st.session_state.pop("rem-confirm", None)
    with st.spinner(f"{verb.removesuffix('e')}ing {len(picked)} reminder(s)…"):
        return send_reminders(db(), me, picked, as_of, config)


def results(outcomes: list[Outcome]) -> None:
    """One line per client: sent, failed with the reason, already sent, not sent."""
    sent = sum(o.status in ("sent", "prepared") for o in outcomes)
    failed = sum(o.status == "failed" for o in outcomes)
    (st.warning if failed else st.success)(
        f"{sent} sent or prepared, {failed} failed, {len(outcomes) - sent - failed} unchanged."
    )
    fmt.show(
        [{**o.__dict__, "status": STATUS_LABELS.get(o.status, o.status)} for o in outcomes],
        [
            ("client_code", "Code", "text"),
            ("client_name", "Client", "text"),
            ("to", "To", "text"),
            ("status", "Result", "text"),
            ("error", "Reason", "text"),
        ],
        empty="",
        key="rem-results",
    )
    prepared = [o.email_id for o in outcomes if o.status == "prepared" and o.email_id]
    if prepared:
        st.download_button(
            f"Download {len(prepared)} .eml file(s) (.zip)",
            eml_zip(db(), prepared),
            file_name="reminders.zip",
            icon=":material/download:",
            key="rem-zip",
        )


def retry_panel(me: Actor, as_of: date, config: SmtpConfig | None) -> list[Outcome] | None:
    """Emails stored but not sent; failed ones can be sent again, exactly as stored."""
    waiting = unsent(db())
    if not waiting:
        return None
    st.subheader("Not sent yet")
    fmt.show(
        waiting,
        [
            ("prepared_on", "Prepared", "date"),
            ("client_code", "Code", "text"),
            ("client_name", "Client", "text"),
            ("to_addrs", "To", "text"),
            ("status", "Status", "text"),
            ("attempts", "Attempts", "int"),
            ("last_error", "Last error", "text"),
        ],
        empty="",
        key="rem-unsent",
    )
    failed = [w["id"] for w in waiting if w["status"] in ("failed", "pending")]
    stuck = [w["id"] for w in waiting if w["status"] == "sending"]
    if failed and st.button(f"Retry {len(failed)} unsent", key="rem-retry", disabled=not config):
        return deliver(db(), me, failed, config, as_of)
    if stuck:
        st.caption(
            "An email marked “sending” was interrupted: check the Sent folder before retrying it."
        )
        if st.button(f"Retry {len(stuck)} interrupted", key="rem-stuck", disabled=not config):
            return deliver(db(), me, stuck, config, as_of, interrupted=True)
    return None


def policy_steps() -> list[dict]:
    """The active steps (for the step filter)."""
    return pol.steps(db())
