"""A busy Monday, simulated: interns logging calls, collectors importing statements and
matching, the lead running aging and exports, all at once on one database file.

Each simulated user is a thread with its own connection, calling the same lib functions the
pages call. Every write is counted as it succeeds, so afterwards the database can be checked
against what was sent: no lost or duplicated writes, no "database is locked" reaching anyone,
and the ledger invariants intact. Used by tests/load/test_load.py and benchmarks/bench_load.py.
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlite_utils import Database

from lib import audit, users
from lib.aging import open_items, summary
from lib.auth import Actor
from lib.db import connect
from lib.demo.load import load_demo
from lib.followups.ledger import client_open_items
from lib.followups.log import FollowUp, log_follow_up
from lib.followups.worklist import worklist
from lib.importing import ImportOptions, import_file
from lib.matching.run import auto_match
from lib.reports import export

PASSWORD = "load test password"
ROLES = {"intern": 5, "collector": 3, "lead": 2}
BROWSER_INTERN = "desk-intern"  # signs in through a real browser, never used by a thread
STATEMENT_HEADER = "Date,Narration,Ref No,Deposit Amt.\r\n"


@dataclass
class Tally:
    """What the simulated users did, as they saw it."""

    ops: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    follow_ups: dict[str, list[int]] = field(default_factory=dict)
    follow_up_ms: list[float] = field(default_factory=list)
    write_ms: list[float] = field(default_factory=list)
    receipts_sent: int = 0
    receipts_imported: int = 0
    reimports_added: int = 0
    lock = threading.Lock()

    def add(self, what: str, ms: float, write: bool) -> None:
        with self.lock:
            self.ops[what] += 1
            if write:
                self.write_ms.append(ms)

    @property
    def writes(self) -> int:
        return len(self.write_ms)


def prepare(path: Path, as_of: date, clients: int = 80) -> None:
    """A database with the demo ledger (dated ``as_of``) and the simulated team."""
    db = connect(path)
    lead = users.create_first_lead(db, "lead0", "Lead Zero", PASSWORD)
    load_demo(db, lead, as_of=as_of, clients=clients)
    for role, count in ROLES.items():
        for n in range(count):
            name = f"{role}{n}"
            if name != "lead0":
                users.add_user(db, lead, name, name.title(), role, PASSWORD)
    users.add_user(db, lead, BROWSER_INTERN, "Desk Intern", "intern", PASSWORD)
    db.close()


def _timed(tally: Tally, what: str, write: bool, call: Callable, *args: object) -> object:
    started = time.perf_counter()
    try:
        result = call(*args)
    except Exception as exc:  # every failure a user would have seen is a finding
        with tally.lock:
            tally.errors.append(f"{what}: {type(exc).__name__}: {exc}")
            tally.errors.append(traceback.format_exc(limit=3))
        return None
    tally.add(what, (time.perf_counter() - started) * 1000, write)
    return result


def intern(path: Path, me: Actor, as_of: date, stop: threading.Event, tally: Tally) -> None:
    """Log call after call on Today's list, as an intern does all day."""
    db, rng = connect(path), random.Random(me.username)
    mine = tally.follow_ups.setdefault(me.username, [])
    rows = _timed(tally, "worklist", False, worklist, db, as_of) or []
    n = 0
    while not stop.is_set() and rows:
        row = rows[n % len(rows)]
        n += 1
        items = client_open_items(db, row["client_id"], as_of)
        late = sum(i["outstanding"] for i in items if i["days_past_due"] > 0)
        outcome = rng.choice(["reached", "no_answer", "promised"]) if late else "no_answer"
        entry = FollowUp(
            client_id=row["client_id"],
            channel="call",
            outcome=outcome,
            note=f"load call {n}",
            promise=[(as_of + timedelta(days=7), late)] if outcome == "promised" else (),
            promise_currency=row["currency"] if outcome == "promised" else None,
        )
        started = time.perf_counter()
        made = _timed(tally, "log follow-up", True, log_follow_up, db, me, entry, as_of)
        if made:
            with tally.lock:
                mine.append(int(made))
                tally.follow_up_ms.append((time.perf_counter() - started) * 1000)
        if n % 15 == 0:
            rows = _timed(tally, "worklist", False, worklist, db, as_of) or rows
    db.close()


def _statement(db: Database, worker: str, n: int, rng: random.Random, as_of: date) -> bytes:
    """A small Indian bank statement: two open invoices paid by number (while any are left)
    and two credits from payers nobody knows, which land in suspense."""
    items = [i for i in open_items(db, as_of) if i["currency"] == "INR"]
    lines = [STATEMENT_HEADER]
    paying = [(i["client_name"], i["invoice_no"], i["outstanding"]) for i in items]
    unknown = [("UNKNOWN TRADERS", "ADVANCE", rng.randint(1_000, 99_999) * 100) for _ in "ab"]
    for k, (payer, text, amount) in enumerate(rng.sample(paying, min(2, len(paying))) + unknown):
        ref = f"LOAD{worker}{n:05d}{k}"
        lines.append(
            f"{as_of:%d/%m/%Y},NEFT/{ref}/{payer[:20].upper()}/{text},{ref},"
            f'"{amount // 100:,}.{amount % 100:02d}"\r\n'
        )
    return "".join(lines).encode("utf-8")


def collector(path: Path, me: Actor, as_of: date, stop: threading.Event, tally: Tally) -> None:
    """Import a statement, import it again (a double click), then auto-match, over and over."""
    db, rng = connect(path), random.Random(me.username)
    options = ImportOptions(kind="receipts", currency="INR", account=f"HDFC-{me.username}")
    n = 0
    while not stop.is_set():
        n += 1
        data = _statement(db, me.username, n, rng, as_of)
        name = f"{me.username}-{n}.csv"
        done = _timed(tally, "import statement", True, import_file, db, me, data, name, options)
        if done is not None:
            with tally.lock:
                tally.receipts_sent += data.count(b"\r\n") - 1
                tally.receipts_imported += done.imported
        again = _timed(tally, "re-import", False, import_file, db, me, data, name, options)
        if again is not None:
            with tally.lock:
                tally.reimports_added += again.imported
        _timed(tally, "auto-match", True, auto_match, db, me, as_of)
    db.close()


def lead(path: Path, me: Actor, as_of: date, stop: threading.Event, tally: Tally) -> None:
    """Aging, exports, the whole team's worklist and the audit log, as the lead does."""
    db = connect(path)
    out = Path(tempfile.mkdtemp(prefix="kaishu-load-"))
    while not stop.is_set():
        _timed(tally, "aging summary", False, summary, db, as_of)
        _timed(tally, "export open items", False, export, db, "open-items", out / "o.xlsx", as_of)
        _timed(tally, "worklist (team)", False, worklist, db, as_of)
        _timed(tally, "audit search", False, audit.search, db, me)
    db.close()


WORKERS = {"intern": intern, "collector": collector, "lead": lead}


def run(
    path: Path, seconds: float, as_of: date, during: Callable[[float], None] | None = None
) -> Tally:
    """Run the whole simulated team for ``seconds``; returns what they did. ``during`` is
    called with the deadline (a ``time.time()``) on this thread meanwhile, e.g. to drive real
    browser sessions against the same database."""
    tally, stop = Tally(), threading.Event()
    threads = []
    for role, count in ROLES.items():
        for n in range(count):
            me = Actor(f"{role}{n}", role, name=f"{role}{n}")
            target = WORKERS[role]
            threads.append(threading.Thread(target=target, args=(path, me, as_of, stop, tally)))
    for thread in threads:
        thread.start()
    deadline = time.time() + seconds
    try:
        if during:
            during(deadline)
        time.sleep(max(0.0, deadline - time.time()))
    finally:
        stop.set()
    for thread in threads:
        thread.join(timeout=120)
    return tally


INVARIANTS = {
    "invoices settled beyond their amount": """
        SELECT COUNT(*) FROM invoices i JOIN invoice_settled s ON s.invoice_id = i.id
         WHERE s.settled > i.amount OR s.settled < 0""",
    "receipts applied beyond their amount": """
        SELECT COUNT(*) FROM receipts r JOIN receipt_applied a ON a.receipt_id = r.id
         WHERE a.applied > r.amount""",
    "statement lines of this run imported twice": """
        SELECT COUNT(*) FROM (SELECT reference FROM receipts WHERE reference LIKE 'LOAD%'
         GROUP BY reference, account HAVING COUNT(*) > 1)""",
    "invoices whose kept total differs from their entries": """
        SELECT COUNT(*) FROM invoice_settled s JOIN invoices i ON i.id = s.invoice_id
         WHERE i.settled <> s.settled""",
    "follow-ups without their audit entry": """
        SELECT COUNT(*) FROM follow_ups f WHERE NOT EXISTS (SELECT 1 FROM audit_log a
         WHERE a.table_name = 'follow_ups' AND a.row_id = f.id AND a.action = 'create')""",
}


def ledger_problems(db: Database, as_of: date) -> list[str]:
    """Broken invariants, in words; empty when the ledger is whole."""
    problems = [
        f"{name}: {count}"
        for name, sql in INVARIANTS.items()
        if (count := db.execute(sql).fetchone()[0])
    ]
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    far = as_of + timedelta(days=3650)
    totals: Counter = Counter()
    for item in open_items(db, far):
        totals[item["currency"]] += item["outstanding"]
    expected = Counter()
    for cur, amount in db.execute(
        "SELECT i.currency, SUM(i.amount - s.settled) FROM invoices i JOIN invoice_settled s"
        " ON s.invoice_id = i.id WHERE i.voided_at IS NULL GROUP BY i.currency"
    ):
        expected[cur] = amount
    if +totals != +expected:
        problems.append(f"open-items total {dict(totals)} differs from the ledger {expected}")
    return problems


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` fall (0 for none)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def figures(tally: Tally, seconds: float, browsers: int = 0, browser_writes: int = 0) -> str:
    """The run in a few lines: users held, throughput, latency of a follow-up write."""
    calls, writes = tally.follow_up_ms, tally.writes + browser_writes
    return (
        f"users held: {sum(ROLES.values())} simulated + {browsers} browser sessions for "
        f"{seconds:.0f} s\n"
        f"writes: {writes:,} ({writes / seconds:.1f}/s), of which {len(calls):,} follow-ups, "
        f"{tally.receipts_imported:,} receipts imported, "
        f"{browser_writes} calls saved through the browser\n"
        f"follow-up write latency: median {percentile(calls, 0.5):.0f} ms, p95 "
        f"{percentile(calls, 0.95):.0f} ms, p99 {percentile(calls, 0.99):.0f} ms, worst "
        f"{max(calls, default=0):.0f} ms\n"
        f"errors reaching a user: {len(tally.errors) // 2}; operations: {dict(tally.ops)}"
    )
