"""Home: where the money stands today, per currency, and what came in lately."""

import streamlit as st

from lib import aging
from lib.demo.load import NotEmpty, is_empty
from lib.demo.showcase import load_showcase
from lib.importing.history import history
from lib.money import CURRENCIES
from lib.ui import format as fmt
from lib.ui.context import db, guard, today

me = guard("view", "Home")
as_of = today()
st.title("Home")
st.caption(f"Balances as of {fmt.day(as_of)} · {fmt.plain(me.name or me.username)}")

if is_empty(db()):
    st.info(
        "The ledger is empty. Start on the **Upload** page: the client master first, then "
        "the invoice ledger, then bank and card statements.",
        icon=":material/upload_file:",
    )
    if me.can("load_demo"):
        st.write(
            "Or load the demo ledger to try Kaishu out: 300 JPY and INR clients, a year of "
            "invoices and statements already matched, a month of calls and promises, the "
            "lead's targets and a few recovery cases."
        )
        if st.button("Load the demo ledger", type="primary"):
            with st.spinner("Loading the demo ledger through the importers and matching it…"):
                try:
                    done = load_showcase(db(), me, as_of)
                except NotEmpty as exc:
                    st.warning(str(exc))
                else:
                    st.success(f"Demo ledger loaded: {len(done['files'])} files imported.")
                    st.rerun()
    st.stop()

for figures in aging.summary(db(), as_of):
    cur = figures["currency"]
    st.subheader(f"{CURRENCIES[cur].name} ({cur})")
    a, b, c = st.columns(3)
    a.metric(
        "Open receivables",
        fmt.money(figures["open"], cur),
        help=f"{figures['open_invoices']:,} open invoices",
    )
    b.metric(
        "Overdue",
        fmt.money(figures["overdue"], cur),
        help=f"{figures['overdue_invoices']:,} invoices past their due date",
    )
    c.metric(
        "Receipts not yet applied",
        fmt.money(figures["unapplied"], cur),
        help=f"{figures['unapplied_receipts']:,} receipts with money not yet applied",
    )

st.subheader("Latest imports")
fmt.show(
    history(db(), limit=8),
    [
        ("finished_at", "When", "date"),
        ("username", "Who", "text"),
        ("file_name", "File", "text"),
        ("kind", "Kind", "text"),
        ("imported", "Added", "int"),
        ("updated", "Updated", "int"),
        ("duplicates", "Already there", "int"),
        ("rejected", "Rejected", "int"),
    ],
    empty="Nothing imported yet.",
)
