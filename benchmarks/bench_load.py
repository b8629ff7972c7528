"""A busy Monday without the browsers: ten simulated users on one database for a while.

    .venv/bin/python benchmarks/bench_load.py [--seconds 60] [--clients 80]

Interns log calls, collectors import statements (each twice, as a double click would) and
auto-match, the lead runs aging, exports, the worklist and the audit log, all at once and
without pauses. Prints users held, writes per second, the follow-up write latency (median,
p95, p99, worst), errors that reached a user, and the ledger checks (tests/load/workload.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.db import connect  # noqa: E402
from lib.ui.context import today  # noqa: E402
from tests.load import workload  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=80)
    args = parser.parse_args()
    as_of = today()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kaishu.db"
        workload.prepare(path, as_of, args.clients)
        tally = workload.run(path, args.seconds, as_of)
        print(workload.figures(tally, args.seconds))
        db = connect(path)
        lost = sum(
            len(ids)
            - db.execute("SELECT COUNT(*) FROM follow_ups WHERE created_by = ?", [u]).fetchone()[0]
            for u, ids in tally.follow_ups.items()
        )
        print(
            f"follow-ups lost or doubled: {lost}; re-imports that added rows: "
            f"{tally.reimports_added}"
        )
        print(f"ledger checks: {workload.ledger_problems(db, as_of) or 'all hold'}")
        for line in tally.errors[:10]:
            print("  ", line)


if __name__ == "__main__":
    main()
