"""The case page's Letters tab: choose a recovery notice or a demand letter, see it exactly as
it will be issued (text and table on the page, and a draft PDF), issue it, and download the
letters already issued."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from lib.auth import Actor, PermissionDenied
from lib.recovery import LETTER_KINDS, STAGES, RecoveryError
from lib.recovery import attachments as att
from lib.recovery import letters as lt
from lib.recovery.letter_pdf import render_pdf
from lib.recovery.lettertext import LANGUAGES
from lib.recovery.settings import load as recovery_settings
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.feedback import done, refuse
from lib.ui.format import plain


def letters_tab(case: dict, me: Actor, as_of: date) -> None:
    """Draw the Letters tab."""
    if me.can("recovery") and not case["closed_on"]:
        _draft(case, me, as_of)
    _issued(case)


def _draft(case: dict, me: Actor, as_of: date) -> None:
    a, b, c = st.columns([2, 1, 1])
    kind = a.radio(
        "Letter",
        list(LETTER_KINDS),
        format_func=LETTER_KINDS.get,
        horizontal=True,
        index=1 if case["stage"] != "pre_legal_notice" else 0,
        key="rc-l-kind",
    )
    languages = list(LANGUAGES)
    language = b.radio(
        "Language",
        languages,
        format_func=LANGUAGES.get,
        horizontal=True,
        index=languages.index(case["client_language"]),
        key="rc-l-lang",
    )
    days = recovery_settings(db()).pay_days(kind)
    pay_by = c.date_input(
        "Pay by",
        value=as_of + timedelta(days=days),
        min_value=as_of,
        format="DD/MM/YYYY",
        key=f"rc-l-payby-{kind}",
    )
    try:
        draft = lt.draft(db(), me, case["id"], kind, language, as_of, pay_by)
    except RecoveryError as exc:
        refuse(exc)
        return
    for problem in draft.problems:
        st.warning(f"Cannot issue yet: {problem}.", icon=":material/warning:")
    for caution in draft.cautions:
        st.info(caution[0].upper() + caution[1:] + ".", icon=":material/info:")
    _preview(draft.content)
    x, y, z = st.columns([2, 2, 3], vertical_alignment="center")
    content = draft.content
    x.download_button(
        "Download the draft PDF",
        lambda: render_pdf(content, draft=True),  # made on the click: embedding the font is slow
        file_name=f"DRAFT-{draft.letter_no.replace('/', '_')}.pdf",
        mime="application/pdf",
        key="rc-l-draft",
        icon=":material/picture_as_pdf:",
    )
    target = lt.offers_move(case, kind)
    move = bool(target) and z.checkbox(
        f"and move the case to {STAGES[target]}", value=True, key="rc-l-move"
    )
    if y.button(
        f"Issue {draft.letter_no}", type="primary", key="rc-l-issue", disabled=bool(draft.problems)
    ):
        try:
            lt.issue(db(), me, case["id"], kind, language, as_of, pay_by, move_stage=move)
        except (RecoveryError, PermissionDenied) as exc:
            refuse(exc)
        else:
            done(
                f"{LETTER_KINDS[kind]} {draft.letter_no} issued and stored with the case"
                + (f"; the case is now at {STAGES[target]}" if move else "")
                + "."
            )


def _money_table(headings: list[str], rows: list[list[str]], right_from: int) -> None:
    config = {h: st.column_config.TextColumn(h, alignment="right") for h in headings[right_from:]}
    st.dataframe(pd.DataFrame(rows, columns=headings), hide_index=True, column_config=config)


def _preview(content: dict) -> None:
    """The letter drawn with Streamlit, from the same content as the PDF."""
    with st.container(border=True):
        st.markdown(f"#### {plain(content['company'])}")
        if content["letterhead"]:
            st.caption("  \n".join(plain(x) for x in content["letterhead"]))
        left, right = st.columns([3, 2])
        left.markdown("  \n".join(plain(x) for x in content["addressee"]))
        right.markdown(f"{plain(content['date'])}  \n{plain(content['reference'])}")
        st.markdown(f"**{plain(content['subject'])}**")
        for text in content["paragraphs"]:
            st.markdown(plain(text))
        if content["language"] == "ja":
            st.markdown("記")
        _money_table(content["headings"], content["rows"], content["right_from"])
        _money_table(
            content["totals_headings"], content["totals_rows"], content["totals_right_from"]
        )
        if content["interest_note"]:
            st.caption(plain(content["interest_note"]))
        st.markdown(f"**{plain(content['pay_by_line'])}**")
        st.markdown(
            f"{plain(content['bank_heading'])}  \n"
            + "  \n".join(plain(b).replace("\n", "  \n") for b in content["banks"])
        )
        st.markdown(
            "  \n".join(
                plain(x)
                for x in ([content["closing"]] if content["closing"] else []) + content["signatory"]
            )
        )


def _issued(case: dict) -> None:
    issued = lt.case_letters(db(), case["id"])
    st.markdown(f"**Letters issued ({len(issued)})**")
    rows = [
        {
            **x,
            "kind_label": LETTER_KINDS[x["kind"]],
            "language_label": LANGUAGES[x["language"]],
            "total": " + ".join(fmt.money(t["total"], c) for c, t in sorted(x["totals"].items())),
        }
        for x in issued
    ]
    fmt.show(
        rows,
        [
            ("letter_no", "Letter", "text"),
            ("kind_label", "Kind", "text"),
            ("language_label", "Language", "text"),
            ("issued_on", "Issued", "date"),
            ("pay_by", "Pay by", "date"),
            ("total", "Total due", "text"),
            ("issued_by", "By", "text"),
        ],
        empty="No letter issued yet.",
        key="rc-letters",
    )
    if not issued:
        return
    labels = {x["id"]: x["letter_no"] for x in issued}
    a, b, c = st.columns([2, 1, 1], vertical_alignment="bottom")
    chosen = next(
        x
        for x in issued
        if x["id"] == a.selectbox("Letter", list(labels), format_func=labels.get, key="rc-l-pick")
    )
    for col, key, label in ((b, "pdf_id", "PDF"), (c, "docx_id", "Word (.docx)")):
        try:
            row, data = att.read(db(), chosen[key])
        except RecoveryError as exc:
            col.error(str(exc))
            continue
        col.download_button(
            f"Download {label}",
            data,
            file_name=row["file_name"],
            mime=row["media_type"],
            key=f"rc-l-dl-{key}",
        )
