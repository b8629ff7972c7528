"""The column-mapping editor of the Upload page: file headers on the left, Kaishu fields on
the right, an example value beside each, editable in place."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.importing import Inspection
from lib.importing.columns import FIELDS, IGNORE
from lib.importing.layout import Layout
from lib.ui import format as fmt

NOT_IMPORTED = "— not imported —"


def field_labels(kind: str) -> dict[str, str]:
    """Field name → label shown in the editor, with required fields marked."""
    return {f.name: f"{f.label}{' *' if f.required else ''}" for f in FIELDS[kind]}


def editor_frame(found: Inspection) -> pd.DataFrame:
    """One row per file column: its header, the mapped field's label, and a sample value."""
    labels = field_labels(found.kind)
    # Each column's first value on a line of data (not a rule of stars under the header), so
    # a column that is blank on the first line (Withdrawal beside a Deposit) still shows one.
    layout = Layout(found.headers)
    lines = [row for row in found.sample if layout.why(row, False) is None]
    rows = []
    for col, header in enumerate(found.headers):
        if not header and col not in found.mapping:
            continue
        name = found.mapping.get(col)
        example = next((r[col] for r in lines if col < len(r) and r[col] not in (None, "")), "")
        rows.append(
            {
                "Column in the file": header or f"column {col + 1}",
                "Kaishu field": labels[name] if name else NOT_IMPORTED,
                "Example": fmt.cell(example),
            }
        )
    return pd.DataFrame(rows)


def edit_mapping(found: Inspection, key: str) -> dict[str, str]:
    """Show the editor; return the corrections as ``{header: field}`` for the importer."""
    labels = field_labels(found.kind)
    edited = st.data_editor(
        editor_frame(found),
        key=key,
        hide_index=True,
        disabled=["Column in the file", "Example"],
        column_config={
            "Kaishu field": st.column_config.SelectboxColumn(
                "Kaishu field", options=[NOT_IMPORTED, *labels.values()], required=True
            )
        },
    )
    by_label = {label: name for name, label in labels.items()}
    corrections = {}
    current = {
        found.headers[c] or f"column {c + 1}": n
        for c, n in found.mapping.items()
        if c < len(found.headers)
    }
    for _, row in edited.iterrows():
        header, label = row["Column in the file"], row["Kaishu field"]
        wanted = by_label.get(label, IGNORE)
        if current.get(header, IGNORE) != wanted:
            corrections[header] = wanted
    return corrections
