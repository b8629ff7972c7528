"""Expected collections, back-tested on the demo ledger's own past.

The demo ledger (lib.demo: a year of JPY and INR clients who pay prompt, late or erratically,
with TDS, fees, part payments and disputes) is written matched by its ground truth. Every
two weeks from May to September a forecast is made as of that day, and its 8 weeks are set
against the cash then applied to the invoices open on the day. The error is printed as the
weekly mean absolute percentage error (MAPE) and the weighted one (WAPE: Σ|F − A| ÷ Σ A),
for Kaishu and for the naive forecast "every open invoice is paid on its due date" (overdue
ones in the first week), and the naive one leaving overdue invoices out.

    .venv/bin/python benchmarks/bench_forecast.py [--clients 300] [--every 14]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.db import connect  # noqa: E402
from lib.demo.matched import matched_demo  # noqa: E402
from lib.reports.forecast_check import compare, mape, origins_between, wape  # noqa: E402
from lib.reports.forecast_check import naive as naive_forecast  # noqa: E402

AS_OF = date(2026, 11, 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--every", type=int, default=14, help="days between forecasts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "demo.db")
        counts = matched_demo(db, as_of=AS_OF, clients=args.clients)
        print("demo ledger: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
        origins = origins_between(date(2026, 5, 1), date(2026, 9, 20), args.every)
        started = time.perf_counter()
        rows = []
        for origin in origins:
            part = compare(db, origin, AS_OF)
            left_out = naive_forecast(db, origin, overdue=False)
            for row in part:
                row["naive_due_only"] = left_out.get((row["week"] - 1, row["currency"]), 0)
            rows += part
        took = time.perf_counter() - started
        print(f"{len(origins)} forecasts of 8 weeks ({origins[0]} to {origins[-1]}),"
              f" {took / len(origins):.2f} s each")  # fmt: skip
        print(f"{'':28}{'MAPE':>16}{'WAPE':>16}")
        results = {}
        for key, label in (
            ("forecast", "Kaishu"),
            ("naive", "naive (due date, overdue wk 1)"),
            ("naive_due_only", "naive (due date, overdue out)"),
        ):
            m, w = mape(rows, key), wape(rows, key)
            results[key] = (m, w)
            for currency in sorted(m):
                print(f"{label:32} {currency}  {m[currency]:6.1f} %   {w[currency]:6.1f} %")
        ours = results["forecast"]
        beaten = all(
            ours[k][c] < results[other][k][c]
            for other in ("naive", "naive_due_only")
            for k in (0, 1)
            for c in ours[k]
        )
        print("Kaishu beats both naive forecasts" if beaten else "NAIVE FORECAST NOT BEATEN")
        db.close()
    sys.exit(0 if beaten else 1)


if __name__ == "__main__":
    main()
