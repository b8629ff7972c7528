"""The demo as the team would find it after a year with Kaishu: the ledger imported through
the importers, the statements matched, a month of calls and promises, the lead's targets and
exchange rates, and a few recovery cases. ``make demo`` and the Home page's button load it.

Everything goes through the lib functions the pages use (so every row has its audit entry),
deterministically for a seed and a date. The ledger itself stays :mod:`lib.demo`'s ground
truth for the matching quality tests; the steps here only add to it.
"""

from __future__ import annotations

import random
import secrets
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib import users
from lib.aging import open_items
from lib.auth import Actor, require
from lib.demo.clients import OWNERS
from lib.demo.load import load_demo
from lib.followups.log import FollowUp, log_follow_up
from lib.matching.run import auto_match
from lib.recovery.demo import demo_cases
from lib.reports import report_settings as rs

# Rates into yen, for the converted totals Tokyo reads (the lead enters the real ones).
RATES = {"INR": "1.78", "USD": "154.20"}
TARGET_SHARE = 0.9  # a month's target: 90 % of what fell due that month
OUTCOMES = ("reached", "no_answer", "promised", "reached", "no_answer", "asked_statement")
NOTES = {
    "reached": "Spoke to accounts; the payment run is on Friday",
    "no_answer": "No answer; left a message with the front desk",
    "promised": "Finance head promised the overdue amount by transfer",
    "asked_statement": "Asked for the statement of account again",
}
TEAM = {name: (name.title(), "collector") for name in OWNERS} | {"meera": ("Meera", "intern")}


def load_showcase(
    db: Database, actor: Actor, as_of: date, clients: int = 300, force: bool = False
) -> dict[str, Any]:
    """Load the whole demo as of ``as_of`` into an empty database (lead only); returns what
    each step did."""
    require(actor, "load_demo")
    result = load_demo(db, actor, as_of=as_of, clients=clients, force=force)
    result["team"] = demo_team(db, actor)
    result["matched"] = auto_match(db, actor, as_of).applied
    result["follow_ups"] = demo_follow_ups(db, as_of)
    result["targets"] = demo_targets(db, actor, as_of)
    result["recovery_cases"] = demo_cases(db, actor, as_of)
    return result


def demo_team(db: Database, actor: Actor) -> list[str]:
    """Accounts for the demo's collectors and an intern, so their clients, tasks and cases
    have owners who exist. Each gets a random password nobody knows: the lead sets a real one
    on the Users page to sign in as them (there is no default password)."""
    made = []
    for username, (name, role) in TEAM.items():
        if users.get_user(db, username) is None:
            users.add_user(db, actor, username, name, role, secrets.token_urlsafe(24))
            made.append(username)
    return made


def demo_follow_ups(db: Database, as_of: date, seed: int = 11) -> int:
    """A month of calls by each client's owner to about half the clients with overdue money,
    some ending in a promise (judged later from what was received); returns how many."""
    rng = random.Random(seed)
    late: dict[int, dict[str, int]] = {}
    for item in open_items(db, as_of):
        if item["days_past_due"] > 0 and not item["disputed"]:
            owed = late.setdefault(item["client_id"], {})
            owed[item["currency"]] = owed.get(item["currency"], 0) + item["outstanding"]
    owners = {r["id"]: r["owner"] for r in db.query("SELECT id, owner FROM clients")}
    made = 0
    for client_id, owed in sorted(late.items()):
        if rng.random() > 0.5:
            continue
        caller = Actor(owners.get(client_id) or "priya", "collector")
        currency, amount = max(owed.items(), key=lambda kv: kv[1])
        for ago in sorted(rng.sample(range(2, 30), rng.randint(1, 3)), reverse=True):
            made += _call(db, caller, client_id, currency, amount, as_of - timedelta(days=ago), rng)
    return made


def _call(db, caller, client_id, currency, amount, on, rng) -> int:
    outcome = rng.choice(OUTCOMES)
    promise = [(on + timedelta(days=rng.choice((5, 7, 10))), amount)] if amount else []
    entry = FollowUp(
        client_id=client_id,
        channel=rng.choice(("call", "call", "email", "whatsapp")),
        outcome=outcome if promise or outcome != "promised" else "reached",
        note=NOTES[outcome if promise or outcome != "promised" else "reached"],
        next_action_on=on + timedelta(days=7),
        promise=promise if outcome == "promised" else (),
        promise_currency=currency if outcome == "promised" else None,
    )
    log_follow_up(db, caller, entry, on)
    return 1


def demo_targets(db: Database, actor: Actor, as_of: date) -> int:
    """Monthly collection targets for the past year and this month (90 % of what fell due),
    and exchange rates into yen; returns how many targets were set."""
    due: dict[tuple[str, str], int] = {}
    for month, currency, amount in db.execute(
        "SELECT substr(due_date, 1, 7), currency, SUM(amount) FROM invoices"
        " WHERE due_date <= ? GROUP BY 1, 2",
        [as_of.isoformat()[:7] + "-31"],
    ):
        due[(month, currency)] = amount
    first = f"{as_of.year - 1}-{as_of.month:02d}"
    made = 0
    for (month, currency), amount in sorted(due.items()):
        if month >= first:
            made += rs.set_target(db, actor, month, currency, int(amount * TARGET_SHARE))
    for currency, rate in RATES.items():
        rs.set_rate(db, actor, as_of - timedelta(days=1), currency, "JPY", rate)
    return made
