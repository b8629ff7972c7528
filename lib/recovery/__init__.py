"""Recovery cases (issue 6): long-pending and defaulted accounts taken out of ordinary
follow-up into a structured process the legal department and auditors can rely on.

The words below are the team's; the keys are what the database stores (see ``m005_recovery``
in :mod:`lib.db`).
"""

from __future__ import annotations

from lib.db import CASE_STAGES

# The road a case travels, in order; the last three close it.
STAGES: dict[str, str] = {
    "pre_legal_notice": "Pre-legal notice",
    "demand_letter": "Demand letter",
    "legal_referral": "Legal referral",
    "negotiation": "Negotiation",
    "settlement": "Settlement (instalments)",
    "closed_recovered": "Closed: recovered",
    "closed_partly_recovered": "Closed: partly recovered",
    "written_off": "Closed: written off",
}
assert tuple(STAGES) == CASE_STAGES
OPEN_STAGES = CASE_STAGES[:5]
CLOSED_STAGES = CASE_STAGES[5:]

PRIORITIES: dict[str, str] = {
    "urgent": "Urgent",
    "high": "High",
    "normal": "Normal",
    "low": "Low",
}

EVENT_KINDS: dict[str, str] = {
    "notice_sent": "Notice sent",
    "call": "Call",
    "meeting": "Meeting",
    "legal_update": "Legal update",
    "settlement_discussion": "Settlement discussion",
    "document_received": "Document received",
    "letter_issued": "Letter issued",
    "payment": "Payment",
    "note": "Note",
}

LETTER_KINDS: dict[str, str] = {
    "recovery_notice": "Recovery notice",
    "demand_letter": "Demand letter",
}


class RecoveryError(ValueError):
    """A recovery write that cannot be made; the message says why, in the team's words."""
