"""What the Matching page lists: the review queue, suspense, receipts on account, invoices
to choose from, payer aliases, the deduction rules, and the allocations export."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib import settings as store
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.kana import split_branch
from lib.matching.book import SETTINGS_FEES, SETTINGS_TDS, load_rules
from lib.matching.text import shown_payer

UNAPPLIED = """
SELECT r.*, c.client_code, c.name AS client_name,
       r.amount - COALESCE(a.applied, 0) AS unapplied,
       CAST(julianday(:as_of) - julianday(r.value_date) AS INTEGER) AS age_days
  FROM receipts r
  LEFT JOIN clients c ON c.id = r.client_id
  LEFT JOIN (SELECT receipt_id, SUM(amount) AS applied FROM allocations
              WHERE reversed_at IS NULL GROUP BY receipt_id) a ON a.receipt_id = r.id
 WHERE r.reversed_at IS NULL AND r.value_date <= :as_of
   AND r.amount - COALESCE(a.applied, 0) > 0
"""


def _with_payer(rows) -> list[dict[str, Any]]:
    return [{**row, "payer": shown_payer(row["payer_name"], row["memo"])} for row in rows]


def suspense(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Receipts whose payer or purpose is unknown, oldest first, with their age and reason."""
    sql = UNAPPLIED + " AND r.client_id IS NULL ORDER BY r.value_date, r.id"
    return _with_payer(db.query(sql, {"as_of": as_of.isoformat()}))


def on_account(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Receipts of known clients with money not yet applied to invoices."""
    sql = UNAPPLIED + " AND r.client_id IS NOT NULL ORDER BY c.client_code, r.value_date"
    return _with_payer(db.query(sql, {"as_of": as_of.isoformat()}))


def review_queue(db: Database) -> list[dict[str, Any]]:
    """Open suggestions, most confident first, with their receipt and proposed lines."""
    rows = db.query(
        "SELECT s.id, s.receipt_id, s.client_id, s.lines, s.rule, s.confidence, s.explanation,"
        " r.value_date, r.amount, r.fee, r.currency, r.payer_name, r.memo, r.reference,"
        " c.client_code, c.name AS client_name FROM match_suggestions s"
        " JOIN receipts r ON r.id = s.receipt_id LEFT JOIN clients c ON c.id = s.client_id"
        " WHERE s.status = 'open' AND r.reversed_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.receipt_id = r.id"
        " AND a.reversed_at IS NULL) ORDER BY s.confidence DESC, r.value_date"
    )
    return [{**row, "lines": json.loads(row["lines"])} for row in _with_payer(rows)]


def receipt_matches(db: Database, receipt_id: int) -> list[dict[str, Any]]:
    """The active allocations and deductions of one receipt, for review and unmatching."""
    return list(
        db.query(
            "SELECT 'allocation' AS entry, a.id, i.invoice_no, a.amount, a.method, a.rule,"
            " a.confidence, a.explanation, a.created_by, a.created_at FROM allocations a"
            " JOIN invoices i ON i.id = a.invoice_id WHERE a.receipt_id = :r AND"
            " a.reversed_at IS NULL UNION ALL SELECT 'deduction: ' || d.kind, d.id, i.invoice_no,"
            " d.amount, d.method, d.kind, 1.0, d.reason, d.created_by, d.created_at FROM"
            " deductions d JOIN invoices i ON i.id = d.invoice_id WHERE d.receipt_id = :r AND"
            " d.reversed_at IS NULL",
            {"r": receipt_id},
        )
    )


def recent_matches(db: Database, limit: int = 200) -> list[dict[str, Any]]:
    """Receipts matched lately, one row per receipt, for checking and unmatching."""
    return list(
        db.query(
            "SELECT r.id AS receipt_id, r.value_date, r.currency, r.amount, r.payer_name, r.memo,"
            " c.client_code, MIN(a.method) AS method, MIN(a.rule) AS rule, MIN(a.explanation)"
            " AS explanation, GROUP_CONCAT(i.invoice_no, ', ') AS invoices, SUM(a.amount) AS"
            " applied, MAX(a.created_at) AS matched_at FROM allocations a JOIN receipts r ON"
            " r.id = a.receipt_id JOIN invoices i ON i.id = a.invoice_id LEFT JOIN clients c ON"
            " c.id = i.client_id WHERE a.reversed_at IS NULL GROUP BY r.id"
            " ORDER BY matched_at DESC, r.id DESC LIMIT ?",
            [limit],
        )
    )


def find_invoices(
    db: Database, currency: str, text: str = "", amount: int | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Open invoices in ``currency`` to match by hand: by client code or name, invoice number,
    or outstanding amount (exact)."""
    where, params = (
        ["i.currency = ?", "i.voided_at IS NULL", "i.amount - s.settled > 0"],
        [currency],
    )
    needle = text.strip()
    if needle:
        where.append(
            "(c.client_code LIKE ? OR c.name LIKE ? OR c.name_kana LIKE ? OR i.invoice_no LIKE ?)"
        )
        params += [f"%{needle}%"] * 4
    if amount:
        where.append("i.amount - s.settled = ?")
        params.append(amount)
    sql = (
        "SELECT i.id, i.invoice_no, i.invoice_date, i.due_date, i.amount, i.tax, i.currency,"
        " i.amount - s.settled AS outstanding, i.disputed, c.client_code, c.name AS"
        " client_name FROM invoices i JOIN invoice_settled s ON s.invoice_id = i.id JOIN"
        " clients c ON c.id = i.client_id WHERE "
        + " AND ".join(where)
        + " ORDER BY i.due_date, i.invoice_no LIMIT ?"
    )
    return list(db.query(sql, [*params, limit]))


def aliases(db: Database) -> list[dict[str, Any]]:
    """Every learned payer alias with its client."""
    return list(
        db.query(
            "SELECT a.id, a.payer_name, a.payer_key, a.account, a.times_used, a.active, a.source,"
            " a.created_by, a.last_used_at, c.client_code, c.name AS client_name FROM"
            " client_aliases a JOIN clients c ON c.id = a.client_id ORDER BY c.client_code,"
            " a.payer_name"
        )
    )


def add_alias(
    db: Database, actor: Actor, client_id: int, payer_name: str, account: str = ""
) -> None:
    """Teach a payer name (as the bank prints it) for a client by hand."""
    require(actor, "match")
    key = split_branch(payer_name)[0]
    if not key:
        raise ValueError("enter the payer name as it appears on the statement")
    with transaction(db):
        now = utc_now()
        row = {
            "client_id": client_id,
            "payer_name": payer_name.strip(),
            "payer_key": key,
            "account": account.strip(),
            "source": "manual",
            "times_used": 1,
            "created_by": actor.username,
            "created_at": now,
            "last_used_at": now,
        }
        alias_id = db["client_aliases"].insert(row, ignore=True).last_pk
        audit.record(db, actor, "client_aliases", alias_id, "create", None, row, client_id)


def set_alias_active(db: Database, actor: Actor, alias_id: int, active: bool) -> None:
    """Switch an alias off (a wrong lesson) or on again; nothing is deleted."""
    require(actor, "match")
    with transaction(db):
        old = db["client_aliases"].get(alias_id)
        db["client_aliases"].update(alias_id, {"active": int(active)})
        audit.record(
            db,
            actor,
            "client_aliases",
            alias_id,
            "update",
            {"active": old["active"]},
            {"active": int(active)},
            old["client_id"],
        )


def rules(db: Database) -> dict[str, list[int]]:
    """The transfer fees and TDS rates (basis points) the engine accepts."""
    current = load_rules(db)
    return {
        "transfer_fees": sorted(current.transfer_fees),
        "tds_rates_bp": list(current.tds_rates_bp),
    }


def set_rules(
    db: Database, actor: Actor, transfer_fees: list[int], tds_rates_bp: list[int]
) -> None:
    """Change the accepted deductions (the lead only); tax law changes, so this is data."""
    require(actor, "settings")
    if any(f <= 0 or f > 5_000 for f in transfer_fees):
        raise ValueError("transfer fees are between ¥1 and ¥5,000")
    if any(r <= 0 or r > 3_000 for r in tds_rates_bp):
        raise ValueError("TDS rates are between 0.01% and 30%")
    with transaction(db):
        store.put(db, actor, SETTINGS_FEES, json.dumps(sorted(set(transfer_fees))))
        store.put(db, actor, SETTINGS_TDS, json.dumps(sorted(set(tds_rates_bp))))


ALLOCATIONS_EXPORT = """
SELECT r.reference AS payment_reference, i.invoice_no, i.currency,
       a.amount AS applied_amount, COALESCE(d.amount, 0) AS deduction_amount,
       d.reason AS deduction_reason, a.method, a.rule, a.confidence, a.explanation,
       a.effective_date
  FROM allocations a
  JOIN receipts r ON r.id = a.receipt_id
  JOIN invoices i ON i.id = a.invoice_id
  LEFT JOIN deductions d ON d.receipt_id = a.receipt_id AND d.invoice_id = a.invoice_id
                        AND d.reversed_at IS NULL
 WHERE a.reversed_at IS NULL
 ORDER BY r.value_date, r.id, i.invoice_no
"""


def allocations_for_export(db: Database) -> list[dict[str, Any]]:
    """One row per allocation, with the deduction taken on the same invoice by the same
    receipt beside it."""
    return list(db.query(ALLOCATIONS_EXPORT))
