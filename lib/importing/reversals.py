"""Statement lines that take back an earlier credit: the Zengin 取消 notice, the MT940 reversal
of a credit (RC) and the camt.053 debit marked RvslInd.

The money never stayed, so the receipt of the original credit is reversed (never deleted), with
the reason and an audit entry; any allocation or deduction it had is reversed first, so its
invoices are open again. A 取消 repeats its notice, so it finds the notice's receipt by that
receipt's own key, when that receipt has the line's amount and a day it could take back (an
older receipt may have used the same reference). The others carry a new bank reference, so
they find it by what a collector would compare: the same account, currency and amount, booked
up to ``WINDOW_DAYS`` before, from the same payer when both name one. Only a single such
receipt is reversed; none, or several, leave everything as it was and name the line. The line's
key is kept on the receipt, so the same line in a later file changes nothing. A receipt the
import reverses counts as an update: that import can no longer be undone whole.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.importing.rows import RowError
from lib.kana import normalise_name
from lib.money import format_money

COLUMN = "reversal"  # the field; the error is named by its header
WINDOW_DAYS = 10  # banks return a credit within days; a month-old receipt is another payment
_LABELS = {"RC": "Reversal (RC)"}


def apply_reversals(
    db: Database,
    actor: Actor,
    records: list[dict],
    originals: list[dict | None],
    applied: list[bool],
    line_keys: list[str],
    now: str,
) -> tuple[int, int, list[RowError]]:
    """Reverse, for each reversing line, the receipt of the credit it takes back: ``originals``
    holds the receipt found by its own key (None: look by amount and payer), ``applied`` whether
    the line was seen before. Returns (reversed, already reversed, rows naming no receipt)."""
    require(actor, "import")
    done, seen, errors = 0, 0, []
    for rec, receipt, was_applied, key in zip(records, originals, applied, line_keys, strict=True):
        if receipt is not None and not _takes_back(rec, receipt):
            receipt = None  # an older line that used the reference (a cheque number): not it
        if was_applied or (receipt is not None and receipt["reversed_at"]):
            seen += 1
            continue
        if receipt is None:
            receipt, problem = by_content(db, rec)
            if problem:
                errors.append(RowError(rec["source_row"], COLUMN, problem))
                continue
        reverse(db, actor, receipt, _reason(rec), now, key)
        done += 1
    return done, seen, errors


def _takes_back(rec: dict, receipt: dict) -> bool:
    # Whether reversing line ``rec`` can be the return of ``receipt``: the same amount, booked
    # on the reversal's day or up to WINDOW_DAYS before.
    booked = receipt["receipt_date"]
    return receipt["amount"] == rec["amount"] and _since(rec) <= booked <= rec["date"]


def by_content(db: Database, rec: dict) -> tuple[dict, None] | tuple[None, str]:
    """The one live receipt a reversing line takes back, found by account, currency, amount,
    date and payer; or None and the reason no single receipt could be chosen."""
    found = db.execute_returning_dicts(
        "SELECT * FROM receipts WHERE reversed_at IS NULL AND account = ? AND currency = ?"
        " AND amount = ? AND receipt_date BETWEEN ? AND ? ORDER BY receipt_date, id",
        [rec["account"], rec["currency"], rec["amount"], _since(rec), rec["date"]],
    )
    payer = _payer(rec)
    same = [r for r in found if not (payer and r["payer_name"]) or _payer(r) == payer]
    if len(same) == 1:
        return same[0], None
    what = f"{_label(rec)} of {format_money(rec['amount'], rec['currency'])}"
    if not same:
        ref = f" ({rec['reference']})" if rec.get("reference") else ""
        return None, f"{what}{ref}: no receipt for it in Kaishu, so nothing changed"
    refs = ", ".join(r["reference"] or f"row {r['source_row']}" for r in same[:3])
    return None, (
        f"{what} fits {len(same)} receipts ({refs}): nothing changed; ask the bank which one,"
        " then reverse it under Matching › Suspense"
    )


def stale_suggestions(db: Database, receipt_ids: list[int]) -> None:
    """Retire the open match suggestions of receipts that are reversed: no one may accept them."""
    db.conn.executemany(
        "UPDATE match_suggestions SET status = 'stale' WHERE receipt_id = ? AND status = 'open'",
        [(i,) for i in receipt_ids],
    )


def _since(rec: dict) -> str:
    return (date.fromisoformat(rec["date"]) - timedelta(days=WINDOW_DAYS)).isoformat()


def _payer(line: dict) -> str:
    return normalise_name(line["payer_name"] or "")  # a receipt or a statement line


def _label(rec: dict) -> str:
    mark = rec.get("reversal") or ""
    return "取消" if "取消" in mark else _LABELS.get(mark, "Reversal")


def _reason(rec: dict) -> str:
    return f"{_label(rec)}: the bank took this credit back (statement row {rec['source_row']})"


def reverse(
    db: Database, actor: Actor, receipt: dict, reason: str, now: str, line_key: str | None = None
) -> None:
    """Reverse one receipt inside the caller's transaction: its allocations and deductions
    first (so its invoices are open again), then the receipt itself, with the reason, its
    open suggestions retired and an audit entry. ``line_key`` names the statement line that
    took the credit back, when there is one."""
    from lib.matching.actions import unmatch  # matching imports the importer's modules

    require(actor, "match")  # whoever may unmatch: a reversal reopens the invoices it paid
    applied = db.execute(
        "SELECT 1 FROM allocations WHERE receipt_id = :id AND reversed_at IS NULL UNION ALL"
        " SELECT 1 FROM deductions WHERE receipt_id = :id AND reversed_at IS NULL LIMIT 1",
        {"id": receipt["id"]},
    ).fetchone()
    if applied:
        unmatch(db, actor, receipt["id"], reason)
    change = {"reversed_at": now, "reversed_by": actor.username, "reversal_reason": reason,
              "reversal_key": line_key}  # fmt: skip
    db["receipts"].update(receipt["id"], change)
    stale_suggestions(db, [receipt["id"]])
    audit.record(
        db, actor, "receipts", receipt["id"], "reverse", receipt, change, receipt["client_id"]
    )
