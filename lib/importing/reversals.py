"""Statement lines that cancel an earlier credit: the Zengin 取消 notice.

A bank that withdraws a 振込入金通知 sends the notice again marked 取消. The money never
arrived, so the receipt of the original notice is reversed (never deleted), with the reason and
an audit entry; any allocation or deduction it had is reversed first, so its invoices are open
again. The line is found by the key the original notice had, so a cancellation in the same file
as its notice, or in a later file, both work, and seeing it again changes nothing. A receipt the
import reverses counts as an update: that import can no longer be undone whole.
"""

from __future__ import annotations

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.importing.rows import RowError

COLUMN = "reversal"  # the field; the error is named by its header


def apply_reversals(
    db: Database, actor: Actor, records: list[dict], originals: list[dict | None], now: str
) -> tuple[int, int, list[RowError]]:
    """Reverse, for each cancelling record, the receipt of its original notice (None when
    Kaishu holds none); returns (reversed, already reversed, rows naming no receipt)."""
    require(actor, "import")
    done, seen, errors = 0, 0, []
    for rec, receipt in zip(records, originals, strict=True):
        if receipt is None:
            errors.append(RowError(rec["source_row"], COLUMN, _not_found(rec)))
        elif receipt["reversed_at"]:
            seen += 1
        else:
            _reverse(db, actor, receipt, _reason(rec), now)
            done += 1
    return done, seen, errors


def stale_suggestions(db: Database, receipt_ids: list[int]) -> None:
    """Retire the open match suggestions of receipts that are reversed: no one may accept them."""
    db.conn.executemany(
        "UPDATE match_suggestions SET status = 'stale' WHERE receipt_id = ? AND status = 'open'",
        [(i,) for i in receipt_ids],
    )


def _reason(rec: dict) -> str:
    return f"取消: the bank cancelled this transfer (statement row {rec['source_row']})"


def _not_found(rec: dict) -> str:
    what = f"reference {rec['reference']}" if rec.get("reference") else "this transfer"
    return f"取消 of {what}: no receipt for it in Kaishu, so nothing changed"


def _reverse(db: Database, actor: Actor, receipt: dict, reason: str, now: str) -> None:
    from lib.matching.actions import unmatch  # matching imports the importer's modules

    applied = db.execute(
        "SELECT 1 FROM allocations WHERE receipt_id = :id AND reversed_at IS NULL UNION ALL"
        " SELECT 1 FROM deductions WHERE receipt_id = :id AND reversed_at IS NULL LIMIT 1",
        {"id": receipt["id"]},
    ).fetchone()
    if applied:
        unmatch(db, actor, receipt["id"], reason)
    change = {"reversed_at": now, "reversed_by": actor.username, "reversal_reason": reason}
    db["receipts"].update(receipt["id"], change)
    stale_suggestions(db, [receipt["id"]])
    audit.record(
        db, actor, "receipts", receipt["id"], "reverse", receipt, change, receipt["client_id"]
    )
