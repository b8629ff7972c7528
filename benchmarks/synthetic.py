"""A large synthetic ledger for the report benchmarks, written with fast bulk inserts.

``build(path, open_invoices, allocations)`` makes clients in JPY and INR with segments,
owners and head offices; invoices over two years; receipts with one allocation each (part
payments of open invoices, and full payments of settled ones); TDS and fee deductions,
write-offs with a few recoveries, follow-ups, promises, targets and recovery cases, so that
every report has real work to do. Deterministic for its arguments.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from pathlib import Path

from lib.db import connect, transaction
from lib.recovery import OPEN_STAGES

AS_OF = date(2026, 11, 20)
NOW = "2026-11-20T03:00:00.000000Z"
OWNERS = ("priya", "rahul", "anita", "vikram", "sneha", "kenji", "meera", "arjun")
SEGMENTS = ("client",) * 6 + ("franchisee",) * 3 + ("partner",)


def build(path: Path, open_invoices: int = 100_000, allocations: int = 200_000) -> dict:
    """Write the ledger to a fresh database at ``path``; returns the row counts."""
    rng = random.Random(11)
    path.unlink(missing_ok=True)
    db = connect(path)
    started = time.perf_counter()
    clients = max(50, open_invoices // 20)
    # Each open invoice gets one part payment; the rest of the allocations pay off settled
    # invoices in full (one allocation each).
    settled_invoices = max(0, allocations - open_invoices)
    with transaction(db):
        client_rows = _clients(db, rng, clients)
        invoices = _invoices(db, rng, client_rows, open_invoices + settled_invoices)
        rng.shuffle(invoices)
        _payments(db, rng, invoices[:open_invoices], invoices[open_invoices:])
        _extras(db, rng, client_rows, invoices[:open_invoices])
    db.execute("ANALYZE")
    counts = {t: db[t].count for t in ("clients", "invoices", "receipts", "allocations")}
    db.close()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _clients(db, rng: random.Random, count: int) -> list[tuple[int, str]]:
    rows = []
    for n in range(1, count + 1):
        currency = "JPY" if rng.random() < 0.55 else "INR"
        rows.append(
            (
                f"S{n:06d}",
                f"Synthetic {'株式会社' if currency == 'JPY' else 'Pvt Ltd'} {n}",
                rng.choice(SEGMENTS),
                rng.choice(OWNERS) if rng.random() < 0.95 else None,
                currency,
                rng.choice((30, 30, 45, 60)),
                NOW,
                NOW,
            )
        )
    db.conn.executemany(
        "INSERT INTO clients (client_code, name, segment, owner, currency, terms_days,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    heads = [r[0] for r in db.execute("SELECT id FROM clients LIMIT ?", [max(5, count // 20)])]
    db.conn.executemany(
        "UPDATE clients SET parent_id = ? WHERE id = ? AND id <> ?",
        [
            (rng.choice(heads), cid, 0)
            for (cid,) in db.execute("SELECT id FROM clients")
            if cid not in heads and rng.random() < 0.1
        ],
    )
    return [(r[0], r[1]) for r in db.execute("SELECT id, currency FROM clients")]


def _amount(rng: random.Random, currency: str) -> int:
    if currency == "JPY":
        return int(min(3_000_000, max(3_000, rng.lognormvariate(11.3, 1.0)))) // 100 * 100
    return int(min(25_00_000, max(1_000, rng.lognormvariate(10.3, 1.1)))) * 100


def _invoices(db, rng: random.Random, clients: list[tuple[int, str]], count: int) -> list[tuple]:
    start = AS_OF - timedelta(days=700)
    rows = []
    for n in range(count):
        client_id, currency = rng.choice(clients)
        day = start + timedelta(days=rng.randrange(700))
        due = day + timedelta(days=rng.choice((30, 30, 45, 60)))
        rows.append(
            (
                f"SYN-{n:07d}",
                client_id,
                day.isoformat(),
                due.isoformat(),
                currency,
                _amount(rng, currency),
                int(rng.random() < 0.03),
                NOW,
                NOW,
            )
        )
    db.conn.executemany(
        "INSERT INTO invoices (invoice_no, client_id, invoice_date, due_date, currency, amount,"
        " disputed, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    ids = db.execute("SELECT id FROM invoices ORDER BY id").fetchall()
    return [(i, *row) for (i,), row in zip(ids, rows, strict=True)]


def _pay_day(rng: random.Random, invoice: tuple, latest: date) -> str:
    due = date.fromisoformat(invoice[4])
    day = min(latest, max(date.fromisoformat(invoice[3]), due + timedelta(rng.randint(-10, 60))))
    return day.isoformat()


def _payments(db, rng: random.Random, still_open: list[tuple], paid: list[tuple]) -> None:
    receipts, allocs = [], []
    for kind, invoices in (("part", still_open), ("full", paid)):
        for inv in invoices:
            invoice_id, client_id, currency, amount = inv[0], inv[2], inv[5], inv[6]
            day = _pay_day(rng, inv, AS_OF)
            part = amount if kind == "full" else max(1, amount * rng.randint(10, 60) // 100)
            receipts.append((f"syn-{invoice_id}", day, day, currency, part, client_id, NOW))
            allocs.append((invoice_id, part, day))
    db.conn.executemany(
        "INSERT INTO receipts (fingerprint, receipt_date, value_date, currency, amount, channel,"
        " client_id, created_at) VALUES (?, ?, ?, ?, ?, 'bank', ?, ?)",
        receipts,
    )
    first = db.execute("SELECT MIN(id) FROM receipts").fetchone()[0]
    db.conn.executemany(
        "INSERT INTO allocations (receipt_id, invoice_id, amount, effective_date, method, rule,"
        f" created_by, created_at) VALUES (?, ?, ?, ?, 'auto', 'bench', 'bench', '{NOW}')",
        [(first + n, inv, amt, day) for n, (inv, amt, day) in enumerate(allocs)],
    )
    # Unapplied money: receipts on account and in suspense.
    extra = []
    for n in range(max(20, len(still_open) // 100)):
        day = (AS_OF - timedelta(days=rng.randrange(120))).isoformat()
        currency = "JPY" if rng.random() < 0.55 else "INR"
        reason = "payer unknown" if n % 3 == 0 else None
        extra.append((f"syn-u{n}", day, day, currency, _amount(rng, currency), reason, NOW))
    db.conn.executemany(
        "INSERT INTO receipts (fingerprint, receipt_date, value_date, currency, amount, channel,"
        " suspense_reason, created_at) VALUES (?, ?, ?, ?, ?, 'bank', ?, ?)",
        extra,
    )


def _extras(db, rng: random.Random, clients: list[tuple[int, str]], still_open: list[tuple]):
    # Deductions and write-offs take a slice of what the part payment left open.
    rows = db.execute(
        "SELECT i.id, i.amount - s.settled, i.due_date FROM invoices i"
        " JOIN invoice_settled s ON s.invoice_id = i.id WHERE i.amount > s.settled"
    ).fetchall()
    deductions, write_offs = [], []
    for invoice_id, left, due in rows:
        roll = rng.random()
        if roll < 0.1 and left > 10:
            deductions.append((invoice_id, left // 10, "tds", due))
        elif roll > 0.995 and left > 10:
            write_offs.append((invoice_id, left // 2, due))
    db.conn.executemany(
        "INSERT INTO deductions (invoice_id, amount, kind, reason, effective_date, created_by,"
        f" created_at) VALUES (?, ?, ?, 'bench', ?, 'bench', '{NOW}')",
        deductions,
    )
    db.conn.executemany(
        "INSERT INTO write_offs (invoice_id, amount, effective_date, reason, approved_by,"
        f" created_by, created_at) VALUES (?, ?, ?, 'bench', 'lead', 'lead', '{NOW}')",
        write_offs,
    )
    _follow_ups(db, rng, clients)
    _cases(db, rng, still_open[:300])
    for month in range(12):
        key = f"{2025 + (month + 11) // 12}-{(month + 11) % 12 + 1:02d}"
        for currency, amount in (("JPY", 900_000_000), ("INR", 1_50_00_000_00)):
            db.execute(
                "INSERT OR REPLACE INTO collection_targets VALUES (?, ?, ?, 'lead', ?)",
                [key, currency, amount, NOW],
            )


def _follow_ups(db, rng: random.Random, clients: list[tuple[int, str]]) -> None:
    calls, promises = [], []
    for client_id, currency in clients:
        for _ in range(rng.randint(0, 4)):
            day = (AS_OF - timedelta(days=rng.randrange(90))).isoformat()
            calls.append((client_id, day, rng.choice(OWNERS)))
        if rng.random() < 0.1:
            made = AS_OF - timedelta(days=rng.randint(1, 60))
            amount = rng.randint(10, 500) * (1000 if currency == "JPY" else 1000_00)
            promises.append((client_id, currency, amount, made))
    db.conn.executemany(
        "INSERT INTO follow_ups (client_id, contacted_on, channel, outcome, created_by,"
        f" created_at) VALUES (?, ?, 'call', 'reached', ?, '{NOW}')",
        calls,
    )
    for client_id, currency, amount, made in promises:
        promise_id = db.execute(
            "INSERT INTO promises (client_id, currency, amount, promised_on, created_by,"
            " created_at) VALUES (?, ?, ?, ?, 'bench', ?)",
            [client_id, currency, amount, made.isoformat(), NOW],
        ).lastrowid
        due = made + timedelta(days=rng.randint(3, 30))
        db.execute(
            "INSERT INTO promise_instalments (promise_id, due_on, amount) VALUES (?, ?, ?)",
            [promise_id, due.isoformat(), amount],
        )


def _cases(db, rng: random.Random, invoices: list[tuple]) -> None:
    for n, inv in enumerate(invoices):
        stage = OPEN_STAGES[n % len(OPEN_STAGES)]
        opened = (AS_OF - timedelta(days=rng.randint(5, 200))).isoformat()
        case_id = db.execute(
            "INSERT INTO cases (case_no, client_id, stage, opened_on, created_by, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, 'lead', ?, ?)",
            [f"RC-SYN-{n:05d}", inv[2], stage, opened, NOW, NOW],
        ).lastrowid
        db.execute(
            "INSERT INTO case_stages (case_id, stage, entered_on, moved_by, moved_at)"
            " VALUES (?, ?, ?, 'lead', ?)",
            [case_id, stage, opened, NOW],
        )
        db.execute(
            "INSERT OR IGNORE INTO case_invoices (case_id, invoice_id, outstanding_at_open,"
            " added_on, added_by) VALUES (?, ?, ?, ?, 'lead')",
            [case_id, inv[0], inv[6], opened],
        )
