"""Expected collections: the receipts the open book should bring in over the next 8 weeks.

Each client's own history says how it pays: for every invoice that fell due in the last 18
months, the days from its due date to the day it was paid in full (cash and deductions), or,
if still unpaid, how long it has been waiting. A weighted survival curve over those days
(recent invoices weigh more; half-life six months) gives, for an open invoice already N days
late, the chance it is paid in each coming week. A client with little history leans on its
segment's curve (same currency; the whole currency's when the segment has none), pooled in
as one invoice's worth of history. Pending
promises come in on their promised dates, scaled by the client's record of keeping
promises; the invoices they cover are forecast only for the part not expected from the
promise. Disputed invoices and invoices in a recovery case are left out (not expected within
8 weeks), except that a case's settlement instalments come in on their due dates, scaled by
the case's record of paying them (:mod:`lib.reports.forecast_settlements`). Amounts are cash:
the client's usual share of deductions (TDS, fees) is taken off.

The forecast covers the invoices open on ``as_of``; bills raised later are not in it, and
"actual" receipts for comparison are the cash applied to those same invoices.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib.aging import Buckets, aging_items
from lib.clients import SEGMENTS
from lib.followups.promises import promises
from lib.followups.settings import load as followup_settings
from lib.reports.forecast_settlements import settlement_receipts
from lib.reports.periods import week_index, weeks_ahead
from lib.reports.team_measures import RESOLVED, cases_as_of, kept_share, pooled_records

WEEKS = 8
HISTORY_DAYS = 540
HALF_LIFE_DAYS = 180.0
# The segment's curve counts as this many invoices of the client's own. Back-tested on the
# demo ledger, 1 to 8 change the error by about a point; 1 lets a client's habit show soonest.
PRIOR_WEIGHT = 1.0
PROMISE_PRIOR = 2.0  # and the team's promise record as this many of the client's promises


@dataclass
class Curve:
    """A survival curve: after day ``times[k]`` the share still unpaid is ``left[k]``."""

    times: list[int]
    left: list[float]
    weight: float

    def unpaid_after(self, day: int) -> float:
        k = bisect_right(self.times, day)
        return self.left[k - 1] if k else 1.0


Days = dict[int, list[float]]  # day after due → [weight paid that day, weight still unpaid]


def tally(samples: list[tuple[int, bool, float]], scale: float = 1.0) -> Days:
    """Samples ``(days after due, paid?, weight)`` summed per day."""
    by_day: Days = defaultdict(lambda: [0.0, 0.0])
    for days, paid, weight in samples:
        by_day[days][0 if paid else 1] += weight * scale
    return by_day


def kaplan_meier(by_day: Days) -> Curve:
    """A weighted Kaplan–Meier curve: an unpaid invoice says only that it was still
    unpaid after so many days, and leaves the count from then on."""
    at_risk = sum(p + u for p, u in by_day.values())
    total = at_risk
    times, left, share = [], [], 1.0
    for day in sorted(by_day):
        paid, unpaid = by_day[day]
        if paid and at_risk > 0:
            share *= 1 - paid / at_risk
            times.append(day)
            left.append(share)
        at_risk -= paid + unpaid
    return Curve(times, left, total)


def survival(samples: list[tuple[int, bool, float]]) -> Curve:
    """The curve of ``(days after due, paid?, weight)`` samples."""
    return kaplan_meier(tally(samples))


def pooled(own: Days, prior: Days) -> Curve:
    """The client's history pooled with its segment's, the segment scaled to weigh as
    :data:`PRIOR_WEIGHT` invoices: a thin history leans on the segment, a long one on
    itself."""
    prior_weight = sum(p + u for p, u in prior.values())
    scale = PRIOR_WEIGHT / prior_weight if prior_weight else 0.0
    merged: Days = defaultdict(lambda: [0.0, 0.0])
    for day, (p, u) in prior.items():
        merged[day] = [p * scale, u * scale]
    for day, (p, u) in own.items():
        merged[day][0] += p
        merged[day][1] += u
    return kaplan_meier(merged)


HISTORY = """
SELECT i.id, i.client_id, i.currency, i.due_date, i.amount, c.segment
  FROM invoices i JOIN clients c ON c.id = i.client_id
 WHERE i.voided_at IS NULL AND i.disputed = 0 AND i.invoice_date <= :as_of
   AND i.due_date >= :since
"""
ENTRIES = """
SELECT x.invoice_id, x.effective_date, x.amount, x.kind FROM (
  SELECT invoice_id, effective_date, amount, 'cash' AS kind FROM allocations
   WHERE reversed_at IS NULL AND effective_date <= :as_of
  UNION ALL
  SELECT invoice_id, effective_date, amount, 'deduction' FROM deductions
   WHERE reversed_at IS NULL AND effective_date <= :as_of
  UNION ALL
  SELECT invoice_id, effective_date, amount, 'write_off' FROM write_offs
   WHERE reversed_at IS NULL AND effective_date <= :as_of
) x JOIN invoices i ON i.id = x.invoice_id
 WHERE i.due_date >= :since AND i.invoice_date <= :as_of
 ORDER BY x.effective_date
"""


@dataclass
class Habits:
    """What the history says about every client: curves and the share paid in cash."""

    curves: dict[int, Curve]
    cash_share: dict[int, float]
    priors: dict[tuple[str, str], Curve]


def habits(db: Database, as_of: date) -> Habits:
    """Each client's payment curve (blended with its segment's) and cash share, from the
    ledger as it stood on ``as_of``."""
    since = as_of - timedelta(days=HISTORY_DAYS)
    params = {"as_of": as_of.isoformat(), "since": since.isoformat()}
    invoices = {row[0]: row for row in db.execute(HISTORY, params)}
    paid: dict[int, int] = defaultdict(int)
    paid_on: dict[int, str] = {}
    written_off: set[int] = set()
    cash: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for invoice_id, day, amount, kind in db.execute(ENTRIES, params):
        invoice = invoices.get(invoice_id)
        if invoice is None:
            continue
        if kind == "write_off":
            written_off.add(invoice_id)
            continue
        cash[invoice[1]][0 if kind == "cash" else 1] += amount
        paid[invoice_id] += amount
        if paid[invoice_id] >= invoice[4] and invoice_id not in paid_on:
            paid_on[invoice_id] = day
    own: dict[int, list[tuple[int, bool, float]]] = defaultdict(list)
    pool: dict[tuple[str, str], list[tuple[int, bool, float]]] = defaultdict(list)
    for invoice_id, (_, client_id, currency, due, _amount, segment) in invoices.items():
        if invoice_id in written_off:
            continue
        due_day = date.fromisoformat(due)
        weight = 0.5 ** (max(0, (as_of - due_day).days) / HALF_LIFE_DAYS)
        if invoice_id in paid_on:
            sample = ((date.fromisoformat(paid_on[invoice_id]) - due_day).days, True, weight)
        else:
            sample = ((as_of - due_day).days, False, weight)
        own[client_id].append(sample)
        pool[(segment, currency)].append(sample)
    everyone: dict[str, list[tuple[int, bool, float]]] = defaultdict(list)
    for (_, currency), samples in pool.items():
        everyone[currency] += samples
    priors = {key: tally(samples) for key, samples in pool.items()}
    # A segment with no history of its own in a currency leans on the whole currency's.
    fallback = {currency: tally(samples) for currency, samples in everyone.items()}
    clients = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, segment, currency FROM clients")}
    curves = {}
    for client_id, (segment, currency) in clients.items():
        prior = priors.get((segment, currency or "")) or fallback.get(currency or "", {})
        mine = tally(own[client_id]) if own.get(client_id) else {}
        if mine or prior:
            curves[client_id] = pooled(mine, prior)
    share = {k: c / (c + d) if c + d else 1.0 for k, (c, d) in cash.items()}
    known = {k: kaplan_meier(v) for k, v in priors.items()}
    for currency, days in fallback.items():
        for segment in SEGMENTS:
            known.setdefault((segment, currency), kaplan_meier(days))
    return Habits(curves, share, known)


def _curve_for(habit: Habits, item: dict[str, Any]) -> Curve | None:
    curve = habit.curves.get(item["client_id"])
    if curve is None:
        curve = habit.priors.get((item["segment"], item["currency"]))
    return curve


def week_shares(curve: Curve, late: int, weeks: int = WEEKS) -> list[float]:
    """For an invoice unpaid ``late`` days after its due date (negative: not yet due), the
    chance it is paid in each of the next ``weeks`` weeks."""
    still = curve.unpaid_after(late)
    if still <= 0:
        return [0.0] * weeks
    marks = [curve.unpaid_after(late + 7 * k) for k in range(weeks + 1)]
    return [(marks[k] - marks[k + 1]) / still for k in range(weeks)]


def _promise_record(db: Database, as_of: date) -> tuple[dict[int, float], list[dict]]:
    grace = followup_settings(db).grace_days
    everything = promises(db, as_of, grace)
    shares: dict[int, list[float]] = defaultdict(list)
    for p in everything:
        if p["verdict"].state in RESOLVED:
            shares[p["client_id"]].append(kept_share(p["verdict"]))
    team, kept = pooled_records(shares, PROMISE_PRIOR)
    kept[0] = team  # clients without a record
    pending = [p for p in everything if p["verdict"].state == "pending"]
    return kept, pending


def forecast(db: Database, as_of: date, weeks: int = WEEKS) -> list[dict[str, Any]]:
    """Expected receipts per week after ``as_of``: rows of week (1..), week_start,
    currency, client_id, client_code, client_name, owner, source (history, promise or
    settlement) and amount in minor units (whole units, rounded)."""
    windows = weeks_ahead(as_of, weeks)
    items = aging_items(db, as_of, Buckets())
    habit = habits(db, as_of)
    kept, pending = _promise_record(db, as_of)
    cases = [case for case in cases_as_of(db, as_of) if case["open_then"]]
    in_case = {i for case in cases for i in case["invoice_ids"]}
    out: dict[tuple, float] = defaultdict(float)
    agreed = settlement_receipts(db, as_of, {case["id"] for case in cases}, weeks)
    for (week, currency, client_id), amount in agreed.items():
        out[(week, currency, client_id, "settlement")] += amount
    meta: dict[int, dict[str, Any]] = {}
    promised: dict[tuple[int, str], float] = defaultdict(float)
    for p in pending:
        rate = kept.get(p["client_id"], kept[0])
        first = p["verdict"].next_due_on or ""
        for due_on, amount in p["instalments"]:
            week = week_index(as_of, date.fromisoformat(due_on))
            if week >= weeks or due_on < first:
                continue  # beyond the horizon, or already covered by what came
            left = p["verdict"].next_due_amount if due_on == first else amount
            out[(week, p["currency"], p["client_id"], "promise")] += left * rate
            promised[(p["client_id"], p["currency"])] += left * rate
    open_total: dict[tuple[int, str], int] = defaultdict(int)
    for item in items:
        if not item["disputed"] and item["invoice_id"] not in in_case:
            open_total[(item["client_id"], item["currency"])] += item["outstanding"]
    for item in items:
        meta[item["client_id"]] = item
        key = (item["client_id"], item["currency"])
        if item["disputed"] or item["invoice_id"] in in_case:
            continue
        curve = _curve_for(habit, item)
        if curve is None:
            continue
        rest = max(0.0, 1 - promised.get(key, 0) / open_total[key]) if open_total[key] else 0
        cash = habit.cash_share.get(item["client_id"], 1.0)
        for week, share in enumerate(week_shares(curve, item["days_past_due"], weeks)):
            if share:
                out[(week, item["currency"], item["client_id"], "history")] += (
                    item["outstanding"] * share * rest * cash
                )
    return _rows(db, out, meta, windows)


def _rows(db, out, meta, windows) -> list[dict[str, Any]]:
    missing = {cid for (_, _, cid, _) in out if cid not in meta}
    for cid in missing:
        row = db.execute(
            "SELECT client_code, name, COALESCE(owner, '') FROM clients WHERE id = ?", [cid]
        ).fetchone()
        meta[cid] = {"client_code": row[0], "client_name": row[1], "owner": row[2]}
    rows = []
    for (week, currency, client_id, source), amount in sorted(out.items()):
        if amount < 0.5:
            continue
        info = meta[client_id]
        rows.append(
            {
                "week": week + 1,
                "week_start": windows[week][0].isoformat(),
                "currency": currency,
                "client_id": client_id,
                "client_code": info["client_code"],
                "client_name": info["client_name"],
                "owner": info["owner"] or "No owner",
                "source": source,
                "amount": int(amount + 0.5),
            }
        )
    return rows
