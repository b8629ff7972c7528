"""The escalation policy: ordered steps keyed to days past due, and their email templates.

The lead edits both; the worklist and the reminders read them. A client's step is the last
active step whose day it has reached, counted on its oldest open undisputed invoice (negative
days are before the due date: a courtesy reminder). A step is done once its action happened on
or after the day it fell due: an email of that step sent, or for a call or letter step, a
follow-up on that channel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.followups import STEP_CHANNELS, FollowUpError
from lib.followups import templates as tpl


def steps(db: Database, include_inactive: bool = False) -> list[dict[str, Any]]:
    """The policy's steps in order of days past due."""
    where = "" if include_inactive else " WHERE active = 1"
    return list(db.query(f"SELECT * FROM escalation_steps{where} ORDER BY active DESC, days"))


def step_for(policy: Sequence[dict[str, Any]], days_past_due: int | None) -> dict | None:
    """The step due for a client whose oldest open invoice is ``days_past_due`` days late."""
    if days_past_due is None:
        return None
    due = [s for s in policy if s["active"] and s["days"] <= days_past_due]
    return max(due, key=lambda s: s["days"]) if due else None


def _code(name: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:24] or "step"
    base = base if base[0].isalpha() else f"step_{base}"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def _clean(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    clean = []
    for row in rows:
        name = (row.get("name") or "").strip()
        if not name:
            raise FollowUpError("every step needs a name")
        days = row.get("days")
        if not isinstance(days, int) or isinstance(days, bool) or not -60 <= days <= 3650:
            raise FollowUpError(f"{name}: days past due must be a whole number, -60 to 3650")
        if row.get("channel") not in STEP_CHANNELS:
            raise FollowUpError(f"{name}: channel must be one of {', '.join(STEP_CHANNELS)}")
        clean.append({**row, "name": name, "active": 1 if row.get("active", 1) else 0})
    active_days = [r["days"] for r in clean if r["active"]]
    if len(active_days) != len(set(active_days)):
        raise FollowUpError("two active steps fall on the same day past due")
    return clean


def save_steps(db: Database, actor: Actor, rows: Sequence[dict[str, Any]]) -> int:
    """Replace the policy with ``rows`` (lead only): rows with an ``id`` change that step,
    rows without one add a step, and steps left out are switched off (their history stays).
    Returns how many steps changed."""
    require(actor, "settings")
    wanted = _clean(rows)
    changed = 0
    with transaction(db):
        old = {s["id"]: s for s in steps(db, include_inactive=True)}
        taken = {s["code"] for s in old.values()}
        kept = {r["id"] for r in wanted if r.get("id")}
        # Switch off first so the unique active-day index never sees two steps on one day.
        for step_id in old.keys() - kept:
            changed += _update(db, actor, old[step_id], {"active": 0})
        for row in sorted(wanted, key=lambda r: r["active"]):
            fields = {k: row[k] for k in ("name", "days", "channel", "active")}
            if row.get("id") in old:
                changed += _update(db, actor, old[row["id"]], fields)
                continue
            fields["code"] = _code(row["name"], taken)
            taken.add(fields["code"])
            fields |= {"updated_by": actor.username, "updated_at": utc_now()}
            new_id = db["escalation_steps"].insert(fields).last_pk
            audit.record(db, actor, "escalation_steps", new_id, "create", None, fields)
            changed += 1
    return changed


def _update(db: Database, actor: Actor, old: dict, fields: dict) -> int:
    diff = {k: v for k, v in fields.items() if old[k] != v}
    if not diff:
        return 0
    db["escalation_steps"].update(
        old["id"], {**diff, "updated_by": actor.username, "updated_at": utc_now()}
    )
    before = {k: old[k] for k in diff}
    audit.record(db, actor, "escalation_steps", old["id"], "edit", before, diff)
    return 1


def template(db: Database, step_id: int, language: str) -> dict[str, Any] | None:
    """The template of a step in ``language`` (en or ja), or None when there is none."""
    return next(
        db.query(
            "SELECT * FROM email_templates WHERE step_id = ? AND language = ?",
            [step_id, language],
        ),
        None,
    )


def save_template(
    db: Database, actor: Actor, step_id: int, language: str, subject: str, body: str
) -> None:
    """Store a step's template in ``language`` (lead only) after checking that it renders."""
    require(actor, "settings")
    if language not in tpl.LABELS:
        raise FollowUpError("language must be en or ja")
    tpl.check(subject, body)
    with transaction(db):
        old = template(db, step_id, language)
        fields = {"subject": subject.strip(), "body": body.strip() + "\n"}
        stamp = {"updated_by": actor.username, "updated_at": utc_now()}
        if old is None:
            row = {"step_id": step_id, "language": language, **fields, **stamp}
            new_id = db["email_templates"].insert(row).last_pk
            audit.record(db, actor, "email_templates", new_id, "create", None, row)
            return
        diff = {k: v for k, v in fields.items() if old[k] != v}
        if diff:
            db["email_templates"].update(old["id"], {**diff, **stamp})
            before = {k: old[k] for k in diff}
            audit.record(db, actor, "email_templates", old["id"], "edit", before, diff)
