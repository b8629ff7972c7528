"""Clients: finding them, their balances, their statement of account, and master-data edits.

Balances are per currency and as of a date the caller gives. Edits are limited to collectors
and the lead, run in one transaction and are audited field by field.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.aging import SETTLED_AS_OF, Buckets, aging_groups
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.money import CURRENCIES

SEGMENTS = ("client", "franchisee", "partner")
EDITABLE = (
    "name",
    "name_kana",
    "segment",
    "owner",
    "contact_name",
    "email",
    "phone",
    "address",
    "language",
    "currency",
    "terms_days",
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class ClientError(ValueError):
    """A client edit that cannot be made; the message says why."""


def find_clients(
    db: Database,
    as_of: date,
    text: str = "",
    segment: str | None = None,
    owner: str | None = None,
    currency: str | None = None,
    overdue_only: bool = False,
) -> list[dict[str, Any]]:
    """Clients matching the filters, one row per client and currency, with balances on
    ``as_of``; ``text`` searches code, name, kana reading and email."""
    balances: dict[str, list[dict]] = {}
    for row in aging_groups(db, as_of, Buckets(), "client"):  # the aging's one reading
        balances.setdefault(row["group"], []).append(
            {
                "currency": row["currency"],
                "outstanding": row["total"],
                "overdue": row["overdue"],
                "oldest_days": row["oldest"] if row["overdue"] else None,
                "open_invoices": row["invoices"],
            }
        )
    sql = (
        "SELECT c.*, p.client_code AS parent_code, p.name AS parent_name FROM clients c "
        "LEFT JOIN clients p ON p.id = c.parent_id ORDER BY c.client_code"
    )
    needle = text.strip().casefold()
    result = []
    for client in db.query(sql):
        if needle and not any(
            needle in (client[k] or "").casefold()
            for k in ("client_code", "name", "name_kana", "email")
        ):
            continue
        if (segment and client["segment"] != segment) or (owner and client["owner"] != owner):
            continue
        rows = balances.get(client["client_code"]) or [
            {
                "currency": client["currency"] or "JPY",
                "outstanding": 0,
                "overdue": 0,
                "oldest_days": None,
                "open_invoices": 0,
            }
        ]
        for bal in rows:
            if (currency and bal["currency"] != currency) or (overdue_only and not bal["overdue"]):
                continue
            result.append(
                {
                    **client,
                    **{
                        k: bal[k]
                        for k in (
                            "currency",
                            "outstanding",
                            "overdue",
                            "oldest_days",
                            "open_invoices",
                        )
                    },
                }
            )
    return result


def owners(db: Database) -> list[str]:
    """Everyone who owns at least one client, for filters and assignment."""
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT owner FROM clients WHERE owner IS NOT NULL ORDER BY owner"
        )
    ]


def get_client(db: Database, code: str) -> dict[str, Any] | None:
    """A client by code, with its head office and its branches or franchisees."""
    client = next(
        db.query(
            "SELECT c.*, p.client_code AS parent_code, p.name AS parent_name FROM clients c "
            "LEFT JOIN clients p ON p.id = c.parent_id WHERE c.client_code = ?",
            [code],
        ),
        None,
    )
    if client:
        client["children"] = list(
            db.query(
                "SELECT client_code, name FROM clients WHERE parent_id = ? ORDER BY client_code",
                [client["id"]],
            )
        )
    return client


def client_invoices(db: Database, client_id: int, as_of: date) -> list[dict[str, Any]]:
    """The client's invoices dated up to ``as_of`` with what is still outstanding on it."""
    sql = f"""WITH settled AS ({SETTLED_AS_OF})
      SELECT i.*, i.amount - COALESCE(s.settled, 0) AS outstanding,
             CAST(julianday(:as_of) - julianday(i.due_date) AS INTEGER) AS days_past_due
        FROM invoices i LEFT JOIN settled s ON s.invoice_id = i.id
       WHERE i.client_id = :client AND i.invoice_date <= :as_of AND i.voided_at IS NULL
       ORDER BY i.due_date DESC, i.invoice_no DESC"""
    return list(db.query(sql, {"as_of": as_of.isoformat(), "client": client_id}))


def client_receipts(db: Database, client_id: int) -> list[dict[str, Any]]:
    """Receipts identified as this client's: assigned to it, or applied to its invoices."""
    sql = """SELECT r.*, COALESCE((SELECT SUM(a.amount) FROM allocations a
                 WHERE a.receipt_id = r.id AND a.reversed_at IS NULL), 0) AS applied
               FROM receipts r
              WHERE r.reversed_at IS NULL AND (r.client_id = :client OR r.id IN (
                    SELECT a.receipt_id FROM allocations a JOIN invoices i ON i.id = a.invoice_id
                     WHERE i.client_id = :client AND a.reversed_at IS NULL))
              ORDER BY r.value_date DESC"""
    return list(db.query(sql, {"client": client_id}))


def _check_edit(changes: dict[str, Any]) -> dict[str, Any]:
    clean = {}
    for key, value in changes.items():
        if key not in EDITABLE:
            raise ClientError(f"{key} cannot be edited here")
        clean[key] = value.strip() if isinstance(value, str) else value
        if clean[key] == "":
            clean[key] = None
    if "name" in clean and not clean["name"]:
        raise ClientError("a client needs a name")
    if clean.get("email") and not _EMAIL.fullmatch(clean["email"]):
        raise ClientError(f"not an email address: {clean['email']}")
    if "segment" in clean and clean["segment"] not in SEGMENTS:
        raise ClientError("segment must be client, franchisee or partner")
    if clean.get("currency") and clean["currency"] not in CURRENCIES:
        raise ClientError(f"currency must be one of {', '.join(CURRENCIES)}")
    if clean.get("terms_days") is not None and not 0 <= int(clean["terms_days"]) <= 366:
        raise ClientError("payment terms must be 0–366 days")
    if "language" in clean and clean["language"] not in ("en", "ja"):
        raise ClientError("language must be en or ja")
    return clean


def update_client(db: Database, actor: Actor, client_id: int, changes: dict[str, Any]) -> int:
    """Change master data of one client; returns how many fields changed (0: nothing to do)."""
    require(actor, "edit_clients")
    clean = _check_edit(changes)
    with transaction(db):
        old = db["clients"].get(client_id)
        diff = {k: v for k, v in clean.items() if old[k] != v}
        if diff:
            db["clients"].update(client_id, {**diff, "updated_at": utc_now()})
            audit.record(
                db, actor, "clients", client_id, "edit", {k: old[k] for k in diff}, diff, client_id
            )
    return len(diff)


STATEMENT = """
SELECT * FROM (
SELECT i.invoice_date AS date, 'invoice' AS kind, i.invoice_no AS reference,
       COALESCE(i.description, 'Invoice') AS description, i.currency, i.amount AS debit,
       0 AS credit, i.id AS sort_id
  FROM invoices i
 WHERE i.client_id = :client AND i.voided_at IS NULL AND i.invoice_date <= :as_of
UNION ALL
SELECT r.value_date, 'receipt', COALESCE(r.reference, ''), 'Payment received', r.currency, 0,
       SUM(a.amount) + CASE WHEN r.client_id = :client THEN r.amount - (
         SELECT COALESCE(SUM(x.amount), 0) FROM allocations x
          WHERE x.receipt_id = r.id AND x.reversed_at IS NULL) ELSE 0 END, r.id
  FROM receipts r
  JOIN allocations a ON a.receipt_id = r.id AND a.reversed_at IS NULL
  JOIN invoices i ON i.id = a.invoice_id AND i.client_id = :client
 WHERE r.reversed_at IS NULL AND r.value_date <= :as_of
 GROUP BY r.id
UNION ALL
SELECT r.value_date, 'receipt', COALESCE(r.reference, ''), 'Payment received (on account)',
       r.currency, 0, r.amount, r.id
  FROM receipts r
 WHERE r.client_id = :client AND r.reversed_at IS NULL AND r.value_date <= :as_of
   AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.receipt_id = r.id
                    AND a.reversed_at IS NULL)
UNION ALL
SELECT d.effective_date, 'deduction', i.invoice_no, d.reason, i.currency, 0, d.amount, d.id
  FROM deductions d JOIN invoices i ON i.id = d.invoice_id
 WHERE i.client_id = :client AND d.reversed_at IS NULL AND d.effective_date <= :as_of
UNION ALL
SELECT w.effective_date, 'write-off', i.invoice_no, 'Written off: ' || w.reason, i.currency, 0,
       w.amount, w.id
  FROM write_offs w JOIN invoices i ON i.id = w.invoice_id
 WHERE i.client_id = :client AND w.reversed_at IS NULL AND w.effective_date <= :as_of
UNION ALL
SELECT v.effective_date, 'recovery', i.invoice_no, 'Recovered after write-off', i.currency,
       v.amount, 0, v.id
  FROM write_off_recoveries v JOIN invoices i ON i.id = v.invoice_id
 WHERE i.client_id = :client AND v.reversed_at IS NULL AND v.effective_date <= :as_of
) ORDER BY date, kind <> 'invoice', sort_id
"""


def statement_of_account(
    db: Database, client_id: int, as_of: date, start: date | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The client's statement per currency up to ``as_of``: invoices as debits; payments,
    deductions and write-offs as credits; with a running balance. With ``start``, earlier
    lines fold into an opening balance."""
    result: dict[str, list[dict[str, Any]]] = {}
    balance: dict[str, int] = {}
    for line in db.query(STATEMENT, {"client": client_id, "as_of": as_of.isoformat()}):
        cur = line["currency"]
        balance[cur] = balance.get(cur, 0) + line["debit"] - line["credit"]
        lines = result.setdefault(cur, [])
        if start and line["date"] < start.isoformat():
            opening = {
                "date": start.isoformat(),
                "kind": "opening",
                "reference": "",
                "description": "Opening balance",
                "currency": cur,
                "debit": 0,
                "credit": 0,
                "balance": balance[cur],
            }
            if lines and lines[0]["kind"] == "opening":
                lines[0] = opening
            else:
                lines.append(opening)
            continue
        lines.append(
            {
                k: line[k]
                for k in ("date", "kind", "reference", "description", "currency", "debit", "credit")
            }
            | {"balance": balance[cur]}
        )
    return result
