"""Follow-up speed: Today's worklist for 5,000 clients and ~100,000 invoices, and logging a call.

Targets (issue 5): the worklist in under 1 s; logging a follow-up (write + audit) in under
50 ms. The demo generator makes the ledger (lib.demo.generate), written straight into a
database file (WAL, as the app runs it) with its receipts, matched allocations and deductions,
plus a realistic follow-up history: calls on a third of the clients and promises (kept,
broken, pending) on a tenth. The database is cached in benchmarks/.cache between runs.

    .venv/bin/python benchmarks/bench_worklist.py [--clients 5000] [--rebuild]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / ".cache"
AS_OF = date(2026, 11, 20)
NOW = "2026-11-20T03:00:00.000000Z"

from lib.auth import Actor  # noqa: E402
from lib.db import connect, transaction  # noqa: E402


def build(path: Path, clients: int) -> None:
    """Generate the demo ledger and write it straight into a fresh database."""
    from lib.demo import generate
    from lib.demo.matched import write_matched

    started = time.perf_counter()
    ledger = generate(as_of=AS_OF, clients=clients)
    print(
        f"generated {len(ledger.invoices):,} invoices, {len(ledger.receipts):,} receipts "
        f"in {time.perf_counter() - started:.1f} s"
    )
    path.unlink(missing_ok=True)
    db = connect(path)
    started = time.perf_counter()
    with transaction(db):
        write_matched(db, ledger)  # clients, invoices, receipts matched by the ground truth
        _history(db, [r[0] for r in db.execute("SELECT id FROM clients")])
    db.execute("ANALYZE")
    db.close()
    print(f"written in {time.perf_counter() - started:.1f} s to {path}")


def _history(db, client_ids: list[int]) -> None:
    rng = random.Random(5)
    calls, promises, plans = [], [], []
    for client_id in client_ids:
        if rng.random() < 0.33:
            for _ in range(rng.randint(1, 3)):
                day = AS_OF - timedelta(days=rng.randint(0, 40))
                outcome = rng.choice(["reached", "no_answer", "promised", "says_paid"])
                nxt = (day + timedelta(days=rng.randint(1, 10))).isoformat()
                calls.append((client_id, day.isoformat(), outcome, nxt))
        if rng.random() < 0.10:
            made = AS_OF - timedelta(days=rng.randint(1, 30))
            due = made + timedelta(days=rng.randint(3, 20))
            currency = db.execute(
                "SELECT currency FROM clients WHERE id = ?", [client_id]
            ).fetchone()[0]
            amount = rng.randint(10, 500) * (1000 if currency == "JPY" else 1000_00)
            promises.append((client_id, currency, amount, made.isoformat()))
            plans.append((due.isoformat(), amount))
    db.conn.executemany(
        "INSERT INTO follow_ups (client_id, contacted_on, channel, outcome, next_action_on,"
        " created_by, created_at) VALUES (?, ?, 'call', ?, ?, 'bench', '" + NOW + "')",
        calls,
    )
    for (client_id, currency, amount, made), (due, part) in zip(promises, plans, strict=True):
        promise_id = db.execute(
            "INSERT INTO promises (client_id, currency, amount, promised_on, created_by,"
            " created_at) VALUES (?, ?, ?, ?, 'bench', ?)",
            [client_id, currency, amount, made, NOW],
        ).lastrowid
        db.execute(
            "INSERT INTO promise_instalments (promise_id, due_on, amount) VALUES (?, ?, ?)",
            [promise_id, due, part],
        )


def bench_worklist(db, runs: int = 5) -> list[float]:
    from lib.followups.worklist import worklist

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        rows = worklist(db, AS_OF)
        times.append(time.perf_counter() - started)
    print(f"worklist: {len(rows):,} clients to chase; top reason: {rows[0]['reason']!r}")
    return times


def bench_logging(db, runs: int = 200) -> list[float]:
    from lib.followups.log import FollowUp, log_follow_up

    me = Actor("bench", "intern", name="Bench Intern")
    late = [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT client_id FROM invoices WHERE due_date < ? LIMIT 2000",
            [AS_OF.isoformat()],
        )
    ]
    rng = random.Random(9)
    times = []
    for n in range(runs):
        client_id = rng.choice(late)
        promise = [(AS_OF + timedelta(days=7), 10_000)] if n % 4 == 0 else ()
        entry = FollowUp(
            client_id,
            "call",
            "promised" if promise else "no_answer",
            "benchmark call",
            AS_OF + timedelta(days=3),
            promise=promise,
        )
        started = time.perf_counter()
        log_follow_up(db, me, entry, AS_OF)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    cached = CACHE / f"followups-{args.clients}.db"
    if args.rebuild or not cached.exists():
        build(cached, args.clients)
    work = CACHE / f"followups-{args.clients}-run.db"
    work.write_bytes(cached.read_bytes())  # logging writes; keep the cached ledger clean
    db = connect(work)
    counts = {t: db[t].count for t in ("clients", "invoices", "receipts", "allocations")}
    print("ledger: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    times = bench_worklist(db)
    best, median = min(times) * 1000, statistics.median(times) * 1000
    print(f"worklist: best {best:.0f} ms, median {median:.0f} ms over {len(times)} runs")
    print("  (target < 1000 ms)")
    logs = bench_logging(db)
    p95 = sorted(logs)[int(len(logs) * 0.95)]
    print(
        f"log a follow-up (write + audit): median {statistics.median(logs) * 1000:.1f} ms,"
        f" p95 {p95 * 1000:.1f} ms, max {max(logs) * 1000:.1f} ms over {len(logs)} calls"
        " (target < 50 ms)"
    )
    db.close()
    work.unlink(missing_ok=True)
    ok = statistics.median(times) < 1.0 and p95 < 0.05
    print("targets met" if ok else "TARGETS MISSED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
