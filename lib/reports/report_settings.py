"""What the lead sets for the reports: aging buckets, the reporting currency, monthly
collection targets per currency, and dated exchange rates.

Buckets and the reporting currency live in ``settings`` (``reports.*`` keys); targets in
``collection_targets``; rates in ``fx_rates`` as decimal text (units of the reporting
currency per one unit of the currency), never float. Every change is the lead's, made in one
transaction and audited with the value before and after.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlite_utils import Database

from lib import audit
from lib import settings as store
from lib.aging import DEFAULT_LIMITS, check_limits
from lib.auth import Actor, require
from lib.db import transaction, utc_now
from lib.money import CURRENCIES
from lib.reports.periods import parse_month

BUCKETS_KEY = "reports.aging_buckets"
REPORTING_KEY = "reports.reporting_currency"
DEFAULT_REPORTING = "JPY"  # the Japanese head office reads the converted totals
MAX_RATE_DIGITS = 12


class SettingsError(ValueError):
    """A report setting that cannot be saved; the message says why."""


def bucket_limits(db: Database) -> tuple[int, ...]:
    """The lead's bucket upper limits in days (default 0, 30, 60, 90, 180)."""
    text = store.get(db, BUCKETS_KEY)
    if not text:
        return DEFAULT_LIMITS
    try:
        return check_limits(json.loads(text))
    except (ValueError, TypeError):
        return DEFAULT_LIMITS  # a damaged setting must not break the meeting


def save_bucket_limits(db: Database, actor: Actor, limits: list[int]) -> bool:
    """Store new bucket limits (lead only); True when they changed."""
    require(actor, "settings")
    try:
        checked = check_limits(limits)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    with transaction(db):
        return store.put(db, actor, BUCKETS_KEY, json.dumps(list(checked)))


def reporting_currency(db: Database) -> str:
    """The currency converted totals are shown in (default JPY)."""
    value = store.get(db, REPORTING_KEY)
    return value if value in CURRENCIES else DEFAULT_REPORTING


def save_reporting_currency(db: Database, actor: Actor, code: str) -> bool:
    """Choose the reporting currency (lead only); True when it changed."""
    require(actor, "settings")
    if code not in CURRENCIES:
        raise SettingsError(f"choose one of {', '.join(CURRENCIES)}")
    with transaction(db):
        return store.put(db, actor, REPORTING_KEY, code)


def targets(db: Database) -> dict[tuple[str, str], int]:
    """Every monthly collection target: (``'YYYY-MM'``, currency) → minor units."""
    return {
        (r["month"], r["currency"]): r["amount"]
        for r in db.query("SELECT month, currency, amount FROM collection_targets")
    }


def set_target(db: Database, actor: Actor, month: str, currency: str, amount: int | None) -> bool:
    """Set (or with ``None`` remove) the collection target for a month and currency, in
    minor units (lead only); True when something changed."""
    require(actor, "settings")
    try:
        key = parse_month(month).isoformat()[:7]
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    if currency not in CURRENCIES:
        raise SettingsError(f"choose one of {', '.join(CURRENCIES)}")
    if amount is not None and (not isinstance(amount, int) or amount < 0):
        raise SettingsError("a target is an amount of zero or more")
    with transaction(db):
        row = db.execute(
            "SELECT amount FROM collection_targets WHERE month = ? AND currency = ?",
            [key, currency],
        ).fetchone()
        old = row[0] if row else None
        if old == amount:
            return False
        if amount is None:
            db.execute(
                "DELETE FROM collection_targets WHERE month = ? AND currency = ?", [key, currency]
            )
        else:
            db.execute(
                "INSERT INTO collection_targets (month, currency, amount, set_by, set_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (month, currency) DO UPDATE SET"
                " amount = excluded.amount, set_by = excluded.set_by, set_at = excluded.set_at",
                [key, currency, amount, actor.username, utc_now()],
            )
        where = {"month": key, "currency": currency}
        audit.record(
            db,
            actor,
            "collection_targets",
            None,
            "edit",
            {**where, "amount": old},
            {**where, "amount": amount},
        )
    return True


def check_rate(text: str) -> str:
    """A rate as the lead typed it (``"1.78"``, ``"0.5617"``) in normalised decimal text;
    SettingsError when it is not a positive number."""
    cleaned = str(text).strip().replace(",", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise SettingsError(f"{text!r} is not a rate; type it like 1.78") from None
    if not value.is_finite() or value <= 0:
        raise SettingsError("a rate is a number above zero")
    if not Decimal("1e-9") <= value <= Decimal("1e9"):
        raise SettingsError("a rate is between 0.000000001 and 1,000,000,000")
    if len(value.normalize().as_tuple().digits) > MAX_RATE_DIGITS:
        raise SettingsError(f"a rate has at most {MAX_RATE_DIGITS} digits")
    return format(value.normalize(), "f")


def rates(db: Database) -> list[dict[str, Any]]:
    """Every exchange rate the lead has entered, newest first."""
    return list(
        db.query(
            "SELECT id, rate_date, currency, reporting_currency, rate, entered_by, entered_at"
            " FROM fx_rates ORDER BY rate_date DESC, currency"
        )
    )


def set_rate(
    db: Database, actor: Actor, rate_date: date, currency: str, reporting: str, rate: str
) -> bool:
    """Enter the rate of ``currency`` in ``reporting`` currency on ``rate_date`` (lead
    only); a second entry for the same day corrects the first, audited."""
    require(actor, "settings")
    if currency not in CURRENCIES or reporting not in CURRENCIES:
        raise SettingsError(f"choose currencies among {', '.join(CURRENCIES)}")
    if currency == reporting:
        raise SettingsError("a rate converts one currency into another")
    text = check_rate(rate)
    day = rate_date.isoformat()
    with transaction(db):
        old = db.execute(
            "SELECT rate FROM fx_rates WHERE rate_date = ? AND currency = ?"
            " AND reporting_currency = ?",
            [day, currency, reporting],
        ).fetchone()
        if old and old[0] == text:
            return False
        db.execute(
            "INSERT INTO fx_rates (rate_date, currency, reporting_currency, rate, entered_by,"
            " entered_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (rate_date, currency,"
            " reporting_currency) DO UPDATE SET rate = excluded.rate,"
            " entered_by = excluded.entered_by, entered_at = excluded.entered_at",
            [day, currency, reporting, text, actor.username, utc_now()],
        )
        where = {"rate_date": day, "currency": currency, "reporting_currency": reporting}
        audit.record(
            db,
            actor,
            "fx_rates",
            None,
            "edit" if old else "create",
            {**where, "rate": old[0]} if old else None,
            {**where, "rate": text},
        )
    return True
