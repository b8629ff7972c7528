"""Measures of the team's work for the meeting: promises made and kept, the top overdue
debtors, each collector's activity, and the recovery funnel.

The promise-kept rate is kept promises ÷ promises fallen due, a partly kept promise counting
by the share of the amount that came (DOMAIN.md). Promises are judged as of the date given,
by :mod:`lib.followups.promises`; cancelled and still pending ones are left out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from sqlite_utils import Database

from lib.aging.balances import outstanding_of
from lib.followups.promises import promises
from lib.followups.settings import load as followup_settings
from lib.recovery import CLOSED_STAGES, OPEN_STAGES, STAGES
from lib.reports.periods import month_key, months_back

RESOLVED = ("kept", "partly_kept", "broken")
DEFAULT_KEPT = 0.6  # the record assumed while nobody has yet kept or broken their word
K = TypeVar("K", bound=Hashable)


def kept_share(verdict: Any) -> float:
    """How far one judged promise was kept: 1 kept, 0 broken, the paid share if partly."""
    if verdict.state == "kept":
        return 1.0
    if verdict.state == "partly_kept" and verdict.fallen_due:
        return min(1.0, verdict.paid / verdict.fallen_due)
    return 0.0


def pooled_records(shares: Mapping[K, list[float]], prior: float) -> tuple[float, dict[K, float]]:
    """The team's record, the mean of every share kept (``DEFAULT_KEPT`` when there is none),
    and each key's own record pooled with the team's counted as ``prior`` of its entries: a
    short record leans on the team, a long one on itself."""
    every = [share for own in shares.values() for share in own]
    team = sum(every) / len(every) if every else DEFAULT_KEPT
    return team, {k: (sum(own) + prior * team) / (len(own) + prior) for k, own in shares.items()}


def promise_stats(db: Database, as_of: date, months: int = 6) -> list[dict[str, Any]]:
    """Per month of the last ``months``: promises made (count) and, of the promises whose
    last instalment fell due that month, how many were judged and the kept rate (0–100)."""
    grace = followup_settings(db).grace_days
    first = months_back(as_of, months)[0]
    rows = {
        month_key(m): {"month": month_key(m), "made": 0, "judged": 0, "kept": 0.0}
        for m in months_back(as_of, months)
    }
    for promise in promises(db, as_of, grace):
        verdict = promise["verdict"]
        made = promise["promised_on"][:7]
        if made in rows and verdict.state != "cancelled":
            rows[made]["made"] += 1
        due = max((d for d, _ in promise["instalments"]), default=promise["promised_on"])
        if verdict.state in RESOLVED and due >= first.isoformat() and due[:7] in rows:
            rows[due[:7]]["judged"] += 1
            rows[due[:7]]["kept"] += kept_share(verdict)
    out = []
    for row in rows.values():
        rate = round(row["kept"] * 100 / row["judged"], 1) if row["judged"] else None
        out.append({**row, "kept": round(row["kept"], 2), "kept_rate": rate})
    return out


def kept_rate(db: Database, as_of: date, since: date) -> tuple[float | None, int]:
    """The kept rate (0–100) of promises whose last instalment fell due from ``since`` to
    ``as_of``, and how many were judged."""
    grace = followup_settings(db).grace_days
    shares = []
    for promise in promises(db, as_of, grace):
        due = max((d for d, _ in promise["instalments"]), default=promise["promised_on"])
        if promise["verdict"].state in RESOLVED and since.isoformat() <= due <= as_of.isoformat():
            shares.append(kept_share(promise["verdict"]))
    return (round(sum(shares) * 100 / len(shares), 1) if shares else None), len(shares)


def top_debtors(clients: Iterable[dict[str, Any]], limit: int = 10) -> list[dict[str, Any]]:
    """The ``limit`` clients owing the most overdue money, per currency, from the aging by
    client (:func:`lib.aging.aging_groups` or :func:`lib.aging.aging_table` by "client"):
    client, owner, overdue, open, oldest days late, invoices overdue, rank."""
    out = []
    rows = [r for r in clients if r["overdue"] > 0]
    for currency in sorted({r["currency"] for r in rows}):
        mine = sorted(
            (r for r in rows if r["currency"] == currency),
            key=lambda r: (-r["overdue"], r["group"]),
        )
        for n, r in enumerate(mine[:limit]):
            out.append(
                {
                    "currency": currency,
                    "client_code": r["group"],
                    "client_name": r["client_name"],
                    "owner": r["owner"],
                    "overdue": r["overdue"],
                    "open": r["total"],
                    "oldest_days": r["oldest"],
                    "overdue_invoices": r["overdue_invoices"],
                    "rank": n + 1,
                }
            )
    return out


ACTIVITY = """
SELECT created_by AS who, SUM(outcome <> 'sent') AS logged, SUM(outcome = 'sent') AS reminders,
       SUM(outcome = 'promised') AS promises
  FROM follow_ups WHERE contacted_on BETWEEN :first AND :last GROUP BY created_by
"""
COLLECTED_BY_OWNER = """
SELECT COALESCE(NULLIF(c.owner, ''), '') AS who, i.currency, SUM(a.amount) AS collected
  FROM allocations a JOIN invoices i ON i.id = a.invoice_id JOIN clients c ON c.id = i.client_id
 WHERE a.reversed_at IS NULL AND a.effective_date BETWEEN :first AND :last
 GROUP BY 1, 2
"""


def collector_activity(db: Database, first: date, last: date) -> list[dict[str, Any]]:
    """Per person for ``first``..``last``: follow-ups logged, promises obtained, reminders
    sent, and cash applied on the clients they own (``collected``: currency → minor units).
    "No owner" collects what came in on clients nobody owns."""
    params = {"first": first.isoformat(), "last": last.isoformat()}
    people: dict[str, dict[str, Any]] = {}

    def person(who: str) -> dict[str, Any]:
        blank = {"logged": 0, "promises": 0, "reminders": 0, "collected": {}}
        return people.setdefault(who, {"owner": who or "No owner", **blank})

    for row in db.query(ACTIVITY, params):
        target = person(row["who"])
        target.update(logged=row["logged"], promises=row["promises"], reminders=row["reminders"])
    for row in db.query(COLLECTED_BY_OWNER, params):
        person(row["who"])["collected"][row["currency"]] = row["collected"]
    return sorted(people.values(), key=lambda p: (p["owner"] == "No owner", p["owner"]))


CASES_AS_OF = """
SELECT c.id, c.case_no, c.client_id, cl.client_code, cl.name AS client_name, c.opened_on,
       c.closed_on, c.assignee, c.priority,
       COALESCE((SELECT s.stage FROM case_stages s WHERE s.case_id = c.id
                  AND s.entered_on <= :as_of ORDER BY s.entered_on DESC, s.id DESC LIMIT 1),
                c.stage) AS stage_then
  FROM cases c JOIN clients cl ON cl.id = c.client_id
 WHERE c.opened_on <= :as_of
"""
CASE_INVOICES = """
SELECT ci.case_id, ci.invoice_id, i.currency, i.invoice_no FROM case_invoices ci
  JOIN invoices i ON i.id = ci.invoice_id
 WHERE ci.added_on <= :as_of AND (ci.removed_on IS NULL OR ci.removed_on > :as_of)
"""


def cases_as_of(db: Database, as_of: date) -> list[dict[str, Any]]:
    """Every recovery case opened by ``as_of`` with its stage on that day (from the stage
    history), whether it was open then, and what its invoices still owed per currency."""
    params = {"as_of": as_of.isoformat()}
    cases = {row["id"]: row for row in db.query(CASES_AS_OF, params)}
    links = [row for row in db.query(CASE_INVOICES, params) if row["case_id"] in cases]
    owed = outstanding_of(db, [r["invoice_id"] for r in links], as_of)
    for case in cases.values():
        case["open_then"] = case["stage_then"] in OPEN_STAGES and not (
            case["closed_on"] and case["closed_on"] <= as_of.isoformat()
        )
        case["stage_label"] = STAGES.get(case["stage_then"], case["stage_then"])
        case["outstanding"], case["invoices"], case["invoice_ids"] = {}, [], []
    for link in links:
        case = cases[link["case_id"]]
        case["invoices"].append(link["invoice_no"])
        case["invoice_ids"].append(link["invoice_id"])
        left = owed.get(link["invoice_id"], 0)
        if left > 0:
            case["outstanding"][link["currency"]] = (
                case["outstanding"].get(link["currency"], 0) + left
            )
    return sorted(cases.values(), key=lambda c: (c["opened_on"], c["case_no"]))


def recovery_funnel(db: Database, as_of: date, closed_since: date) -> list[dict[str, Any]]:
    """Per stage in the road's order: open cases on ``as_of`` and what they still owe per
    currency; for the closing stages, the cases closed from ``closed_since`` to ``as_of``."""
    rows = {s: {"stage": s, "label": STAGES[s], "cases": 0, "outstanding": {}} for s in STAGES}
    for case in cases_as_of(db, as_of):
        stage = case["stage_then"]
        closed_lately = stage in CLOSED_STAGES and (case["closed_on"] or "") >= str(closed_since)
        if not (case["open_then"] or closed_lately):
            continue
        row = rows[stage]
        row["cases"] += 1
        for currency, amount in case["outstanding"].items():
            row["outstanding"][currency] = row["outstanding"].get(currency, 0) + amount
    for row in rows.values():
        row["open"] = row["stage"] in OPEN_STAGES
    return list(rows.values())
