"""The case page's Invoices and Particulars tabs: the invoices with their money (add or take
out with a reason), and who works the case, counsel, the next deadline, priority and tags."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib.auth import Actor, PermissionDenied
from lib.recovery import PRIORITIES, RecoveryError, cases, details
from lib.recovery import board as bd
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.feedback import done, refuse
from lib.ui.format import plain


def invoices_tab(case: dict, money, me: Actor, as_of: date) -> None:
    now = {x["invoice_id"]: x for x in money.lines}
    rows = []
    for r in cases.case_invoice_rows(db(), case["id"]):
        line = now.get(r["invoice_id"], {})
        rows.append(
            {
                **r,
                **line,
                "state": (
                    f"removed {fmt.day(r['removed_on'])}: {r['removal_reason']}"
                    if r["removed_on"]
                    else "in the case"
                ),
            }
        )
    fmt.show(
        rows,
        [
            ("invoice_no", "Invoice", "text"),
            ("due_date", "Due", "date"),
            ("amount", "Amount", "money"),
            ("outstanding_at_open", "At opening", "money"),
            ("outstanding", "At stake", "money"),
            ("written_off", "Written off", "money"),
            ("days_past_due", "Days late", "int"),
            ("interest", "Interest", "money"),
            ("state", "State", "text"),
        ],
        empty="No invoices.",
        key="rc-invoices",
    )
    if not me.can("recovery") or case["closed_on"]:
        return
    a, b = st.columns(2, gap="large")
    with a, st.expander("Add invoices", icon=":material/add:"):
        found = cases.proposal(db(), case["client_id"], as_of)["items"]
        labels = {
            i["invoice_id"]: f"{i['invoice_no']} · {fmt.money(i['outstanding'], i['currency'])}"
            for i in found
        }
        chosen = st.multiselect("Invoices", list(labels), format_func=labels.get, key="rc-add-inv")
        why = st.text_input("Why", key="rc-add-why")
        if st.button("Add to the case", key="rc-add-go", disabled=not chosen):
            try:
                count = cases.add_invoices(db(), me, case["id"], chosen, why, as_of)
            except (RecoveryError, PermissionDenied) as exc:
                refuse(exc)
            else:
                done(f"{count} invoice(s) added.")
    with b, st.expander("Take an invoice out", icon=":material/remove:"):
        inside = {x["invoice_id"]: x["invoice_no"] for x in money.lines}
        chosen = st.selectbox("Invoice", list(inside), format_func=inside.get, key="rc-rm-inv")
        why = st.text_input("Why", key="rc-rm-why", placeholder="e.g. disputed: back to follow-up")
        if st.button("Take it out", key="rc-rm-go", disabled=chosen is None):
            try:
                cases.remove_invoice(db(), me, case["id"], chosen, why, as_of)
            except (RecoveryError, PermissionDenied) as exc:
                refuse(exc)
            else:
                done(f"{plain(inside[chosen])} taken out of the case.")


def particulars_tab(case: dict, me: Actor, as_of: date) -> None:
    editable = me.can("recovery")
    people = bd.assignees(db())
    if case["assignee"] and case["assignee"] not in people:
        people.insert(0, case["assignee"])  # kept until someone reassigns the case
    a, b = st.columns(2)
    values = {
        "assignee": a.selectbox(
            "Assignee",
            people,
            index=people.index(case["assignee"]) if case["assignee"] in people else 0,
            format_func=lambda u: (
                u if details.active_user(db(), u) else f"{u} (not an active user)"
            ),
            key="rc-d-who",
            disabled=not editable,
        ),
        "priority": b.selectbox(
            "Priority",
            list(PRIORITIES),
            index=list(PRIORITIES).index(case["priority"]),
            format_func=PRIORITIES.get,
            key="rc-d-pri",
            disabled=not editable,
        ),
        "tags": [
            t
            for t in a.text_input(
                "Tags (comma-separated)",
                ", ".join(details.tags_of(case)),
                key="rc-d-tags",
                disabled=not editable,
            ).split(",")
        ],
        "next_deadline_on": b.date_input(
            "Next deadline or hearing",
            value=date.fromisoformat(case["next_deadline_on"])
            if case["next_deadline_on"]
            else None,
            format="DD/MM/YYYY",
            key="rc-d-due",
            disabled=not editable,
        ),
        "next_deadline_note": a.text_input(
            "What is due then",
            case["next_deadline_note"] or "",
            placeholder="e.g. hearing, City Civil Court",
            key="rc-d-note",
            disabled=not editable,
        ),
        "counsel_name": b.text_input(
            "Legal counsel", case["counsel_name"] or "", key="rc-d-cn", disabled=not editable
        ),
        "counsel_firm": a.text_input(
            "Law firm", case["counsel_firm"] or "", key="rc-d-cf", disabled=not editable
        ),
        "counsel_email": b.text_input(
            "Counsel's email", case["counsel_email"] or "", key="rc-d-ce", disabled=not editable
        ),
        "counsel_phone": a.text_input(
            "Counsel's phone", case["counsel_phone"] or "", key="rc-d-cp", disabled=not editable
        ),
    }
    values["next_deadline_on"] = values["next_deadline_on"] or None
    if values["assignee"] == case["assignee"]:
        del values["assignee"]  # unchanged: even a former colleague's name stays as it was
    if not editable:
        st.caption("Interns see the particulars; a collector or the lead changes them.")
        return
    if st.button("Save particulars", key="rc-d-save", type="primary"):
        try:
            changed = details.update_details(db(), me, case["id"], values)
        except (RecoveryError, PermissionDenied) as exc:
            refuse(exc)
        else:
            done(f"Saved {changed} change(s)." if changed else "Nothing changed.")
    st.caption(f"Reason opened: {plain(case['reason'])}")
