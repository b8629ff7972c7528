"""Bad-debt report (lead): what was written off in a period, on whose approval, and what has
been recovered since; as a table and as Excel or CSV."""

from datetime import date

import streamlit as st

from lib.recovery import baddebt
from lib.ui import format as fmt
from lib.ui.context import db, guard, today

me = guard("write_off", "the bad-debt report")
as_of = today()
st.title("Bad-debt report")
start_of_year = date(as_of.year if as_of.month >= 4 else as_of.year - 1, 4, 1)
a, b, c = st.columns([1, 1, 2])
start = a.date_input("From", value=start_of_year, format="DD/MM/YYYY", key="bd-from")
end = b.date_input("To", value=as_of, format="DD/MM/YYYY", key="bd-to")
client = c.text_input("Client code", placeholder="all clients", key="bd-client")
if not start or not end or end < start:
    st.error("Choose a period whose end is not before its start.")
    st.stop()
rows = baddebt.bad_debts(db(), start, end, as_of, client)
st.caption(
    f"Write-offs effective {fmt.day(start)} to {fmt.day(end)} (financial year from 1 April); "
    f"recoveries up to {fmt.day(as_of)}; reversed write-offs are left out."
)
for cur, t in baddebt.totals(rows).items():
    x, y, z = st.columns(3)
    x.metric(f"Written off ({cur})", fmt.money(t["written_off"], cur))
    y.metric(f"Recovered since ({cur})", fmt.money(t["recovered"], cur))
    z.metric(f"Net bad debt ({cur})", fmt.money(t["net"], cur))
shown = [
    {
        **r,
        "client": f"{r['client_code']} {r['client_name']}",
        "approval": f"{r['approved_by']} · {r['approval_ref'] or '—'}",
    }
    for r in rows
]
fmt.show(
    shown,
    [
        ("effective_date", "Written off on", "date"),
        ("client", "Client", "text"),
        ("invoice_no", "Invoice", "text"),
        ("written_off", "Written off", "money"),
        ("recovered", "Recovered since", "money"),
        ("net", "Net", "money"),
        ("case_no", "Case", "text"),
        ("approval", "Approved by · ref", "text"),
        ("reason", "Reason", "text"),
    ],
    empty="Nothing was written off in this period.",
    key="bd-table",
)
if rows:
    name = f"bad-debt-{start.isoformat()}-{end.isoformat()}"
    x, y, _ = st.columns([1, 1, 3])
    x.download_button(
        "Download (.xlsx)",
        baddebt.report_bytes(rows, "xlsx", start, end),
        file_name=f"{name}.xlsx",
        key="bd-xlsx",
    )
    y.download_button(
        "Download (.csv)", baddebt.report_bytes(rows, "csv", start, end), file_name=f"{name}.csv"
    )
