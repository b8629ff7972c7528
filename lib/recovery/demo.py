"""Recovery cases for the demo ledger, so the board, Today and the case pages have something
to show: seven cases of the longest-overdue clients, in several stages, one with a settlement
whose first instalment was missed, one written off, one with a write-off request.

A separate step after the ledger is loaded (``lib.demo`` stays the matching ground truth),
run through the same lib functions the pages use, so every case has its history and audit.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import zip_longest

from sqlite_utils import Database

from lib.aging import open_items
from lib.auth import Actor, require
from lib.followups import settings as follow_settings
from lib.followups.promises import split_plan
from lib.recovery import caselog, cases, details, letters, settlements, stages, writeoffs
from lib.recovery import settings as recovery_settings
from lib.recovery.amounts import case_money

BANKS = {
    "JPY": "三菱UFJ銀行 丸の内支店 普通 0123456 ｶｲｼﾕｺﾚｸｼﾖﾝｽﾞ(ｶ",
    "INR": "HDFC Bank, Fort branch, Mumbai · A/c 50200012345678 · IFSC HDFC0000060",
    "USD": "HDFC Bank, Fort branch, Mumbai · USD A/c 50200087654321 · SWIFT HDFCINBB",
}


def _settings(db: Database, actor: Actor) -> None:
    now = follow_settings.load(db)
    if not now.bank_details:
        follow_settings.save(
            db, actor, follow_settings.FollowUpSettings(now.grace_days, now.company_name, BANKS)
        )
    rs = recovery_settings.load(db)
    if not rs.letterhead:
        recovery_settings.save(
            db,
            actor,
            recovery_settings.RecoverySettings(
                interest_rate_bp=1460,
                letterhead="Maker Chambers IV, Nariman Point, Mumbai 400021\n"
                "+91 22 5555 0100 · recovery@kaishu.example",
                signatory_name="Asha Rao",
                signatory_title="Head of Collections",
            ),
        )


def _candidates(db: Database, as_of: date, count: int) -> list[tuple[int, list[int]]]:
    """The clients with the oldest overdue undisputed money, and those invoices (in one
    currency each), taking JPY and INR clients in turn so the board shows both."""
    by_client: dict[tuple[str, int], list[dict]] = {}
    for item in open_items(db, as_of):
        if item["days_past_due"] > 60 and not item["disputed"]:
            by_client.setdefault((item["currency"], item["client_id"]), []).append(item)
    ranked: dict[str, list[tuple[int, list[int]]]] = {}
    taken: set[int] = set()
    for (cur, client), items in sorted(
        by_client.items(), key=lambda kv: -max(i["days_past_due"] for i in kv[1])
    ):
        if client not in taken:
            taken.add(client)
            ranked.setdefault(cur, []).append((client, [i["invoice_id"] for i in items[:6]]))
    mixed = [c for group in zip_longest(*ranked.values()) for c in group if c]
    return mixed[:count]


def _newest_invoice_day(db: Database, invoice_ids: list[int]) -> date:
    """The day the newest of ``invoice_ids`` was raised: a case cannot open before it."""
    marks = ",".join("?" * len(invoice_ids))
    newest = db.execute(
        f"SELECT MAX(invoice_date) FROM invoices WHERE id IN ({marks})", invoice_ids
    ).fetchone()[0]
    return date.fromisoformat(newest)


def _open(db, actor, client_id, invoice_ids, on, **kw) -> dict:
    # Only invoices that existed on the day the case opens (some cases open months ago).
    marks = ",".join("?" * len(invoice_ids))
    dated = [
        r[0]
        for r in db.execute(
            f"SELECT id FROM invoices WHERE id IN ({marks}) AND invoice_date <= ?",
            [*invoice_ids, on.isoformat()],
        )
    ]
    case_id = cases.open_case(
        db,
        actor,
        client_id,
        dated or invoice_ids,
        "Policy step: 60 days past due, reminders unanswered",
        on if dated else _newest_invoice_day(db, invoice_ids),
        **kw,
    )
    return cases.case_by_id(db, case_id)


def demo_cases(db: Database, actor: Actor, as_of: date) -> int:
    """Open the demo's recovery cases as of ``as_of`` (lead only); returns how many."""
    require(actor, "load_demo")
    _settings(db, actor)
    picked = _candidates(db, as_of, 7)
    if len(picked) < 7:
        return 0
    day = lambda n: as_of - timedelta(days=n)  # noqa: E731
    made = []
    # 1. Just opened: a call logged.
    c = _open(db, actor, *picked[0], day(3))
    caselog.add_event(
        db,
        actor,
        c["id"],
        "call",
        "Accounts say the MD must approve; calling back Friday",
        day(1),
        as_of,
    )
    made.append(c)
    # 2. Recovery notice issued, deadline in a few days.
    c = _open(db, actor, *picked[1], day(12), priority="high")
    letters.issue(db, actor, c["id"], "recovery_notice", c["client_language"], day(10))
    details.update_details(
        db,
        actor,
        c["id"],
        {"next_deadline_on": day(10) + timedelta(days=14), "next_deadline_note": "Notice deadline"},
    )
    made.append(c)
    # 3. Demand letter issued (the case moved with it).
    c = _open(db, actor, *picked[2], day(40))
    letters.issue(db, actor, c["id"], "recovery_notice", c["client_language"], day(38))
    letters.issue(
        db, actor, c["id"], "demand_letter", c["client_language"], day(20), move_stage=True
    )
    details.update_details(
        db, actor, c["id"], {"next_deadline_on": day(13), "next_deadline_note": "Demand deadline"}
    )
    made.append(c)
    # 4. Referred to counsel, hearing next week.
    c = _open(db, actor, *picked[3], day(75), priority="urgent", tags=["legal"])
    stages.move(db, actor, c["id"], "demand_letter", "No reply to the notice", day(60))
    stages.move(db, actor, c["id"], "legal_referral", "Demand deadline passed", day(45))
    details.update_details(
        db,
        actor,
        c["id"],
        {
            "counsel_name": "Adv. R. Mehta",
            "counsel_firm": "Mehta & Associates",
            "counsel_email": "rmehta@mehta-law.example",
            "next_deadline_on": as_of + timedelta(days=5),
            "next_deadline_note": "Hearing, City Civil Court",
        },
    )
    caselog.add_event(
        db, actor, c["id"], "legal_update", "Suit filed; first hearing listed", day(20), as_of
    )
    made.append(c)
    # 5. Negotiating, with a write-off request for the smallest invoice.
    c = _open(db, actor, *picked[4], day(50), tags=["franchise"])
    stages.move(db, actor, c["id"], "demand_letter", "No reply to the notice", day(40))
    stages.move(db, actor, c["id"], "legal_referral", "Demand deadline passed", day(30))
    stages.move(db, actor, c["id"], "negotiation", "Client asked to settle out of court", day(8))
    caselog.add_event(
        db,
        actor,
        c["id"],
        "settlement_discussion",
        "Offers 70 % over six months; asked for a written proposal",
        day(8),
        as_of,
    )
    smallest = min(picked[4][1], key=lambda i: db["invoices"].get(i)["amount"])
    writeoffs.request_write_off(
        db,
        actor,
        c["id"],
        [smallest],
        "Duplicate billing never credited; client will not pay it",
        day(2),
    )
    made.append(c)
    # 6. Settlement in instalments, the first one missed: the case is flagged.
    c = _open(db, actor, *picked[5], day(90))
    stages.move(db, actor, c["id"], "demand_letter", "No reply to the notice", day(80))
    money = case_money(db, c["id"], day(60))
    cur, fig = next(iter(money.by_currency.items()))
    agreed = fig.at_stake * 80 // 100
    plan = split_plan(agreed, day(40), 4, "month")
    settlements.record_settlement(
        db,
        actor,
        c["id"],
        cur,
        agreed,
        day(60),
        plan,
        "80 % in four monthly transfers; a default revives the full claim",
        day(60),
    )
    made.append(c)
    # 7. Written off: the client went into liquidation.
    c = _open(db, actor, *picked[6], day(120))
    stages.move(db, actor, c["id"], "demand_letter", "No reply to the notice", day(110))
    stages.move(db, actor, c["id"], "legal_referral", "Demand deadline passed", day(95))
    stages.close(
        db,
        actor,
        c["id"],
        "written_off",
        "Client in liquidation; claim lodged with the liquidator",
        day(15),
        "CFO approval mail 2024-RC-07",
    )
    made.append(c)
    return len(made)
