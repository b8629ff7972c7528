"""The client page: master data (editable by collectors and the lead), invoices, receipts
and the statement of account with its running balance."""

from __future__ import annotations

from datetime import date

import streamlit as st

from lib import clients
from lib.auth import Actor
from lib.exports import Column, write_xlsx
from lib.money import CURRENCIES
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.recovery_today import client_cases_tab
from lib.ui.timeline_view import follow_ups_tab

KIND_LABELS = {
    "opening": "Opening",
    "invoice": "Invoice",
    "receipt": "Payment",
    "deduction": "Deduction",
    "write-off": "Write-off",
    "recovery": "Write-off recovered",
}
STATEMENT_COLUMNS = [
    ("date", "Date", "date"),
    ("kind", "Type", "text"),
    ("reference", "Reference", "text"),
    ("description", "Description", "text"),
    ("debit", "Debit", "money"),
    ("credit", "Credit", "money"),
    ("balance", "Balance", "money"),
]


def show_client(client: dict, me: Actor, as_of: date) -> None:
    """Draw one client's page."""
    st.title(fmt.plain(client["name"]))
    st.caption(
        " · ".join(
            x
            for x in [
                client["client_code"],
                client["name_kana"] or "",
                client["segment"],
                f"owner {client['owner'] or '—'}",
            ]
            if x
        )
    )
    if client["parent_code"]:
        st.write(
            f"Head office: {fmt.plain(client['parent_code'])} {fmt.plain(client['parent_name'])}"
        )
    if client["children"]:
        st.write(
            "Branches / franchisees: "
            + ", ".join(f"{c['client_code']} {c['name']}" for c in client["children"])
        )
    invoices = clients.client_invoices(db(), client["id"], as_of)
    open_items = [i for i in invoices if i["outstanding"] > 0]
    _metrics(open_items)
    tabs = st.tabs(
        ["Follow-ups", "Statement of account", "Invoices", "Receipts", "Recovery", "Master data"]
    )
    with tabs[0]:
        follow_ups_tab(client, me, as_of)
    with tabs[1]:
        _statement(client, as_of)
    with tabs[2]:
        fmt.show(
            invoices,
            [
                ("invoice_no", "Invoice", "text"),
                ("invoice_date", "Date", "date"),
                ("due_date", "Due", "date"),
                ("amount", "Amount", "money"),
                ("outstanding", "Outstanding", "money"),
                ("days_past_due", "Days late", "int"),
                ("disputed", "Disputed", "flag"),
                ("dispute_reason", "Dispute reason", "text"),
                ("sent_date", "Sent on", "date"),
                ("sent_channel", "Sent via", "text"),
            ],
            empty="No invoices for this client yet.",
        )
    with tabs[3]:
        fmt.show(
            clients.client_receipts(db(), client["id"]),
            [
                ("value_date", "Date", "date"),
                ("reference", "Reference", "text"),
                ("payer_name", "Payer", "text"),
                ("memo", "Memo", "text"),
                ("amount", "Amount", "money"),
                ("applied", "Applied", "money"),
                ("channel", "Channel", "text"),
            ],
            empty="No receipts identified for this client yet.",
        )
    with tabs[4]:
        client_cases_tab(client, me, as_of)
    with tabs[5]:
        _master(client, me)


def _metrics(open_items: list[dict]) -> None:
    per_currency: dict[str, list[int]] = {}
    for item in open_items:
        totals = per_currency.setdefault(item["currency"], [0, 0])
        totals[0] += item["outstanding"]
        totals[1] += item["outstanding"] if item["days_past_due"] > 0 else 0
    if not per_currency:
        st.success("Nothing outstanding.")
    for cur, (outstanding, overdue) in per_currency.items():
        a, b, c = st.columns(3)
        a.metric(f"Outstanding ({cur})", fmt.money(outstanding, cur))
        b.metric(f"Overdue ({cur})", fmt.money(overdue, cur))
        c.metric("Open invoices", f"{sum(i['currency'] == cur for i in open_items):,}")


def _statement(client: dict, as_of: date) -> None:
    start = st.columns(4)[0].date_input(
        "From", value=date(as_of.year - 1, as_of.month, 1), format="DD/MM/YYYY"
    )
    statement = clients.statement_of_account(db(), client["id"], as_of, start)
    if not statement:
        st.info("No invoices or payments yet.")
    for cur, lines in statement.items():
        st.markdown(f"**{cur}** · closing balance {fmt.money(lines[-1]['balance'], cur)}")
        shown = [
            {
                **line,
                "kind": KIND_LABELS.get(line["kind"], line["kind"]),
                "debit": line["debit"] or None,
                "credit": line["credit"] or None,
            }
            for line in lines
        ]
        fmt.show(shown, STATEMENT_COLUMNS, empty="")
        st.download_button(
            f"Download statement {cur} (.xlsx)",
            write_xlsx(
                lines,
                [
                    Column("date", "Date"),
                    Column("kind", "Type"),
                    Column("reference", "Reference"),
                    Column("description", "Description", width=36),
                    Column("debit", "Debit", "money"),
                    Column("credit", "Credit", "money"),
                    Column("balance", "Balance", "money"),
                ],
                title="Statement",
            ),
            file_name=f"statement-{client['client_code']}-{cur}-{as_of.isoformat()}.xlsx",
            key=f"soa-{cur}",
        )


def _master(client: dict, me: Actor) -> None:
    editable = me.can("edit_clients")
    with st.form("master"):
        a, b = st.columns(2)
        values = {
            "name": a.text_input("Name", client["name"]),
            "name_kana": b.text_input("Kana reading", client["name_kana"] or ""),
            "segment": a.selectbox(
                "Segment", clients.SEGMENTS, index=clients.SEGMENTS.index(client["segment"])
            ),
            "owner": b.text_input("Owner (username)", client["owner"] or ""),
            "contact_name": a.text_input(
                "Contact person",
                client.get("contact_name") or "",
                placeholder="e.g. 経理部 田中 / Mr Rao",
            ),
            "email": b.text_input("Email", client["email"] or ""),
            "phone": a.text_input("Phone", client["phone"] or ""),
            "currency": b.selectbox(
                "Currency",
                list(CURRENCIES),
                index=list(CURRENCIES).index(client["currency"] or "JPY"),
            ),
            "terms_days": a.number_input(
                "Payment terms (days)", 0, 366, int(client["terms_days"] or 0)
            ),
            "language": b.selectbox(
                "Letters and reminders in",
                ["en", "ja"],
                index=["en", "ja"].index(client["language"]),
            ),
            "address": a.text_area("Address", client["address"] or ""),
        }
        saved = st.form_submit_button("Save changes", disabled=not editable, type="primary")
    if not editable:
        st.caption("Interns can view master data; a collector or the lead can change it.")
    if saved:
        try:
            changed = clients.update_client(db(), me, client["id"], values)
        except clients.ClientError as exc:
            st.error(f"Not saved: {fmt.plain(exc)}.")
        else:
            st.success(f"Saved {changed} change(s)." if changed else "Nothing changed.")
            if changed:
                st.rerun()
