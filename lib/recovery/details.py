"""A case's particulars: who works it, legal counsel, the next deadline or hearing, priority
and tags. Changing them is for collectors and the lead, audited field by field."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.recovery import PRIORITIES, RecoveryError

MAX_TAGS = 10
DETAIL_FIELDS = (
    "assignee",
    "priority",
    "tags",
    "counsel_name",
    "counsel_firm",
    "counsel_email",
    "counsel_phone",
    "next_deadline_on",
    "next_deadline_note",
)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def tags_of(case: dict[str, Any]) -> list[str]:
    """The case's tags as a list."""
    try:
        found = json.loads(case.get("tags") or "[]")
    except json.JSONDecodeError:
        return []
    return [str(t) for t in found] if isinstance(found, list) else []


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags trimmed, lower case, without duplicates; RecoveryError when too many or too long."""
    out: list[str] = []
    for tag in tags:
        text = re.sub(r"\s+", " ", str(tag)).strip().lower()
        if not text or text in out:
            continue
        if len(text) > 30:
            raise RecoveryError(f"keep each tag under 30 characters ({text[:30]}…)")
        out.append(text)
    if len(out) > MAX_TAGS:
        raise RecoveryError(f"at most {MAX_TAGS} tags")
    return out


def active_user(db: Database, username: str | None) -> str | None:
    """The username when it is an active user (any role), else None."""
    if not username:
        return None
    row = db.execute(
        "SELECT username FROM users WHERE username = ? AND active = 1", [username.strip()]
    ).fetchone()
    return row[0] if row else None


def _clean_details(db: Database, changes: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in DETAIL_FIELDS:
            raise RecoveryError(f"{key} cannot be changed here")
        if isinstance(value, date):
            value = value.isoformat()
        clean[key] = value.strip() if isinstance(value, str) else value
        if clean[key] == "":
            clean[key] = None
    if "assignee" in clean:
        if not clean["assignee"] or not active_user(db, clean["assignee"]):
            raise RecoveryError("assign the case to an active user")
        clean["assignee"] = active_user(db, clean["assignee"])
    if "priority" in clean and clean["priority"] not in PRIORITIES:
        raise RecoveryError("choose a priority")
    if "tags" in clean:
        tags = clean["tags"] or []
        clean["tags"] = json.dumps(clean_tags(tags), ensure_ascii=False)
    if clean.get("counsel_email") and not _EMAIL.fullmatch(clean["counsel_email"]):
        raise RecoveryError(f"not an email address: {clean['counsel_email']}")
    for key in ("counsel_name", "counsel_firm", "next_deadline_note"):
        if clean.get(key) and len(clean[key]) > 200:
            raise RecoveryError("keep names and the deadline note under 200 characters")
    return clean


def update_details(db: Database, actor: Actor, case_id: int, changes: dict[str, Any]) -> int:
    """Change the assignee, counsel, next deadline or hearing, priority or tags of a case;
    returns how many fields changed."""
    require(actor, "recovery")
    clean = _clean_details(db, changes)
    with transaction(db):
        case = db["cases"].get(case_id)
        diff = {k: v for k, v in clean.items() if case[k] != v}
        if diff:
            db["cases"].update(case_id, {**diff, "updated_at": utc_now()})
            before = {k: case[k] for k in diff}
            audit.record(db, actor, "cases", case_id, "edit", before, diff, case["client_id"])
    return len(diff)
