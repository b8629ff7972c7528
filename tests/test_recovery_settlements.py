"""Settlements: waiver, instalments judged paid / paid late / missed / due / upcoming from
matched receipts with the lead's grace, the flag on a missed instalment, cancelling."""

from __future__ import annotations

from datetime import date

import pytest
from recovery_data import AGREED, LEAD, PLAN, ledger, open_case, pay, settle

from lib.followups import settings as follow_settings
from lib.matching.actions import unmatch
from lib.recovery import RecoveryError, cases
from lib.recovery.board import list_cases, needs_me
from lib.recovery.settlements import (
    cancel_settlement,
    case_settlements,
    judge,
    missed_by_case,
    record_settlement,
)


@pytest.fixture
def ids(db):
    return ledger(db)


@pytest.fixture
def case(db, ids):
    return open_case(db, ids, "ab")


def test_the_waiver_is_what_is_outstanding_less_what_was_agreed(db, case, collector):
    sid = settle(db, case, collector)
    row = db["settlements"].get(sid)
    assert (row["outstanding"], row["agreed_amount"], row["waiver"]) == (440_000, 300_000, 140_000)
    assert cases.case_by_id(db, case)["stage"] == "settlement"
    history = list(db.query("SELECT * FROM case_stages WHERE case_id = ? ORDER BY id", [case]))
    assert history[-1]["stage"] == "settlement" and "demand_letter" in history[-1]["skipped"]


def test_a_settlement_is_checked(db, case):
    with pytest.raises(RecoveryError, match="more than the ¥440,000 at stake"):
        settle(db, case, plan=[(date(2026, 7, 1), 500_000)], amount=500_000)
    with pytest.raises(RecoveryError, match="add up to the agreed amount"):
        settle(db, case, plan=[(date(2026, 7, 1), 100_000)])
    with pytest.raises(RecoveryError, match="before the day"):
        settle(db, case, plan=[(date(2026, 6, 1), 300_000)])
    with pytest.raises(RecoveryError, match="nothing in USD"):
        record_settlement(db, LEAD, case, "USD", 1, AGREED, [(AGREED, 1)], "", AGREED)
    settle(db, case)
    with pytest.raises(RecoveryError, match="already has a live JPY settlement"):
        settle(db, case)


@pytest.mark.parametrize(
    ("payments", "as_of", "expected"),
    [
        ([], date(2026, 7, 1), ["upcoming", "upcoming"]),
        ([], date(2026, 7, 10), ["due", "upcoming"]),
        ([], date(2026, 7, 13), ["due", "upcoming"]),  # inside 3 days' grace
        ([], date(2026, 7, 14), ["missed", "upcoming"]),
        ([("2026-07-12", 100)], date(2026, 7, 20), ["paid", "upcoming"]),
        ([("2026-07-20", 100)], date(2026, 7, 25), ["paid_late", "upcoming"]),
        ([("2026-07-05", 150)], date(2026, 8, 20), ["paid", "missed"]),
        ([("2026-07-05", 200)], date(2026, 8, 20), ["paid", "paid"]),
    ],
)
def test_instalments_are_judged_in_order_with_grace(payments, as_of, expected):
    plan = [("2026-07-10", 100), ("2026-08-10", 100)]
    assert [i.status for i in judge(plan, payments, as_of, 3)] == expected


def test_instalments_follow_matched_receipts_and_a_missed_one_flags_the_case(
    db, ids, case, collector
):
    sid = settle(db, case)
    pay(db, ids, collector, 100_000, "2026-07-09")
    found = case_settlements(db, case, date(2026, 8, 20))[0]
    assert [i.status for i in found["instalments"]] == ["paid", "missed", "upcoming"]
    assert found["paid"] == 100_000 and found["missed"] == 1
    assert missed_by_case(db, date(2026, 8, 20)) == {case: 1}
    listed = list_cases(db, date(2026, 8, 20))[0]
    assert listed["flag"] == "Missed instalment"
    assert [r["case_no"] for r in needs_me(db, "priya", date(2026, 8, 20))] == ["RC-2026-0001"]
    late = pay(db, ids, collector, 100_000, "2026-08-18", key="b")
    found = case_settlements(db, case, date(2026, 8, 20))[0]
    assert [i.status for i in found["instalments"]][:2] == ["paid", "paid_late"]
    assert missed_by_case(db, date(2026, 8, 20)) == {}
    unmatch(db, collector, late, "wrong receipt")
    assert missed_by_case(db, date(2026, 8, 20)) == {case: 1}
    assert sid


def test_money_before_the_agreement_does_not_count(db, ids, case, collector):
    pay(db, ids, collector, 100_000, "2026-06-05")
    settle(db, case, amount=200_000, plan=PLAN[:2])
    found = case_settlements(db, case, date(2026, 7, 20))[0]
    assert found["instalments"][0].status == "missed"


def test_grace_days_come_from_the_leads_setting(db, case):
    follow_settings.save(db, LEAD, follow_settings.FollowUpSettings(0, "Kaishu", {"JPY": "x"}))
    settle(db, case)
    assert case_settlements(db, case, date(2026, 7, 11))[0]["instalments"][0].status == "missed"


def test_a_defaulted_settlement_is_cancelled_and_the_case_goes_back(db, case, collector):
    sid = settle(db, case)
    with pytest.raises(RecoveryError, match="say why"):
        cancel_settlement(db, collector, sid, "", date(2026, 8, 20))
    cancel_settlement(
        db, collector, sid, "Defaulted: missed two", date(2026, 8, 20), "legal_referral"
    )
    row = db["settlements"].get(sid)
    assert (row["cancelled_by"], row["cancel_reason"]) == ("priya", "Defaulted: missed two")
    assert cases.case_by_id(db, case)["stage"] == "legal_referral"
    assert missed_by_case(db, date(2026, 9, 20)) == {}


def test_a_new_settlement_supersedes_the_old_one(db, case):
    old = settle(db, case)
    new = record_settlement(
        db, LEAD, case, "JPY", 250_000, AGREED, [(date(2026, 12, 1), 250_000)], "", AGREED, old
    )
    assert db["settlements"].get(old)["cancel_reason"].startswith("Superseded")
    assert db["settlements"].get(new)["waiver"] == 190_000
