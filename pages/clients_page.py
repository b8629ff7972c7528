"""Clients: find a client, then see its master data, invoices, receipts and statement."""

import streamlit as st

from lib import clients
from lib.exports import Column, write_xlsx
from lib.ui import format as fmt
from lib.ui.client_view import show_client
from lib.ui.context import db, guard, today

me = guard("view", "Clients")
as_of = today()
code = st.query_params.get("client")

if code:
    client = clients.get_client(db(), code)
    if client is None:
        st.error(f"No client with code {fmt.plain(code)}.")
    else:
        if st.button("← All clients"):
            del st.query_params["client"]
            st.rerun()
        show_client(client, me, as_of)
    st.stop()

st.title("Clients")
a, b, c, d, e = st.columns([3, 1, 1, 1, 1])
text = a.text_input("Search", placeholder="code, name, カナ or email")
segment = b.selectbox("Segment", ["All", *clients.SEGMENTS])
owner = c.selectbox("Owner", ["All", *clients.owners(db())])
currency = d.selectbox("Currency", ["All", "JPY", "INR", "USD"])
overdue = e.toggle("Overdue only")
found = clients.find_clients(
    db(),
    as_of,
    text,
    None if segment == "All" else segment,
    None if owner == "All" else owner,
    None if currency == "All" else currency,
    overdue,
)
st.caption(f"{len(found):,} clients · balances as of {fmt.day(as_of)} · click a row to open it")
columns = [
    ("client_code", "Code", "text"),
    ("name", "Name", "text"),
    ("name_kana", "Kana", "text"),
    ("segment", "Segment", "text"),
    ("owner", "Owner", "text"),
    ("currency", "Cur.", "text"),
    ("outstanding", "Outstanding", "money"),
    ("overdue", "Overdue", "money"),
    ("oldest_days", "Oldest (days late)", "int"),
    ("parent_code", "Head office", "text"),
]
picked = fmt.show(
    found,
    columns,
    key="client_list",
    height=560,
    select=True,
    empty="No client matches. Clear the filters, or import a client master on the Upload page.",
)
if picked is not None:
    st.query_params["client"] = found[picked]["client_code"]
    st.rerun()
if found:
    st.download_button(
        "Download this list (.xlsx)",
        write_xlsx(
            found,
            [
                Column("client_code", "Code"),
                Column("name", "Name", width=36),
                Column("segment", "Segment"),
                Column("owner", "Owner"),
                Column("currency", "Currency"),
                Column("outstanding", "Outstanding", "money"),
                Column("overdue", "Overdue", "money"),
            ],
            title="Clients",
        ),
        file_name=f"clients-{as_of.isoformat()}.xlsx",
    )
