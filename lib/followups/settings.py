"""Follow-up settings the lead keeps: promise grace days, our company name, bank details.

They live in the ``settings`` table under ``followups.*`` keys; changes are the lead's, in one
transaction, audited with the old and the new value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from lib import settings as store
from lib.auth import Actor, require
from lib.db import transaction
from lib.followups import FollowUpError
from lib.money import CURRENCIES

DEFAULT_GRACE_DAYS = 3  # a bank transfer and our statement import take a day or two
MAX_GRACE_DAYS = 30
PREFIX = "followups."


@dataclass(frozen=True)
class FollowUpSettings:
    """What reminders and promise evaluation need to know about our side."""

    grace_days: int = DEFAULT_GRACE_DAYS
    company_name: str = "Kaishu Collections"
    bank_details: dict[str, str] = field(default_factory=dict)

    def bank_text(self, currency: str) -> str:
        """Where the client should pay in ``currency`` (empty if the lead has not set it)."""
        return self.bank_details.get(currency, "")


def load(db: Database) -> FollowUpSettings:
    """The current settings, with defaults for anything never set."""
    values = store.under(db, PREFIX)
    grace = values.get("grace_days")
    return FollowUpSettings(
        grace_days=int(grace) if grace and grace.isdigit() else DEFAULT_GRACE_DAYS,
        company_name=values.get("company_name") or FollowUpSettings.company_name,
        bank_details={
            cur: values[f"bank_details.{cur}"]
            for cur in CURRENCIES
            if values.get(f"bank_details.{cur}")
        },
    )


def save(db: Database, actor: Actor, new: FollowUpSettings) -> int:
    """Store changed settings (lead only); returns how many values changed."""
    require(actor, "settings")
    if not 0 <= new.grace_days <= MAX_GRACE_DAYS:
        raise FollowUpError(f"grace must be 0–{MAX_GRACE_DAYS} days")
    if not new.company_name.strip():
        raise FollowUpError("enter our company name: reminders are signed with it")
    wanted = {"grace_days": str(new.grace_days), "company_name": new.company_name.strip()}
    for cur in CURRENCIES:
        wanted[f"bank_details.{cur}"] = new.bank_details.get(cur, "").strip()
    default = FollowUpSettings()
    defaults = {"grace_days": str(default.grace_days), "company_name": default.company_name}
    with transaction(db):
        return store.put_all(db, actor, PREFIX, wanted, defaults)
