"""Matching speed and quality: ~100,000 invoices against ~70,000 receipts.

Prints, for a ledger of N and of 2N clients: the time of a full auto-match run, its peak
memory, and precision and recall against the generator's ground truth; then
time(2N)/time(N), which stays near 2 when no step is quadratic. Each size runs in its own
process so memory peaks do not mix.

    .venv/bin/python benchmarks/bench_match.py [--clients 2500]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
AS_OF = date(2026, 11, 20)


def load(db, ledger) -> dict[int, int]:
    """Insert the generated ledger straight into the tables (the import is measured by
    bench_import); returns receipt id → ledger position."""
    now = "2026-11-20T00:00:00Z"
    conn = db.conn
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO clients (client_code, name, name_kana, segment, currency, terms_days,"
        " language, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                c["client_code"],
                c["name"],
                c["name_kana"],
                c["segment"],
                c["currency"],
                c["terms"],
                "ja" if c["currency"] == "JPY" else "en",
                now,
                now,
            )
            for c in ledger.clients
        ],
    )
    ids = {code: i for i, code in conn.execute("SELECT id, client_code FROM clients")}
    conn.executemany(
        "UPDATE clients SET parent_id = ? WHERE id = ?",
        [
            (ids[c["parent_code"]], ids[c["client_code"]])
            for c in ledger.clients
            if c["parent_code"]
        ],
    )
    conn.executemany(
        "INSERT INTO invoices (invoice_no, client_id, invoice_date, due_date, currency, amount,"
        " tax, disputed, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (
                i["invoice_no"],
                ids[i["client_code"]],
                i["invoice_date"],
                i["due_date"],
                i["currency"],
                i["amount"],
                i["tax"],
                int(i["disputed"]),
                now,
                now,
            )
            for i in ledger.invoices
        ],
    )
    mapping = {}
    for n, r in enumerate(ledger.receipts):
        cursor = conn.execute(
            "INSERT INTO receipts (fingerprint, reference, receipt_date, value_date, currency,"
            " amount, fee, payer_name, memo, channel, account, created_at) VALUES"
            " (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                f"bench-{n}",
                r["reference"],
                r["date"],
                r["date"],
                r["currency"],
                r["amount"],
                r["fee"],
                None if r["account"].startswith("HDFC") else r["payer_name"],
                r["memo"],
                r["channel"],
                r["account"],
                now,
            ),
        )
        mapping[cursor.lastrowid] = n
    conn.execute("COMMIT")
    return mapping


def measure(clients: int) -> dict:
    from lib.auth import Actor
    from lib.db import connect
    from lib.demo import generate
    from lib.demo.score import score
    from lib.matching import auto_match

    ledger = generate(as_of=AS_OF, clients=clients)
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(Path(tmp) / "bench.db")
        mapping = load(db, ledger)
        started = time.perf_counter()
        summary = auto_match(db, Actor("bench", "lead", "system"), AS_OF)
        seconds = time.perf_counter() - started
        result = score(db, ledger, mapping)
    return {
        "clients": clients,
        "invoices": len(ledger.invoices),
        "receipts": len(ledger.receipts),
        "seconds": seconds,
        "precision": result.precision,
        "recall": result.recall,
        "wrong": result.wrong,
        "applied": summary.applied,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=2500, help="N; 2N is measured too")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    runs = []
    for clients in (args.clients, 2 * args.clients):
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(clients)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(done.stdout))
    for r in runs:
        print(
            f"{r['clients']:>5} clients: {r['invoices']:>7,} invoices, {r['receipts']:>6,} "
            f"receipts -> auto-match {r['seconds']:6.2f} s, peak {r['peak_mb']:5.0f} MB, "
            f"precision {r['precision']:.4f} ({r['wrong']} wrong), recall {r['recall']:.4f}"
        )
    small, big = runs
    print(
        f"time(2N)/time(N) = {big['seconds'] / small['seconds']:.2f} (target < 2.3); "
        f"full set {big['seconds']:.1f} s (target < 20 s), peak {big['peak_mb']:.0f} MB "
        "(target < 1 GB)"
    )
    print("targets: recall >= 0.97 of applicable receipts, precision >= 0.998")


if __name__ == "__main__":
    main()
