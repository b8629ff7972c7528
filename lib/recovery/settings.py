"""Recovery settings the lead keeps: the interest rate, the days a notice or a demand letter
gives to pay, the letterhead, the signatory and the attachment size limit.

They live in the ``settings`` table under ``recovery.*`` keys. Our company name and the bank
details per currency are the follow-up settings (:mod:`lib.followups.settings`), reused here
so letters and reminders never disagree. Changes are the lead's, in one transaction, audited
with the old and the new value.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from lib import settings as store
from lib.auth import Actor, require
from lib.db import transaction
from lib.recovery import RecoveryError

PREFIX = "recovery."
MB = 1024 * 1024
MAX_RATE_BP = 10_000  # 100 % a year: anything above is a typing mistake
MAX_ATTACHMENT_MB = 50


@dataclass(frozen=True)
class RecoverySettings:
    """What letters, interest and attachments need to know."""

    interest_rate_bp: int = 0  # annual rate in basis points; 0 = no interest charged
    notice_days: int = 14  # a recovery notice asks for payment within this many days
    demand_days: int = 7  # a demand letter, within this many
    letterhead: str = ""  # address lines under our company name, one per line
    signatory_name: str = ""
    signatory_title: str = ""
    attachment_limit_mb: int = 10

    @property
    def attachment_limit(self) -> int:
        """The largest attachment accepted, in bytes."""
        return self.attachment_limit_mb * MB

    def rate_text(self) -> str:
        """The rate as people write it: ``14.6%`` (empty when no interest is charged)."""
        if not self.interest_rate_bp:
            return ""
        whole, frac = divmod(self.interest_rate_bp, 100)
        return f"{whole}.{frac:02d}".rstrip("0").rstrip(".") + "%"

    def pay_days(self, kind: str) -> int:
        """Days a letter of ``kind`` gives the client to pay."""
        return self.demand_days if kind == "demand_letter" else self.notice_days


_INTS = {
    "interest_rate_bp": (0, MAX_RATE_BP),
    "notice_days": (1, 90),
    "demand_days": (1, 90),
    "attachment_limit_mb": (1, MAX_ATTACHMENT_MB),
}
_TEXTS = ("letterhead", "signatory_name", "signatory_title")


def load(db: Database) -> RecoverySettings:
    """The current settings, with defaults for anything never set."""
    values = store.under(db, PREFIX)
    default = RecoverySettings()
    ints = {
        k: int(values[k]) if values.get(k, "").isdigit() else getattr(default, k) for k in _INTS
    }
    texts = {k: values.get(k, getattr(default, k)) for k in _TEXTS}
    return RecoverySettings(**ints, **texts)


def check(new: RecoverySettings) -> None:
    """Raise RecoveryError saying which value is out of range."""
    labels = {
        "interest_rate_bp": "the interest rate must be 0–100 % a year",
        "notice_days": "a notice gives 1–90 days to pay",
        "demand_days": "a demand letter gives 1–90 days to pay",
        "attachment_limit_mb": f"the attachment limit must be 1–{MAX_ATTACHMENT_MB} MB",
    }
    for key, (low, high) in _INTS.items():
        value = getattr(new, key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise RecoveryError(labels[key])
    if len(new.letterhead) > 600:
        raise RecoveryError("keep the letterhead under 600 characters")


def save(db: Database, actor: Actor, new: RecoverySettings) -> int:
    """Store changed settings (lead only); returns how many values changed."""
    require(actor, "settings")
    check(new)
    wanted = {k: str(getattr(new, k)) for k in _INTS}
    wanted |= {k: getattr(new, k).strip() for k in _TEXTS}
    default = RecoverySettings()
    defaults = {k: str(getattr(default, k)) for k in (*_INTS, *_TEXTS)}
    with transaction(db):
        return store.put_all(db, actor, PREFIX, wanted, defaults)
