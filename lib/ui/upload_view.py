"""One uploaded file on the Upload page: what Kaishu found, the mapping, a dry-run check,
the import with its progress bar, and the result with the rejected rows to download."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from lib.aging.balances import ledger_version
from lib.auth import Actor
from lib.importing import (
    FileError,
    ImportOptions,
    ImportResult,
    Inspection,
    check_file,
    import_file,
    inspect_file,
    save_preset,
)
from lib.importing.history import rejects_workbook
from lib.ui import format as fmt
from lib.ui.context import db
from lib.ui.mapping import edit_mapping

KIND_NAMES = {
    "clients": "Client master",
    "invoices": "Invoice ledger",
    "receipts": "Bank or card statement",
}
REJECT_COLUMNS = [("row", "Row", "int"), ("column", "Column", "text"), ("reason", "Reason", "text")]


def _checked(me: Actor, data: bytes, name: str, options: ImportOptions) -> ImportResult:
    # A dry run reads and writes (then rolls back) the whole file; keep it per file, options
    # and state of the ledger across reruns.
    key = f"check:{hashlib.sha256(data).hexdigest()}{options.key()}{ledger_version(db())}"
    if key not in st.session_state:
        st.session_state[key] = check_file(db(), data, name, options, me)
    return st.session_state[key]


def show_result(result: ImportResult, name: str) -> None:
    """The counts of a finished import, its warnings, and the rejected rows."""
    cols = st.columns(5)
    for col, (label, value) in zip(
        cols,
        [
            ("Added", result.imported),
            ("Updated", result.updated),
            ("Already there", result.duplicates),
            ("Outflows skipped", result.skipped_outflows),
            ("Rejected", len(result.rejected)),
        ],
        strict=True,
    ):
        col.metric(label, f"{value:,}")
    if result.skipped_other:
        st.caption(f"Also {_left_out(result.skipped_other)}.")
    for warning in result.warnings:
        st.warning(fmt.sentence(warning))
    _rejects(result, name, key="done")


def _rejects(result: ImportResult, name: str, key: str) -> None:
    if not result.rejected:
        return
    rows = [r.as_dict() for r in result.rejected]
    fmt.show(rows[:500], REJECT_COLUMNS, empty="")
    st.download_button(
        "Download rejected rows (.xlsx)",
        rejects_workbook(rows, name),
        file_name=f"rejected-{name}.xlsx",
        key=f"rej-{key}-{name}",
    )


def upload_panel(
    me: Actor, data: bytes, name: str, chosen: str | None, defaults: ImportOptions
) -> None:
    """Everything about one uploaded file, in its own bordered box."""
    with st.container(border=True):
        st.subheader(fmt.plain(name))
        try:
            found = inspect_file(db(), data, name, chosen)
            sheet = _sheet(found, name)
            if sheet:
                found = inspect_file(db(), data, name, chosen, sheet)
        except FileError as exc:
            st.error(f"{fmt.plain(exc)}.")
            return
        where = (
            f"read from the bank's format ({found.sheet.statement})"
            if found.sheet.statement
            else f"header on row {found.header_row + 1}"
        )
        st.write(
            f"**{KIND_NAMES[found.kind]}** · {where}"
            + (f" · preset “{found.preset}”" if found.preset else "")
            + (f" · account {found.account}" if found.account else "")
        )
        with st.expander("First rows of the file"):
            # CSV rows lose their empty trailing cells: pad them so the columns line up.
            width = max([len(found.headers), *(len(row) for row in found.sample)])
            cells = [[fmt.cell(v) for v in row] + [""] * (width - len(row)) for row in found.sample]
            st.dataframe(pd.DataFrame(cells), hide_index=True)
        corrections = edit_mapping(found, key=f"map-{name}" + (f"-{sheet}" if sheet else ""))
        if corrections:
            found = inspect_file(db(), data, name, found.kind, sheet, corrections)
        if found.missing:
            st.warning(f"Map these before importing: {fmt.plain(', '.join(found.missing))}.")
        options = ImportOptions(
            kind=found.kind,
            mapping=corrections,
            channel=defaults.channel,
            account=defaults.account,
            currency=defaults.currency,
            date_order=defaults.date_order,
            sheet=sheet,
        )
        checked = not found.missing and _dry_run(me, data, name, options)
        save_as = st.text_input(
            "Save this mapping as a preset (optional)",
            key=f"preset-{name}",
            placeholder="e.g. HDFC statement",
        )
        if st.button(f"Import {name}", key=f"go-{name}", type="primary", disabled=not checked):
            if save_as.strip():
                save_preset(db(), me, save_as, found.kind, found.headers, found.mapping)
            bar = st.progress(0.0, text="Starting")
            try:
                result = import_file(
                    db(), me, data, name, options, progress=lambda f, m: bar.progress(f, text=m)
                )
            except FileError as exc:
                st.error(str(exc))
            else:
                bar.empty()
                show_result(result, name)


def _sheet(found: Inspection, name: str) -> str | None:
    # The sheet to read when the user picks another than the one Kaishu found the data on.
    names = found.sheet.sheet_names
    if len(names) < 2:
        return None
    picked = st.selectbox(
        "Sheet",
        names,
        index=names.index(found.sheet.name) if found.sheet.name in names else 0,
        key=f"sheet-{name}",
        help="Kaishu reads the first sheet with a header row it knows; pick another here.",
    )
    return picked if picked != found.sheet.name else None


def _dry_run(me: Actor, data: bytes, name: str, options: ImportOptions) -> bool:
    # The check of every row; False when the file as a whole cannot go in as it stands.
    try:
        check = _checked(me, data, name, options)
    except FileError as exc:
        st.error(fmt.plain(exc))
        return False
    parts = [f"{check.imported:,} new row{'' if check.imported == 1 else 's'}"]
    if check.updated:
        verb = "to reverse (taken back by the bank)" if check.kind == "receipts" else "to update"
        parts.append(f"{check.updated:,} {verb}")
    if check.duplicates:
        parts.append(f"{check.duplicates:,} already there")
    if check.rejected:
        parts.append(f"{len(check.rejected):,} with problems")
    if check.skipped_outflows:
        n = check.skipped_outflows
        parts.append(f"{n:,} outflow{'' if n == 1 else 's'} to skip")
    if check.skipped_other:
        parts.append(_left_out(check.skipped_other))
    (st.warning if check.rejected else st.success)("Check: " + " · ".join(parts) + ".")
    for warning in check.warnings:
        st.caption(fmt.sentence(warning))
    if check.rejected:
        with st.expander(f"Rows with problems ({len(check.rejected):,})"):
            _rejects(check, name, key="check")
    return True


def _left_out(n: int) -> str:
    return f"{n:,} line{'' if n == 1 else 's'} left out as totals, notes or the bank's footer"
