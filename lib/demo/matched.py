"""The demo ledger written straight into a database, already matched by its ground truth.

Loading the demo through the importers (``load``) leaves matching to the engine; reports,
forecasts and their back-tests want a year of history as it truly was, every receipt applied
to the invoices it paid with its deductions, quickly. This writes clients (with head
offices), invoices, receipts, allocations and deductions in one transaction.
"""

from __future__ import annotations

from datetime import date

from sqlite_utils import Database

from lib.db import transaction
from lib.demo import DemoLedger, generate

NOW = "2026-01-01T00:00:00.000000Z"


def write_matched(db: Database, ledger: DemoLedger) -> dict[str, int]:
    """Write ``ledger`` into an empty ``db`` with its true allocations; returns counts."""
    with transaction(db):
        clients = _clients(db, ledger.clients)
        invoices = _invoices(db, ledger.invoices, clients)
        _receipts(db, ledger, invoices, clients)
    return {t: db[t].count for t in ("clients", "invoices", "receipts", "allocations")}


def matched_demo(
    db: Database, as_of: date = date(2026, 11, 20), clients: int = 300, seed: int = 7
) -> dict[str, int]:
    """Generate the demo ledger and write it matched (see :func:`write_matched`)."""
    return write_matched(db, generate(seed=seed, as_of=as_of, clients=clients))


def _clients(db: Database, rows: list[dict]) -> dict[str, int]:
    db.conn.executemany(
        "INSERT INTO clients (client_code, name, name_kana, segment, owner, email, phone,"
        " language, currency, terms_days, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c["client_code"],
                c["name"],
                c["name_kana"],
                c["segment"],
                c["owner"],
                c["email"],
                c["phone"],
                "ja" if c["currency"] == "JPY" else "en",
                c["currency"],
                c["terms"],
                NOW,
                NOW,
            )
            for c in rows
        ],
    )
    ids = {code: i for i, code in db.execute("SELECT id, client_code FROM clients")}
    db.conn.executemany(
        "UPDATE clients SET parent_id = ? WHERE id = ?",
        [(ids[c["parent_code"]], ids[c["client_code"]]) for c in rows if c["parent_code"]],
    )
    return ids


def _invoices(db: Database, rows: list[dict], clients: dict[str, int]) -> dict[str, int]:
    db.conn.executemany(
        "INSERT INTO invoices (invoice_no, client_id, invoice_date, due_date, currency, amount,"
        " tax, disputed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i["invoice_no"],
                clients[i["client_code"]],
                i["invoice_date"],
                i["due_date"],
                i["currency"],
                i["amount"],
                i["tax"],
                int(bool(i["disputed"])),
                NOW,
                NOW,
            )
            for i in rows
        ],
    )
    return {no: i for i, no in db.execute("SELECT id, invoice_no FROM invoices")}


def _receipts(
    db: Database, ledger: DemoLedger, invoices: dict[str, int], clients: dict[str, int]
) -> None:
    allocations, deductions = [], []
    for n, (r, truth) in enumerate(zip(ledger.receipts, ledger.truth, strict=True)):
        # The client who paid (a head office pays for its branches); none for strangers.
        code = (truth["payer_code"] or truth["client_code"]) if truth["allocations"] else None
        client_id = clients.get(code or "")
        receipt_id = db.execute(
            "INSERT INTO receipts (fingerprint, reference, receipt_date, value_date, currency,"
            " amount, fee, payer_name, memo, channel, account, client_id, suspense_reason,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                f"demo-{n}",
                r["reference"],
                r["date"],
                r["date"],
                r["currency"],
                r["amount"],
                r["fee"],
                r["payer_name"],
                r["memo"],
                r["channel"],
                r["account"],
                client_id,
                None if client_id else "payer unknown",
                NOW,
            ],
        ).lastrowid
        for a in truth["allocations"]:
            invoice_id = invoices[a["invoice_no"]]
            if a["applied"] > 0:
                allocations.append((receipt_id, invoice_id, a["applied"], r["date"]))
            if a["deduction"] > 0:
                kind = a["deduction_kind"] or "other"
                deductions.append((invoice_id, receipt_id, a["deduction"], kind, r["date"]))
    db.conn.executemany(
        "INSERT INTO allocations (receipt_id, invoice_id, amount, effective_date, method, rule,"
        f" created_by, created_at) VALUES (?, ?, ?, ?, 'auto', 'demo', 'demo', '{NOW}')",
        allocations,
    )
    db.conn.executemany(
        "INSERT INTO deductions (invoice_id, receipt_id, amount, kind, reason, effective_date,"
        f" created_by, created_at) VALUES (?, ?, ?, ?, 'demo', ?, 'demo', '{NOW}')",
        deductions,
    )
