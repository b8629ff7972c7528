"""What a case is about in money: at stake, recovered, written off and interest, per currency.

Nothing here is stored: every figure is worked out for ``as_of`` from the ledger, so a receipt
matched today (or unmatched) changes the case at once. Per invoice of the case (not removed,
not voided):

- at stake: its outstanding on ``as_of`` (invoice − allocations − deductions − write-offs
  + recoveries, each effective by then);
- written off: the case's write-offs on it, less what was recovered after them;
- recovered: outstanding when it joined the case − at stake − written off (cash, TDS and
  fees that reached it since, including money recovered after a write-off);
- interest: outstanding × annual rate × days late / 365, in whole minor units (half up).

Per-invoice subqueries use the ``(invoice_id, effective_date)`` indexes, so a case page reads
a handful of rows however large the ledger is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib.aging import SETTLED_ONE

_WRITTEN_OFF = """
  COALESCE((SELECT SUM(amount) FROM write_offs w WHERE w.invoice_id = i.id
            AND w.case_id = ci.case_id AND w.reversed_at IS NULL
            AND w.effective_date <= :as_of), 0)
- COALESCE((SELECT SUM(v.amount) FROM write_off_recoveries v
             JOIN write_offs w ON w.id = v.write_off_id
            WHERE v.invoice_id = i.id AND w.case_id = ci.case_id AND w.reversed_at IS NULL
              AND v.reversed_at IS NULL AND v.effective_date <= :as_of), 0)
"""
LINES = f"""
SELECT ci.case_id, i.id AS invoice_id, i.invoice_no, i.client_id, i.invoice_date, i.due_date,
       i.currency, i.amount, i.disputed, ci.outstanding_at_open, ci.added_on,
       i.amount - ({SETTLED_ONE}) AS outstanding, {_WRITTEN_OFF} AS written_off,
       CAST(julianday(:as_of) - julianday(i.due_date) AS INTEGER) AS days_past_due
  FROM case_invoices ci JOIN invoices i ON i.id = ci.invoice_id
 WHERE ci.removed_on IS NULL AND i.voided_at IS NULL {{scope}}
 ORDER BY ci.case_id, i.due_date, i.invoice_no
"""


def interest(outstanding: int, rate_bp: int, days_late: int) -> int:
    """Simple interest in minor units: outstanding × rate × days / 365, rounded half up.

    ``rate_bp`` is the annual rate in basis points (1,460 = 14.6 %); no interest before the
    due date or on nothing owed. Integers only: money never passes through a float.
    """
    if outstanding <= 0 or rate_bp <= 0 or days_late <= 0:
        return 0
    numerator = outstanding * rate_bp * days_late
    denominator = 10_000 * 365
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass
class Figures:
    """One currency of one case on a day."""

    currency: str
    at_open: int = 0
    at_stake: int = 0
    written_off: int = 0
    interest: int = 0
    invoices: int = 0  # invoices of the case in this currency
    open_invoices: int = 0  # of which still with money at stake

    @property
    def recovered(self) -> int:
        """Money that reached the case's invoices since they joined it."""
        return self.at_open - self.at_stake - self.written_off


@dataclass
class CaseMoney:
    """A case's figures per currency, and its invoice lines."""

    by_currency: dict[str, Figures] = field(default_factory=dict)
    lines: list[dict[str, Any]] = field(default_factory=list)

    def total(self, name: str) -> dict[str, int]:
        """One figure per currency, e.g. ``total("at_stake") == {"JPY": 330000}``."""
        return {c: getattr(f, name) for c, f in sorted(self.by_currency.items())}

    @property
    def nothing_at_stake(self) -> bool:
        return all(f.at_stake <= 0 for f in self.by_currency.values())

    @property
    def anything_written_off(self) -> bool:
        return any(f.written_off > 0 for f in self.by_currency.values())

    @property
    def anything_recovered(self) -> bool:
        return any(f.recovered > 0 for f in self.by_currency.values())


def case_lines(
    db: Database, as_of: date, case_ids: Iterable[int] | None = None, rate_bp: int = 0
) -> list[dict[str, Any]]:
    """The invoices of the given cases (every case when None) with ``outstanding``,
    ``written_off``, ``days_past_due`` and ``interest`` on ``as_of``."""
    params: dict[str, Any] = {"as_of": as_of.isoformat()}
    scope = ""
    if case_ids is not None:
        ids = sorted(set(case_ids))
        if not ids:
            return []
        params |= {f"c{n}": v for n, v in enumerate(ids)}
        scope = "AND ci.case_id IN (" + ",".join(f":c{n}" for n in range(len(ids))) + ")"
    rows = list(db.query(LINES.format(scope=scope), params))
    for row in rows:
        row["outstanding"] = max(row["outstanding"], 0)
        row["interest"] = interest(row["outstanding"], rate_bp, row["days_past_due"])
    return rows


def summarise(lines: Iterable[dict[str, Any]]) -> dict[int, CaseMoney]:
    """Group invoice lines into each case's :class:`CaseMoney`."""
    cases: dict[int, CaseMoney] = {}
    for line in lines:
        money = cases.setdefault(line["case_id"], CaseMoney())
        money.lines.append(line)
        fig = money.by_currency.setdefault(line["currency"], Figures(line["currency"]))
        fig.at_open += line["outstanding_at_open"]
        fig.at_stake += line["outstanding"]
        fig.written_off += line["written_off"]
        fig.interest += line["interest"]
        fig.invoices += 1
        fig.open_invoices += line["outstanding"] > 0
    return cases


def case_money(db: Database, case_id: int, as_of: date, rate_bp: int = 0) -> CaseMoney:
    """The figures of one case on ``as_of`` (empty when it has no invoices left)."""
    return summarise(case_lines(db, as_of, [case_id], rate_bp)).get(case_id, CaseMoney())


def all_case_money(db: Database, as_of: date, rate_bp: int = 0) -> dict[int, CaseMoney]:
    """The figures of every case on ``as_of`` (the board and the list)."""
    return summarise(case_lines(db, as_of, None, rate_bp))
