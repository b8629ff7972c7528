"""Expected collections from recovery settlements: the instalments a client in a recovery
case has agreed to pay, in the weeks they fall due, scaled by how the case has kept its
instalments so far.

A case's invoices are left out of the history forecast: a client in recovery does not pay on
its usual rhythm. A settlement is the exception, since the client has said what it will pay
and when. Each instalment's unpaid part on the day (what the money received since the
agreement has not covered) is expected in the week it falls due; an instalment already due
or missed is expected in the first week. Each is multiplied by the case's record: the share
of its instalments decided so far (paid, paid late or missed) that was paid, pooled with the
record of every live settlement counted as ``PRIOR`` instalments
(:func:`lib.reports.team_measures.pooled_records`, as for promises).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlite_utils import Database

from lib.recovery.settlements import Instalment, live_on
from lib.reports.periods import week_index
from lib.reports.team_measures import pooled_records

PRIOR = 2.0
_DECIDED = ("paid", "paid_late", "missed")


def kept_shares(plan: list[Instalment]) -> list[float]:
    """For each instalment decided by now, the share of it that was paid."""
    return [min(1.0, i.paid / i.amount) for i in plan if i.status in _DECIDED]


def settlement_receipts(
    db: Database, as_of: date, open_cases: set[int], weeks: int
) -> dict[tuple[int, str, int], float]:
    """Expected cash per (week index, currency, client id) from the live settlements of the
    cases in ``open_cases`` on ``as_of``, over the next ``weeks`` weeks."""
    settlements = live_on(db, as_of)
    _, rates = pooled_records({s["id"]: kept_shares(s["instalments"]) for s in settlements}, PRIOR)
    out: dict[tuple[int, str, int], float] = defaultdict(float)
    for s in settlements:
        if s["case_id"] not in open_cases:
            continue
        rate = rates[s["id"]]
        for instalment in s["instalments"]:
            unpaid = instalment.amount - instalment.paid
            week = week_index(as_of, date.fromisoformat(instalment.due_on))
            if unpaid > 0 and week < weeks:
                out[(week, s["currency"], s["client_id"])] += unpaid * rate
    return dict(out)
