"""Upload: bring in client masters, invoice ledgers and bank or card statements."""

import streamlit as st

from lib.importing import UPLOAD_TYPES, ImportOptions
from lib.importing.history import history, rejected_rows, rejects_workbook
from lib.money import CURRENCIES
from lib.ui import format as fmt
from lib.ui.context import db, guard
from lib.ui.feedback import flash
from lib.ui.undo_view import undo_panel
from lib.ui.upload_view import upload_panel

KINDS = {
    "Detect automatically": None,
    "Client master": "clients",
    "Invoice ledger": "invoices",
    "Bank or card statement": "receipts",
}

me = guard("import", "Upload")
st.title("Upload")
flash()
st.caption(
    "Drop Excel or CSV files as they come from the ERP, the bank or the card company, or "
    "the bank's own statement files: MT940, camt.053, OFX, and Zengin 振込入金通知 or "
    "入出金取引明細. Kaishu finds the header row, maps the columns, and never imports a line "
    "twice."
)

left, right = st.columns([2, 1])
chosen = KINDS[left.selectbox("What are these files?", list(KINDS))]
uploads = left.file_uploader("Files", type=list(UPLOAD_TYPES), accept_multiple_files=True)
with right.expander("Statement options", expanded=True):
    currency = st.selectbox(
        "Currency when the file has no currency column", ["(from the file)", *CURRENCIES]
    )
    channel = st.radio("Channel", ["bank", "card"], horizontal=True)
    account = st.text_input("Account", placeholder="e.g. HDFC-INR-002 (else read from the file)")
    order = st.radio("Ambiguous dates like 04/05/2025 are", ["DD/MM", "MM/DD"], horizontal=True)
defaults = ImportOptions(
    kind="",
    channel=channel,
    account=account.strip() or None,
    currency=None if currency.startswith("(") else currency,
    date_order="DMY" if order == "DD/MM" else "MDY",
)

for upload in uploads or []:
    upload_panel(me, upload.getvalue(), upload.name, chosen, defaults)

st.subheader("Import history")
past = history(db(), limit=100)
for p in past:
    p["undone"] = f"by {p['undone_by']}: {p['undo_reason']}" if p["undone_at"] else ""
fmt.show(
    past,
    [
        ("id", "#", "int"),
        ("finished_at", "When", "date"),
        ("username", "Who", "text"),
        ("file_name", "File", "text"),
        ("kind", "Kind", "text"),
        ("imported", "Added", "int"),
        ("updated", "Updated", "int"),
        ("duplicates", "Already there", "int"),
        ("skipped_outflows", "Outflows", "int"),
        ("rejected", "Rejected", "int"),
        ("undone", "Undone", "text"),
    ],
    empty="Nothing imported yet.",
)
with_rejects = [p for p in past if p["rejected"]]
if with_rejects:
    pick = st.selectbox(
        "Rejected rows of an earlier import",
        with_rejects,
        format_func=lambda p: f"#{p['id']} {p['file_name']}",
    )
    st.download_button(
        "Download its rejected rows (.xlsx)",
        rejects_workbook(rejected_rows(db(), pick["id"]), pick["file_name"]),
        file_name=f"rejected-{pick['id']}.xlsx",
    )
undo_panel(me)
