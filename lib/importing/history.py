"""What was imported, by whom, and the rows that were turned away."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from lib.exports import Column, write_xlsx


def history(db: Database, limit: int = 50) -> list[dict[str, Any]]:
    """The latest imports, newest first, with their counts."""
    return list(
        db.query(
            "SELECT id, file_name, kind, username, source, finished_at, rows_read, imported,"
            " updated, duplicates, skipped_outflows, skipped_other, rejected, undone_at,"
            " undone_by, undo_reason FROM imports"
            " ORDER BY id DESC LIMIT ?",
            [limit],
        )
    )


def rejected_rows(db: Database, import_id: int) -> list[dict[str, Any]]:
    """The rejected rows of one import as stored: row, column, reason and the raw values."""
    row = db.execute("SELECT rejected_rows FROM imports WHERE id = ?", [import_id]).fetchone()
    return json.loads(row[0]) if row else []


def rejects_workbook(rejects: list[dict[str, Any]], file_name: str = "") -> bytes:
    """The rejected rows as an .xlsx: row number, column, reason, then the row as it was,
    so the sender can fix the file and import it again."""
    headers: list[str] = []
    for reject in rejects:
        for header in reject.get("values", {}):
            if header not in headers:
                headers.append(header)
    columns = [
        Column("row", "Row", "int", width=7),
        Column("column", "Column", width=18),
        Column("reason", "Reason", width=48),
    ]
    columns += [Column(f"v:{h}", h) for h in headers]
    rows = [
        {
            "row": r["row"],
            "column": r["column"],
            "reason": r["reason"],
            **{f"v:{h}": r.get("values", {}).get(h, "") for h in headers},
        }
        for r in rejects
    ]
    return write_xlsx(rows, columns, title=f"Rejected {file_name}"[:31] or "Rejected rows")
