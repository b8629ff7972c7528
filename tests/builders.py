"""Builders that put one row of test data in the ledger: ``make_invoice(db, **overrides)``.

They write straight to the tables (test set-up, not a user's write), with defaults a
collector would recognise, and return the new row's id.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlite_utils import Database

_seq = itertools.count(1)
NOW = "2026-01-01T00:00:00.000000Z"


def make_client(db: Database, **overrides: Any) -> int:
    n = next(_seq)
    row = {
        "client_code": f"C{n:04d}",
        "name": f"Client {n} Pvt Ltd",
        "segment": "client",
        "currency": "INR",
        "terms_days": 30,
        "language": "en",
        "created_at": NOW,
        "updated_at": NOW,
    }
    row.update(overrides)
    return db["clients"].insert(row).last_pk


def make_invoice(db: Database, **overrides: Any) -> int:
    n = next(_seq)
    row = {
        "invoice_no": f"INV-{n:06d}",
        "invoice_date": "2026-01-10",
        "due_date": "2026-02-09",
        "currency": "INR",
        "amount": 118_000_00,
        "tax": 18_000_00,
        "disputed": 0,
        "created_at": NOW,
        "updated_at": NOW,
    }
    row.update(overrides)
    if "client_id" not in row:
        row["client_id"] = make_client(db, currency=row["currency"])
    return db["invoices"].insert(row).last_pk


def make_receipt(db: Database, **overrides: Any) -> int:
    n = next(_seq)
    row = {
        "fingerprint": f"test-{n}",
        "reference": f"UTR{n:010d}",
        "receipt_date": "2026-02-05",
        "value_date": "2026-02-05",
        "currency": "INR",
        "amount": 118_000_00,
        "fee": 0,
        "payer_name": "CLIENT PVT LTD",
        "memo": "NEFT",
        "channel": "bank",
        "account": "HDFC",
        "created_at": NOW,
    }
    row.update(overrides)
    return db["receipts"].insert(row).last_pk


def make_allocation(
    db: Database, receipt_id: int, invoice_id: int, amount: int, **overrides: Any
) -> int:
    row = {
        "receipt_id": receipt_id,
        "invoice_id": invoice_id,
        "amount": amount,
        "effective_date": "2026-02-05",
        "method": "manual",
        "rule": "test",
        "created_by": "test",
        "created_at": NOW,
    }
    row.update(overrides)
    return db["allocations"].insert(row).last_pk


def make_promise(
    db: Database,
    client_id: int,
    instalments: list[tuple[str, int]],
    promised_on: str = "2026-03-01",
    currency: str = "INR",
    **overrides: Any,
) -> int:
    """A promise to pay with its instalments ``(due_on, amount)``, written straight in."""
    row = {
        "client_id": client_id,
        "currency": currency,
        "amount": sum(a for _, a in instalments),
        "promised_on": promised_on,
        "created_by": "test",
        "created_at": NOW,
    }
    row.update(overrides)
    promise_id = db["promises"].insert(row).last_pk
    db["promise_instalments"].insert_all(
        {"promise_id": promise_id, "due_on": d, "amount": a} for d, a in instalments
    )
    return promise_id


def make_follow_up(db: Database, client_id: int, **overrides: Any) -> int:
    """A logged call, written straight in."""
    row = {
        "client_id": client_id,
        "contacted_on": "2026-03-01",
        "channel": "call",
        "outcome": "reached",
        "note": "",
        "created_by": "test",
        "created_at": NOW,
    }
    row.update(overrides)
    return db["follow_ups"].insert(row).last_pk


def make_user(db: Database, username: str, role: str = "collector", **overrides: Any) -> int:
    """An active user without a usable password (for owners and assignees)."""
    row = {
        "username": username,
        "name": username.title(),
        "email": f"{username}@kaishu.example",
        "role": role,
        "password_hash": "x",
        "created_at": NOW,
        "updated_at": NOW,
    }
    row.update(overrides)
    return db["users"].insert(row).last_pk


def make_write_off(db: Database, invoice_id: int, amount: int, **overrides: Any) -> int:
    """A write-off entry approved by the lead, written straight in."""
    row = {
        "invoice_id": invoice_id,
        "amount": amount,
        "effective_date": "2026-03-31",
        "reason": "test",
        "approved_by": "lead1",
        "created_by": "lead1",
        "created_at": NOW,
    }
    row.update(overrides)
    return db["write_offs"].insert(row).last_pk


def make_recovery(
    db: Database, write_off_id: int, invoice_id: int, receipt_id: int, amount: int, **overrides: Any
) -> int:
    """A recovery after write-off (the cash itself is a separate allocation)."""
    row = {
        "write_off_id": write_off_id,
        "invoice_id": invoice_id,
        "receipt_id": receipt_id,
        "amount": amount,
        "effective_date": "2026-05-10",
        "created_by": "priya",
        "created_at": NOW,
    }
    row.update(overrides)
    return db["write_off_recoveries"].insert(row).last_pk
