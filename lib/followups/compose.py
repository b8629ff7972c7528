"""Composing reminders: which clients get which step today, and each client's one email.

A client gets one email covering all its open undisputed invoices the step is about (the
overdue ones; a courtesy step also those falling due within its days), in the client's
language, signed by its owner, with its statement of account attached as .xlsx. Disputed
invoices never appear in a reminder, and clients under a recovery case get none. A client
who promised to pay on a date not yet reached is put on hold: the preview leaves it out
unless the collector ticks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlite_utils import Database

from lib.aging import open_items
from lib.clients import statement_of_account
from lib.exports import Column, write_xlsx
from lib.followups import policy as pol
from lib.followups import templates as tpl
from lib.followups.promises import promises
from lib.followups.settings import FollowUpSettings
from lib.followups.worklist import NO_FILTERS, Filters, clients_in_recovery
from lib.money import format_money

_EMAIL = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
STATEMENT_HEADINGS = {
    "en": ("Date", "Type", "Reference", "Description", "Debit", "Credit", "Balance", "Currency"),
    "ja": ("日付", "区分", "参照番号", "摘要", "請求額", "入金額", "残高", "通貨"),
}
KINDS = {
    "en": {"opening": "Opening balance", "invoice": "Invoice", "receipt": "Payment"},
    "ja": {"opening": "繰越残高", "invoice": "請求", "receipt": "入金", "deduction": "控除"},
}


@dataclass
class Draft:
    """One client's reminder for one step: who, which invoices, and once rendered, what."""

    client: dict[str, Any]
    step: dict[str, Any]
    items: list[dict[str, Any]]
    to: list[str] = field(default_factory=list)
    problem: str = ""  # why it cannot be sent: no email address, no template
    hold: str = ""  # why it is better not sent today (a promise not yet due)
    sent_on: str | None = None  # this step was already emailed on this day (since it fell due)
    sender: dict[str, str] = field(default_factory=dict)  # who signs: name and email
    subject: str = ""
    text: str = ""
    html: str = ""
    attachment_name: str = ""
    attachment: bytes = b""

    @property
    def totals(self) -> dict[str, int]:
        """Outstanding per currency over the invoices the email covers."""
        out: dict[str, int] = {}
        for item in self.items:
            out[item["currency"]] = out.get(item["currency"], 0) + item["outstanding"]
        return out


def recipients(text: str | None) -> list[str]:
    """The addresses in a client's email field (several may be separated by , or ;)."""
    return _EMAIL.findall(text or "")


SENT = """
SELECT client_id, step_id, MAX(prepared_on) AS day FROM emails
 WHERE status IN ('sent', 'prepared') AND prepared_on <= :as_of GROUP BY client_id, step_id
"""


def due_reminders(
    db: Database, as_of: date, filters: Filters = NO_FILTERS, step_code: str = "", grace: int = 3
) -> list[Draft]:
    """The reminders due on ``as_of``: one per client whose step is an email step not yet
    emailed since it fell due (those emailed today stay in, with ``sent_on`` set)."""
    policy = pol.steps(db)
    by_client: dict[int, list[dict[str, Any]]] = {}
    for item in open_items(db, as_of):
        if not item["disputed"]:
            by_client.setdefault(item["client_id"], []).append(item)
    sent = {(r["client_id"], r["step_id"]): r["day"] for r in db.query(SENT, {"as_of": str(as_of)})}
    held = {
        p["client_id"]: p["text"]
        for p in promises(db, as_of, grace, latest=True)
        if p["verdict"].state == "pending" and not p["verdict"].in_grace
    }
    skip = clients_in_recovery(db, as_of)
    drafts = []
    for client in db.query("SELECT * FROM clients WHERE active = 1 ORDER BY client_code"):
        items = by_client.get(client["id"])
        if not items or client["id"] in skip or not _wanted(client, items, filters):
            continue
        worst = max(i["days_past_due"] for i in items)
        step = pol.step_for(policy, worst)
        if not step or step["channel"] != "email" or step_code not in ("", step["code"]):
            continue
        fell_due = (as_of - timedelta(days=worst - step["days"])).isoformat()
        last = sent.get((client["id"], step["id"]))
        if last and last >= fell_due and last != as_of.isoformat():
            continue
        covered = [i for i in items if i["days_past_due"] >= min(step["days"], 1)]
        today = last if last == as_of.isoformat() else None
        draft = Draft(client, step, covered, recipients(client["email"]), sent_on=today)
        draft.problem = "" if draft.to else "no email address: call instead"
        draft.hold = held.get(client["id"], "")
        drafts.append(draft)
    return drafts


def _wanted(client: dict, items: list[dict], f: Filters) -> bool:
    if (f.owner and client["owner"] != f.owner) or (f.segment and client["segment"] != f.segment):
        return False
    return not (f.currency and all(i["currency"] != f.currency for i in items))


def sender_for(db: Database, client: dict, fallback: dict[str, str]) -> dict[str, str]:
    """Who signs the client's reminders: its owner when that is a user, else ``fallback``."""
    row = db.execute(
        "SELECT name, email FROM users WHERE username = ? AND active = 1", [client["owner"] or ""]
    ).fetchone()
    return {"name": row[0], "email": row[1] or ""} if row else fallback


def context(
    db: Database,
    draft: Draft,
    as_of: date,
    settings: FollowUpSettings,
    sender: dict[str, str],
) -> dict[str, Any]:
    """The merge fields for one client's reminder (see lib.followups.templates)."""
    client, lang = draft.client, draft.client["language"]
    invoices = [
        {
            "invoice_no": i["invoice_no"],
            "invoice_date": tpl.long_date(i["invoice_date"], lang),
            "due_date": tpl.long_date(i["due_date"], lang),
            "amount": format_money(i["amount"], i["currency"]),
            "outstanding": format_money(i["outstanding"], i["currency"]),
            "currency": i["currency"],
            "days_overdue": max(i["days_past_due"], 0),
            "days_overdue_n": i["days_past_due"],
        }
        for i in draft.items
    ]
    totals = [format_money(v, c) for c, v in sorted(draft.totals.items())]
    oldest = min(draft.items, key=lambda i: i["due_date"])
    banks = [settings.bank_text(c) for c in sorted(draft.totals) if settings.bank_text(c)]
    return {
        "language": lang,
        "client_name": client["name"],
        "client_code": client["client_code"],
        "contact": client.get("contact_name") or tpl.LABELS[lang]["contact"],
        "invoices": invoices,
        "totals": totals,
        "total_text": " + ".join(totals),
        "oldest_due_date": tpl.long_date(oldest["due_date"], lang),
        "days_overdue": max(oldest["days_past_due"], 0),
        "as_of": tpl.long_date(as_of, lang),
        "reply_by": tpl.long_date(as_of + timedelta(days=7), lang),
        "bank_details": "\n\n".join(banks) or "-",
        "promise": _promise(db, client["id"], as_of, settings.grace_days, lang),
        "company_name": settings.company_name,
        "sender_name": sender.get("name", ""),
        "sender_email": sender.get("email", ""),
        "step_name": draft.step["name"],
    }


def _promise(db: Database, client_id: int, as_of: date, grace: int, lang: str) -> dict | None:
    found = promises(db, as_of, grace, client_id=client_id, latest=True)
    if not found or found[0]["verdict"].state not in ("pending", "broken", "partly_kept"):
        return None
    p = found[0]
    last_due = p["instalments"][-1][0] if p["instalments"] else p["promised_on"]
    return {
        "amount": format_money(p["amount"], p["currency"]),
        "due_on": tpl.long_date(last_due, lang),
        "made_on": tpl.long_date(p["promised_on"], lang),
    }


def render_draft(
    db: Database, draft: Draft, as_of: date, settings: FollowUpSettings, sender: dict[str, str]
) -> Draft:
    """Fill in the subject, both bodies and the statement attachment (or ``problem``)."""
    lang = draft.client["language"]
    found = pol.template(db, draft.step["id"], lang) or pol.template(db, draft.step["id"], "en")
    if found is None:
        draft.problem = f"no template for {draft.step['name']}: ask the lead to write one"
        return draft
    draft.sender = sender
    done = tpl.render(found["subject"], found["body"], context(db, draft, as_of, settings, sender))
    draft.subject, draft.text, draft.html = done.subject, done.text, done.html
    draft.attachment_name = f"statement-{draft.client['client_code']}-{as_of.isoformat()}.xlsx"
    draft.attachment = statement_xlsx(db, draft.client["id"], as_of, lang)
    return draft


def statement_xlsx(db: Database, client_id: int, as_of: date, language: str = "en") -> bytes:
    """The client's statement of account for the last twelve months, every currency, as
    one worksheet with an opening balance and a running balance."""
    start = as_of - timedelta(days=365)
    kinds = KINDS.get(language, KINDS["en"])
    rows = [
        {**line, "kind": kinds.get(line["kind"], line["kind"].capitalize())}
        for lines in statement_of_account(db, client_id, as_of, start).values()
        for line in lines
    ]
    h = STATEMENT_HEADINGS.get(language, STATEMENT_HEADINGS["en"])
    columns = [
        Column("date", h[0], width=12),
        Column("kind", h[1], width=14),
        Column("reference", h[2], width=18),
        Column("description", h[3], width=36),
        Column("debit", h[4], "money", width=16),
        Column("credit", h[5], "money", width=16),
        Column("balance", h[6], "money", width=16),
        Column("currency", h[7], width=9),
    ]
    title = "取引明細書" if language == "ja" else "Statement"
    return write_xlsx(rows, columns, title=title)
