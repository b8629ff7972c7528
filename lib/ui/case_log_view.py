"""The case page's Log tab: add an entry with files (collectors, the lead, and the intern the
case is assigned to), the whole case timeline, and the attachments to download."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib.auth import Actor, PermissionDenied
from lib.recovery import EVENT_KINDS, RecoveryError, caselog
from lib.recovery import attachments as att
from lib.recovery.settings import load as recovery_settings
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.feedback import done, refuse

TIMELINE_COLUMNS = [
    ("date", "Date", "date"),
    ("kind", "What", "text"),
    ("who", "By", "text"),
    ("what", "Details", "text"),
]
EXTENSIONS = sorted({e.lstrip(".") for e in att.MEDIA_TYPES})


def log_tab(case: dict, me: Actor, as_of: date) -> None:
    """Draw the Log tab."""
    if caselog.may_log(me, case):
        _entry_form(case, me, as_of)
    elif me.role == "intern":
        st.caption(
            "You can add to the log of cases assigned to you; this one is with "
            f"{case['assignee'] or 'nobody'}."
        )
    items = caselog.timeline(db(), case["id"])
    height = "auto" if len(items) <= 12 else 440
    fmt.show(items, TIMELINE_COLUMNS, empty="Nothing logged yet.", key="rc-timeline", height=height)
    _attachments(case)


def _entry_form(case: dict, me: Actor, as_of: date) -> None:
    limit = recovery_settings(db()).attachment_limit_mb
    with st.container(border=True):
        st.markdown("**Add to the log**")
        a, b = st.columns([2, 1])
        kind = a.radio(
            "What happened",
            list(caselog.LOGGABLE_KINDS),
            index=1,
            format_func=EVENT_KINDS.get,
            horizontal=True,
            key="rc-log-kind",
        )
        on = b.date_input("On", value=as_of, max_value=as_of, format="DD/MM/YYYY", key="rc-log-on")
        note = st.text_area(
            "Note",
            key="rc-log-note",
            height=80,
            placeholder="What was said or done, and what happens next",
        )
        files = st.file_uploader(
            f"Attach files (PDF, images, emails, Word, Excel; up to {limit} MB each)",
            type=EXTENSIONS,
            accept_multiple_files=True,
            key=f"rc-log-files-{st.session_state.get('rc-log-n', 0)}",
            max_upload_size=limit,
        )
        if not st.button("Add to the log", key="rc-log-go", type="primary"):
            return
        uploads = [att.Upload(f.name, f.getvalue()) for f in files or []]
        try:
            caselog.add_event(
                db(), me, case["id"], kind or "note", note, on or as_of, as_of, uploads
            )
        except (RecoveryError, PermissionDenied) as exc:
            refuse(exc)
            return
        for key in ("rc-log-note",):
            st.session_state.pop(key, None)
        st.session_state["rc-log-n"] = st.session_state.get("rc-log-n", 0) + 1  # a fresh uploader
        done(
            f"Logged: {EVENT_KINDS[kind or 'note']}"
            + (f" with {len(uploads)} file(s)" if uploads else "")
            + "."
        )


def _attachments(case: dict) -> None:
    files = att.case_attachments(db(), case["id"])
    if not files:
        return
    st.markdown(f"**Attachments ({len(files)})**")
    labels = {
        f["id"]: f"{f['file_name']} · {f['size'] / 1024:,.0f} KB · {f['origin']} · "
        f"{f['uploaded_by']} {fmt.day(f['uploaded_at'])}"
        for f in files
    }
    a, b = st.columns([4, 1], vertical_alignment="bottom")
    chosen = a.selectbox("File", list(labels), format_func=labels.get, key="rc-att-pick")
    try:
        row, data = att.read(db(), chosen)
    except RecoveryError as exc:
        st.error(f"{fmt.plain(exc)}. Tell the lead: the file store needs checking.")
        return
    b.download_button(
        "Download", data, file_name=row["file_name"], mime=row["media_type"], key="rc-att-dl"
    )
    st.caption(f"SHA-256 {row['sha256']}")
