"""Audit log (lead only): who did what, when, with the row before and after."""

from datetime import timedelta

import streamlit as st

from lib import audit
from lib.exports import Column, write_csv, write_xlsx
from lib.ui import format as fmt
from lib.ui.context import db, guard, today

me = guard("audit", "the audit log")
st.title("Audit log")
choices = audit.facets(db())
a, b, c, d = st.columns(4)
username = a.selectbox("User", ["All", *choices["users"]])
table = b.selectbox("Table", ["All", *choices["tables"]])
client = c.text_input("Client code")
period = d.date_input("Dates", value=(today() - timedelta(days=30), today()), format="DD/MM/YYYY")
bounds = (
    fmt.utc_bounds(period[0], period[-1]) if isinstance(period, tuple) and period else (None, None)
)
entries = audit.search(
    db(),
    me,
    None if username == "All" else username,
    None if table == "All" else table,
    client.strip() or None,
    *bounds,
)
st.caption(f"{len(entries):,} entries (newest first, at most 5,000)")
columns = [
    ("at", "When", "date"),
    ("username", "Who", "text"),
    ("source", "From", "text"),
    ("action", "What", "text"),
    ("table_name", "Table", "text"),
    ("row_id", "Row", "int"),
    ("client_code", "Client", "text"),
    ("change", "Change", "text"),
]
shown = [{**e, "change": audit.describe(e["before"], e["after"])} for e in entries]
fmt.show(shown, columns, height=600, empty="No entries for these filters.")
if entries:
    export = [
        Column("at", "at"),
        Column("username", "user"),
        Column("source", "source"),
        Column("action", "action"),
        Column("table_name", "table"),
        Column("row_id", "row", "int"),
        Column("client_code", "client"),
        Column("before", "before", width=50),
        Column("after", "after", width=50),
    ]
    x, y = st.columns(2)
    x.download_button(
        "Download (.xlsx)",
        write_xlsx(entries, export, title="Audit log"),
        file_name=f"audit-{today().isoformat()}.xlsx",
    )
    y.download_button(
        "Download (.csv)", write_csv(entries, export), file_name=f"audit-{today().isoformat()}.csv"
    )
