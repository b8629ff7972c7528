"""Debtor follow-up: the worklist, the call and email log, promises to pay, disputes, requests
to colleagues, the escalation policy and reminder emails (issue 5).

The words below are the team's; the keys are what the database stores. Modules:
``log`` (writing a follow-up), ``promises`` (kept / partly kept / broken), ``disputes``,
``notes`` (notes, requests, resend tasks, dispatches), ``policy`` (steps and templates),
``scoring`` and ``worklist`` (Today), ``templates`` and ``compose`` (reminder emails),
``mailer`` (SMTP, .eml, idempotent bulk send), ``timeline`` (a client's history).
"""

from __future__ import annotations

CHANNELS: dict[str, str] = {
    "call": "Call",
    "email": "Email",
    "letter": "Letter",
    "visit": "Visit",
    "meeting": "Meeting",
    "whatsapp": "WhatsApp",
}

# What the person said or what happened; "sent" is written by the mailer for reminders.
OUTCOMES: dict[str, str] = {
    "reached": "Reached",
    "no_answer": "No answer",
    "wrong_contact": "Wrong contact",
    "promised": "Promised to pay",
    "disputed": "Disputed",
    "says_paid": "Says paid",
    "asked_statement": "Asked for statement",
    "asked_copy": "Asked for copy invoice",
    "refused": "Refused to pay",
    "sent": "Sent",
}
LOGGABLE_OUTCOMES = tuple(k for k in OUTCOMES if k != "sent")

DISPUTE_REASONS: dict[str, str] = {
    "wrong_amount": "Wrong amount",
    "service_issue": "Service issue",
    "not_received": "Invoice not received",
    "duplicate": "Duplicate invoice",
    "other": "Other",
}

RESOLUTIONS: dict[str, str] = {
    "payable": "Client accepts: payable as billed",
    "credit_note": "Credit note issued",
    "corrected_invoice": "Invoice corrected and reissued",
    "withdrawn": "Client withdrew the dispute",
    "other": "Other",
}

TEAMS: dict[str, str] = {
    "sales": "Sales",
    "client_servicing": "Client servicing",
    "accounts": "Accounts",
    "tokyo_office": "Japanese office (Tokyo)",
}

NOTE_KINDS: dict[str, str] = {
    "note": "Note",
    "request": "Request",
    "resend_invoice": "Resend invoice",
    "send_statement": "Send statement",
}

DISPATCH_CHANNELS: dict[str, str] = {
    "email": "Email",
    "post": "Post",
    "courier": "Courier",
    "portal": "Client portal",
    "hand": "By hand",
}

STEP_CHANNELS: dict[str, str] = {
    "email": "Email",
    "call": "Call",
    "letter": "Letter",
    "recovery": "Recovery case",
}


def dmy(iso: str | None) -> str:
    """An ISO date as the team writes it in text: 25/11/2026 (empty for None)."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}" if iso and len(iso) >= 10 else (iso or "")


class FollowUpError(ValueError):
    """A follow-up write that cannot be made; the message says why, in the team's words."""
