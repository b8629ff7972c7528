"""Upload: bring in client masters, invoice ledgers and bank or card statements."""

import streamlit as st

from lib.importing import FileError, ImportOptions, import_file, inspect_file, save_preset
from lib.importing.history import history, rejected_rows, rejects_workbook
from lib.money import CURRENCIES
from lib.ui import format as fmt
from lib.ui.context import db, guard
from lib.ui.mapping import edit_mapping

KINDS = {
    "Detect automatically": None,
    "Client master": "clients",
    "Invoice ledger": "invoices",
    "Bank or card statement": "receipts",
}
KIND_NAMES = {v: k for k, v in KINDS.items() if v}

me = guard("import", "Upload")
st.title("Upload")
st.caption(
    "Drop Excel or CSV files as they come from the ERP, the bank or the card company. "
    "Kaishu finds the header row, maps the columns, and never imports a line twice."
)

left, right = st.columns([2, 1])
chosen = KINDS[left.selectbox("What are these files?", list(KINDS))]
uploads = left.file_uploader(
    "Files", type=["xlsx", "xlsm", "xls", "csv", "tsv", "txt"], accept_multiple_files=True
)
with right.expander("Statement options", expanded=True):
    currency = st.selectbox(
        "Currency when the file has no currency column", ["(from the file)", *CURRENCIES]
    )
    channel = st.radio("Channel", ["bank", "card"], horizontal=True)
    account = st.text_input("Account", placeholder="e.g. HDFC-INR-002 (else read from the file)")
    order = st.radio("Ambiguous dates like 04/05/2025 are", ["DD/MM", "MM/DD"], horizontal=True)


def _show_result(result, name: str) -> None:
    a, b, c, d, e = st.columns(5)
    a.metric("Added", f"{result.imported:,}")
    b.metric("Updated", f"{result.updated:,}")
    c.metric("Already there", f"{result.duplicates:,}")
    d.metric("Outflows skipped", f"{result.skipped_outflows:,}")
    e.metric("Rejected", f"{len(result.rejected):,}")
    for warning in result.warnings:
        st.warning(warning)
    if result.rejected:
        rows = [r.as_dict() for r in result.rejected]
        fmt.show(
            rows[:500],
            [("row", "Row", "int"), ("column", "Column", "text"), ("reason", "Reason", "text")],
            empty="",
        )
        st.download_button(
            "Download rejected rows (.xlsx)",
            rejects_workbook(rows, name),
            file_name=f"rejected-{name}.xlsx",
            key=f"rej-{name}",
        )


for upload in uploads or []:
    data = upload.getvalue()
    with st.container(border=True):
        st.subheader(upload.name)
        try:
            found = inspect_file(db(), data, upload.name, chosen)
        except FileError as exc:
            st.error(f"{exc}. Check that it is the export itself, saved as .xlsx or .csv.")
            continue
        st.write(
            f"**{KIND_NAMES[found.kind]}** · header on row {found.header_row + 1}"
            + (f" · preset “{found.preset}”" if found.preset else "")
            + (f" · account {found.account}" if found.account else "")
        )
        corrections = edit_mapping(found, key=f"map-{upload.name}")
        if corrections:
            found = inspect_file(db(), data, upload.name, found.kind, overrides=corrections)
        if found.missing:
            st.warning(f"Map these before importing: {', '.join(found.missing)}.")
        save_as = st.text_input(
            "Save this mapping as a preset (optional)",
            key=f"preset-{upload.name}",
            placeholder="e.g. HDFC statement",
        )
        if st.button(
            f"Import {upload.name}",
            key=f"go-{upload.name}",
            type="primary",
            disabled=bool(found.missing),
        ):
            if save_as.strip():
                save_preset(db(), me, save_as, found.kind, found.headers, found.mapping)
            options = ImportOptions(
                kind=found.kind,
                mapping=corrections,
                channel=channel,
                account=account or None,
                currency=None if currency.startswith("(") else currency,
                date_order="DMY" if order == "DD/MM" else "MDY",
            )
            bar = st.progress(0.0, text="Starting")
            try:
                result = import_file(
                    db(),
                    me,
                    data,
                    upload.name,
                    options,
                    progress=lambda f, m, bar=bar: bar.progress(f, text=m),
                )
            except FileError as exc:
                st.error(str(exc))
            else:
                bar.empty()
                _show_result(result, upload.name)

st.subheader("Import history")
past = history(db(), limit=100)
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
