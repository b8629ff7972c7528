"""Test data for the recovery tests: a client owed money in two currencies, users for the
three roles, our bank details, and a case opened through lib (not written straight in)."""

from __future__ import annotations

from datetime import date

from builders import make_client, make_invoice, make_receipt, make_user
from sqlite_utils import Database

from lib.aging import open_items
from lib.auth import Actor
from lib.followups import settings as follow_settings
from lib.matching.actions import Line, match
from lib.recovery import cases, settlements
from lib.recovery import settings as recovery_settings

OPENED = date(2026, 6, 1)
AGREED = date(2026, 6, 10)  # the settlement of the case opened on OPENED
PLAN = [(date(2026, 7, 10), 100_000), (date(2026, 8, 10), 100_000), (date(2026, 9, 10), 100_000)]
LEAD = Actor("lead1", "lead", name="Asha Lead")


def ledger(db: Database, team: bool = True) -> dict[str, int]:
    """A Japanese client with two overdue JPY invoices and one INR invoice, our bank details,
    and (with ``team``; an app database has its own) users lead1 (lead), priya (collector)
    and ravi (intern)."""
    for username, role in (("lead1", "lead"), ("priya", "collector"), ("ravi", "intern")):
        if team:
            make_user(db, username, role)
    client = make_client(
        db,
        client_code="JP0100",
        name="株式会社山田商事",
        currency="JPY",
        owner="priya",
        language="ja",
        contact_name="経理部 田中",
        address="東京都千代田区丸の内1-1-1",
    )
    ids = {"client": client}
    for key, amount, cur, due in (
        ("a", 330_000, "JPY", "2026-03-31"),
        ("b", 110_000, "JPY", "2026-04-30"),
        ("c", 1_18_000_00, "INR", "2026-04-15"),
    ):
        ids[key] = make_invoice(
            db,
            client_id=client,
            invoice_no=f"JP-{key.upper()}",
            currency=cur,
            amount=amount,
            tax=0,
            invoice_date="2026-03-01",
            due_date=due,
        )
    banks = {"JPY": "三菱UFJ銀行 本店 普通 1234567", "INR": "HDFC Bank Fort, A/c 5020001234"}
    follow_settings.save(db, LEAD, follow_settings.FollowUpSettings(3, "Kaishu Collections", banks))
    return ids


def open_case(db: Database, ids: dict[str, int], keys: str = "abc", **kw) -> int:
    """Open a case on ``OPENED`` for the invoices named by ``keys``, assigned to priya."""
    return cases.open_case(
        db, LEAD, ids["client"], [ids[k] for k in keys], "long overdue", OPENED, **kw
    )


def set_rate(db: Database, rate_bp: int) -> None:
    """Charge interest at ``rate_bp`` basis points a year."""
    recovery_settings.save(db, LEAD, recovery_settings.RecoverySettings(interest_rate_bp=rate_bp))


def receipt(db: Database, amount: int, value_date: str, currency: str = "JPY", **kw) -> int:
    """An unapplied receipt."""
    return make_receipt(
        db, amount=amount, currency=currency, value_date=value_date, receipt_date=value_date, **kw
    )


def invariant_holds(db: Database, as_of: date = date(2030, 1, 1)) -> bool:
    """Per currency: open items = invoices − applied − deductions − write-offs + recoveries."""
    day = as_of.isoformat()
    open_total: dict[str, int] = {}
    for item in open_items(db, as_of):
        open_total[item["currency"]] = open_total.get(item["currency"], 0) + item["outstanding"]
    ledger_total: dict[str, int] = {}
    entry = (
        "SELECT i.currency, SUM(x.amount) FROM {table} x JOIN invoices i ON i.id = x.invoice_id"
        " WHERE x.reversed_at IS NULL AND x.effective_date <= ? GROUP BY i.currency"
    )
    invoiced = (
        "SELECT currency, SUM(amount) FROM invoices WHERE voided_at IS NULL"
        " AND invoice_date <= ? GROUP BY currency"
    )
    queries = [(invoiced, 1), (entry.format(table="write_off_recoveries"), 1)]
    queries += [(entry.format(table=t), -1) for t in ("allocations", "deductions", "write_offs")]
    for sql, sign in queries:
        for cur, total in db.execute(sql, [day]):
            ledger_total[cur] = ledger_total.get(cur, 0) + sign * total
    return {c: v for c, v in open_total.items() if v} == {
        c: v for c, v in ledger_total.items() if v
    }


def settle(db: Database, case: int, actor: Actor = LEAD, plan=PLAN, amount: int = 300_000) -> int:
    """A JPY settlement of ``case`` agreed on ``AGREED``, in ``PLAN`` unless given another."""
    return settlements.record_settlement(
        db, actor, case, "JPY", amount, AGREED, plan, "3 monthly", AGREED
    )


def pay(db: Database, ids: dict[str, int], actor: Actor, amount: int, day: str, key="a") -> int:
    """A JPY receipt on ``day`` matched in full to invoice ``key``."""
    paid = receipt(db, amount, day)
    match(db, actor, paid, [Line(ids[key], amount)])
    return paid
