"""A client's whole history as one timeline, newest first: follow-ups and emails, promises,
disputes, notes and requests, invoices sent and resent, receipts and how they were matched,
and the log and stage moves of its recovery cases.

Each event is ``{"date", "at", "kind", "who", "what", "ref"}``: ``date`` the business day,
``at`` the UTC timestamp used to order events of one day, ``ref`` the row it comes from
(for instance ``("emails", 12)`` to open an email's exact content).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlite_utils import Database

from lib.followups import (
    CHANNELS,
    DISPATCH_CHANNELS,
    DISPUTE_REASONS,
    NOTE_KINDS,
    OUTCOMES,
    RESOLUTIONS,
    TEAMS,
    dmy,
)
from lib.followups.promises import STATES, promises
from lib.money import format_money

FOLLOW_UPS = """
SELECT f.*, e.id AS email_id, e.status AS email_status FROM follow_ups f
  LEFT JOIN emails e ON e.follow_up_id = f.id
 WHERE f.client_id = :client AND f.contacted_on <= :as_of
"""
RECEIPTS = """
SELECT r.value_date, r.created_at, r.currency, r.amount, r.payer_name, r.reference,
       a.created_at AS matched_at, a.created_by AS matched_by, a.method,
       GROUP_CONCAT(i.invoice_no, ', ') AS invoices, r.id
  FROM receipts r
  JOIN allocations a ON a.receipt_id = r.id AND a.reversed_at IS NULL
  JOIN invoices i ON i.id = a.invoice_id AND i.client_id = :client
 WHERE r.reversed_at IS NULL AND r.value_date <= :as_of
 GROUP BY r.id
"""


HOW_MATCHED = {"auto": "matched automatically", "manual": "matched"}


def _event(day: str, at: str, kind: str, who: str, what: str, ref: tuple | None = None) -> dict:
    return {"date": day, "at": at or "", "kind": kind, "who": who, "what": what, "ref": ref}


def client_timeline(
    db: Database, client_id: int, as_of: date, grace_days: int
) -> list[dict[str, Any]]:
    """Everything that happened with the client up to ``as_of``, newest first."""
    params = {"client": client_id, "as_of": as_of.isoformat()}
    events = [_follow_up(f) for f in db.query(FOLLOW_UPS, params)]
    for p in promises(db, as_of, grace_days, client_id=client_id):
        plan = ", ".join(
            f"{format_money(a, p['currency'])} by {dmy(d)}" for d, a in p["instalments"]
        )
        state = STATES[p["verdict"].state]
        events.append(
            _event(
                p["promised_on"],
                p["created_at"],
                "Promise",
                p["created_by"],
                f"{state}: {plan}",
                ("promises", p["id"]),
            )
        )
    events += _disputes(db, client_id)
    for n in db.query("SELECT * FROM notes WHERE client_id = ?", [client_id]):
        to = TEAMS.get(n["team"] or "", "") or n["assignee"] or ""
        what = n["body"] + (f" → {to}" if to else "")
        if n["answered_at"]:
            what += f" · answered by {n['answered_by']}: {n['answer']}"
        elif n["kind"] != "note":
            what += " · waiting for the answer"
        events.append(
            _event(
                n["created_at"][:10],
                n["created_at"],
                NOTE_KINDS[n["kind"]],
                n["created_by"],
                what,
                ("notes", n["id"]),
            )
        )
    for d in db.query(
        "SELECT d.*, i.invoice_no FROM invoice_dispatches d JOIN invoices i"
        " ON i.id = d.invoice_id WHERE i.client_id = ?",
        [client_id],
    ):
        what = f"{d['invoice_no']} sent again by {DISPATCH_CHANNELS[d['channel']].lower()}"
        events.append(
            _event(d["sent_on"], d["created_at"], "Invoice resent", d["created_by"], what)
        )
    for r in db.query(RECEIPTS, params):
        what = (
            f"{format_money(r['amount'], r['currency'])} from {r['payer_name'] or 'unknown payer'}"
            f" applied to {r['invoices']}"
            f" ({HOW_MATCHED.get(r['method'], 'matched')} by {r['matched_by']})"
        )
        events.append(_event(r["value_date"], r["created_at"], "Payment", "", what))
    from lib.recovery.caselog import client_events  # issue 6; it imports from followups

    events += client_events(db, client_id)
    events.sort(key=lambda e: (e["date"], e["at"]), reverse=True)
    return [e for e in events if e["date"] <= as_of.isoformat()]


def _follow_up(f: dict) -> dict:
    if f["email_id"]:
        status = "prepared as .eml" if f["email_status"] == "prepared" else "sent"
        what = f"{f['note']} ({status})"
        return _event(
            f["contacted_on"],
            f["created_at"],
            "Email",
            f["created_by"],
            what,
            ("emails", f["email_id"]),
        )
    what = OUTCOMES[f["outcome"]] + (f": {f['note']}" if f["note"] else "")
    if f["next_action_on"]:
        what += f" · next follow-up {dmy(f['next_action_on'])}"
    return _event(
        f["contacted_on"],
        f["created_at"],
        CHANNELS[f["channel"]],
        f["created_by"],
        what,
        ("follow_ups", f["id"]),
    )


def _disputes(db: Database, client_id: int) -> list[dict]:
    events = []
    for d in db.query(
        "SELECT d.*, i.invoice_no FROM disputes d JOIN invoices i ON i.id = d.invoice_id"
        " WHERE i.client_id = ?",
        [client_id],
    ):
        why = DISPUTE_REASONS[d["reason"]] + (f": {d['note']}" if d["note"] else "")
        events.append(
            _event(
                d["opened_on"],
                d["opened_at"],
                "Dispute",
                d["opened_by"],
                f"{d['invoice_no']} disputed · {why}",
            )
        )
        if d["resolved_at"]:
            what = f"{d['invoice_no']} · {RESOLUTIONS[d['resolution']]}: {d['resolution_note']}"
            events.append(
                _event(
                    d["resolved_on"], d["resolved_at"], "Dispute resolved", d["resolved_by"], what
                )
            )
    return events
