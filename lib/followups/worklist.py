"""Today's worklist: clients with overdue money, in the order to call them, with the reason.

One pass over the open items on ``as_of`` plus a few grouped queries (contacts, promises,
steps done), so 5,000 clients and 100,000 invoices take well under a second. Clients whose
overdue invoices are all disputed, or who are under a recovery case, leave the ordinary list;
the "disputed" filter brings the first back when wanted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.aging import open_items
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups import FollowUpError, scoring
from lib.followups import policy as pol
from lib.followups.promises import promises
from lib.followups.settings import load as load_settings
from lib.money import format_money

BUCKETS = ("1-30", "31-60", "61-90", "90+")
DISPUTE_FILTERS = {
    "": "Hide all-disputed",
    "with": "With a dispute",
    "without": "No disputes",
    "only": "Only all-disputed",
}


@dataclass(frozen=True)
class Filters:
    """What the worklist is narrowed to; empty text means no filter."""

    owner: str = ""
    segment: str = ""
    currency: str = ""
    bucket: str = ""
    disputes: str = ""


NO_FILTERS = Filters()


def clients_in_recovery(db: Database, as_of: date) -> set[int]:
    """Clients under a recovery case on ``as_of`` (opened by then, not closed by then): they
    leave the ordinary worklist and get no reminders; the case's assignee chases them."""
    day = as_of.isoformat()
    return {
        r[0]
        for r in db.execute(
            "SELECT DISTINCT client_id FROM cases WHERE opened_on <= ?"
            " AND (closed_on IS NULL OR closed_on > ?)",
            [day, day],
        )
    }


def bucket(days: int) -> str:
    """The aging bucket of a number of days past due."""
    for label, limit in (("1-30", 30), ("31-60", 60), ("61-90", 90)):
        if days <= limit:
            return label
    return "90+"


def _collect(items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for it in items:
        c = found.setdefault(
            it["client_id"],
            {"facts": scoring.Facts(), "step_days": None, "disputed": 0, "open_late": 0},
        )
        days, disputed = it["days_past_due"], it["disputed"]
        if not disputed and (c["step_days"] is None or days > c["step_days"]):
            c["step_days"] = days
        if days <= 0:
            continue
        c["open_late"] += 1
        if disputed:
            c["disputed"] += 1
            continue
        facts: scoring.Facts = c["facts"]
        cur = it["currency"]
        facts.overdue[cur] = facts.overdue.get(cur, 0) + it["outstanding"]
        facts.weighted_units += scoring.weighted_units(it["outstanding"], cur, days)
        facts.oldest_days = max(facts.oldest_days, days)
    return found


CONTACTS = """
SELECT client_id, MAX(id), contacted_on AS last, next_action_on FROM follow_ups
 WHERE contacted_on <= :as_of AND outcome <> 'sent' GROUP BY client_id
"""  # SQLite takes the bare columns from the row with MAX(id): the latest entry's plan.
STEPS_DONE = """
SELECT client_id, 'step:' || step_id AS what, MAX(prepared_on) AS day FROM emails
 WHERE status IN ('sent', 'prepared') AND prepared_on <= :as_of GROUP BY client_id, step_id
UNION ALL
SELECT client_id, 'channel:' || channel, MAX(contacted_on) FROM follow_ups
 WHERE contacted_on <= :as_of GROUP BY client_id, channel
"""


def _step_done(step: dict, trigger: date, done: dict[str, str]) -> bool:
    if step["channel"] == "email":
        key = f"step:{step['id']}"
    elif step["channel"] in ("call", "letter"):
        key = f"channel:{step['channel']}"
    else:
        return False  # proposing a case is done by opening one: the client then leaves the list
    return done.get(key, "") >= trigger.isoformat()


def worklist(db: Database, as_of: date, filters: Filters = NO_FILTERS) -> list[dict[str, Any]]:
    """The ordered worklist on ``as_of``: one row per client with ``score``, ``reason`` and
    ``parts`` (the score explained), the step due, the promise and the last contact."""
    params = {"as_of": as_of.isoformat()}
    found = _collect(open_items(db, as_of))
    recovery = clients_in_recovery(db, as_of)
    contacts = {r["client_id"]: r for r in db.query(CONTACTS, params)}
    done: dict[int, dict[str, str]] = {}
    for r in db.query(STEPS_DONE, params):
        done.setdefault(r["client_id"], {})[r["what"]] = r["day"]
    grace = load_settings(db).grace_days
    latest = {p["client_id"]: p for p in promises(db, as_of, grace, latest=True)}
    policy = pol.steps(db)
    rows = []
    for client in db.query("SELECT * FROM clients WHERE active = 1"):
        c = found.get(client["id"])
        if not c or not c["open_late"] or client["id"] in recovery:
            continue
        if not _wanted(client, c, filters):
            continue
        rows.append(_row(client, c, contacts, done, latest, policy, as_of))
    rows.sort(key=lambda r: (r["done_today"], -r["score"], -r["weighted"], r["client_code"]))
    return rows


def _wanted(client: dict, c: dict, f: Filters) -> bool:
    facts: scoring.Facts = c["facts"]
    all_disputed = c["disputed"] == c["open_late"]
    if f.disputes == "only":
        if not all_disputed:
            return False
    elif all_disputed and f.disputes != "with":
        return False
    if (f.disputes == "with" and not c["disputed"]) or (f.disputes == "without" and c["disputed"]):
        return False
    if (f.owner and client["owner"] != f.owner) or (f.segment and client["segment"] != f.segment):
        return False
    if f.currency and f.currency not in facts.overdue:
        return not facts.overdue and client["currency"] == f.currency
    return not (f.bucket and facts.overdue and bucket(facts.oldest_days) != f.bucket)


def _row(client, c, contacts, done, latest, policy, as_of) -> dict[str, Any]:
    facts: scoring.Facts = c["facts"]
    contact = contacts.get(client["id"]) or {}
    facts.last_contact = contact.get("last")
    facts.next_action_on = contact.get("next_action_on")
    facts.promise = latest.get(client["id"])
    facts.step = pol.step_for(policy, c["step_days"])
    if facts.step:
        trigger = as_of - timedelta(days=c["step_days"] - facts.step["days"])
        facts.step_done = _step_done(facts.step, trigger, done.get(client["id"], {}))
    points, parts = scoring.score(facts, as_of)
    primary = max(facts.overdue, key=lambda k: facts.overdue[k], default=client["currency"])
    return {
        "client_id": client["id"],
        "client_code": client["client_code"],
        "name": client["name"],
        "segment": client["segment"],
        "owner": client["owner"],
        "phone": client["phone"],
        "email": client["email"],
        "contact_name": client.get("contact_name"),
        "currency": primary or "JPY",
        "overdue": facts.overdue.get(primary, 0),
        "overdue_text": ", ".join(format_money(v, k) for k, v in sorted(facts.overdue.items())),
        "oldest_days": facts.oldest_days,
        "bucket": bucket(facts.oldest_days) if facts.overdue else "disputed",
        "disputed_invoices": c["disputed"],
        "weighted": facts.weighted_units,
        "score": points,
        "parts": parts,
        "reason": scoring.reason(parts),
        "step": facts.step["name"] if facts.step else "",
        "step_channel": facts.step["channel"] if facts.step else "",
        "step_done": facts.step_done,
        "promise": facts.promise["text"] if facts.promise else "",
        "last_contact": facts.last_contact,
        "next_action_on": facts.next_action_on,
        "done_today": facts.last_contact == as_of.isoformat(),
    }


def assign_owner(db: Database, actor: Actor, client_ids: list[int], owner: str) -> int:
    """Give clients to another collector (lead only); returns how many changed owner."""
    require(actor, "assign_work")
    row = db.execute(
        "SELECT username FROM users WHERE username = ? AND active = 1", [owner.strip()]
    ).fetchone()
    if not row:
        raise FollowUpError(f"{owner} is not an active user")
    changed = 0
    with transaction(db):
        for client_id in client_ids:
            old = db["clients"].get(client_id)["owner"]
            if old == row[0]:
                continue
            db["clients"].update(client_id, {"owner": row[0], "updated_at": utc_now()})
            before, after = {"owner": old}, {"owner": row[0]}
            audit.record(db, actor, "clients", client_id, "assign", before, after, client_id)
            changed += 1
    return changed
