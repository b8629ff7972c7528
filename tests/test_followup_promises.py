"""Promises to pay: kept, partly kept or broken after the grace, from matched receipts."""

from __future__ import annotations

from datetime import date

import pytest
from builders import make_allocation, make_client, make_invoice, make_promise, make_receipt

from lib.auth import PermissionDenied
from lib.followups import FollowUpError
from lib.followups.promises import cancel_promise, check_plan, evaluate, promises

MADE = "2026-03-01"
ONE = [("2026-03-10", 330_000)]


def judge(payments, as_of, plan=ONE, grace=3):
    return evaluate(plan, payments, MADE, date.fromisoformat(as_of), grace)


def test_paid_in_full_before_the_date_is_kept():
    verdict = judge([("2026-03-09", 330_000)], "2026-03-09")
    assert verdict.state == "kept" and verdict.paid == 330_000


def test_nothing_paid_is_pending_until_the_date_then_waits_out_the_grace():
    assert judge([], "2026-03-05").state == "pending"
    on_the_day = judge([], "2026-03-10")
    assert on_the_day.state == "pending" and not on_the_day.in_grace
    in_grace = judge([], "2026-03-13")
    assert in_grace.state == "pending" and in_grace.in_grace


def test_nothing_paid_after_the_grace_is_broken():
    verdict = judge([], "2026-03-14")
    assert verdict.state == "broken" and verdict.failed_on == "2026-03-10"
    assert verdict.fallen_due == 330_000 and verdict.paid == 0


def test_money_within_the_grace_keeps_the_promise():
    assert judge([("2026-03-13", 330_000)], "2026-03-20").state == "kept"


def test_money_after_the_grace_is_too_late():
    verdict = judge([("2026-03-14", 330_000)], "2026-03-20")
    assert verdict.state == "broken"
    assert verdict.paid == 330_000  # what came is still shown


def test_part_of_the_money_is_partly_kept():
    verdict = judge([("2026-03-09", 200_000)], "2026-03-14")
    assert verdict.state == "partly_kept" and verdict.paid == 200_000


def test_payments_before_the_promise_was_made_do_not_count():
    assert judge([("2026-02-28", 330_000)], "2026-03-14").state == "broken"


def test_grace_is_configurable():
    assert judge([], "2026-03-11", grace=0).state == "broken"
    assert judge([], "2026-03-11", grace=5).state == "pending"


def test_instalments_are_judged_one_after_another():
    plan = [("2026-03-10", 100_000), ("2026-03-20", 230_000)]
    first_paid = [("2026-03-10", 100_000)]
    waiting = judge(first_paid, "2026-03-15", plan)
    assert waiting.state == "pending"
    assert (waiting.next_due_on, waiting.next_due_amount) == ("2026-03-20", 230_000)
    assert waiting.fallen_due == 100_000
    missed = judge(first_paid, "2026-03-24", plan)
    assert missed.state == "partly_kept" and missed.failed_on == "2026-03-20"
    both = judge([*first_paid, ("2026-03-19", 230_000)], "2026-03-24", plan)
    assert both.state == "kept"
    nothing = judge([], "2026-03-14", plan)
    assert nothing.state == "broken" and nothing.failed_on == "2026-03-10"


def test_an_early_payment_for_all_instalments_keeps_the_promise_at_once():
    plan = [("2026-03-10", 100_000), ("2026-03-20", 230_000)]
    assert judge([("2026-03-02", 330_000)], "2026-03-03", plan).state == "kept"


def test_a_plan_is_checked_before_it_is_stored():
    made = date(2026, 3, 1)
    assert check_plan([(date(2026, 3, 10), 500)], made) == [("2026-03-10", 500)]
    for bad, message in [
        ([], "amount and a date"),
        ([(date(2026, 2, 1), 500)], "before today"),
        ([(date(2026, 3, 10), 0)], "more than zero"),
        ([(date(2026, 3, 10), 1), (date(2026, 3, 10), 2)], "same day"),
        ([(None, 500)], "date the client promised"),
    ]:
        with pytest.raises(FollowUpError, match=message):
            check_plan(bad, made)


@pytest.fixture
def promised(db):
    client = make_client(db, currency="JPY")
    invoice = make_invoice(
        db, client_id=client, currency="JPY", amount=330_000, tax=30_000, due_date="2026-02-09"
    )
    make_promise(db, client, ONE, promised_on=MADE, currency="JPY")
    return client, invoice


def state_on(db, client, as_of):
    found = promises(db, date.fromisoformat(as_of), 3, client_id=client, latest=True)
    return found[0]["verdict"].state, found[0]["text"]


def test_a_receipt_matched_later_counts_on_its_value_date(db, promised):
    client, invoice = promised
    state, text = state_on(db, client, "2026-03-16")
    assert state == "broken" and text == "promise of ¥330,000 broken 6 days ago"
    # The receipt arrived on the 9th; someone matches it on the 16th.
    receipt = make_receipt(db, currency="JPY", amount=330_000, value_date="2026-03-09")
    make_allocation(
        db, receipt, invoice, 330_000, effective_date="2026-03-09", created_at="2026-03-16T10:00Z"
    )
    assert state_on(db, client, "2026-03-16") == ("kept", "promise of ¥330,000 kept")


def test_deductions_count_other_clients_and_currencies_do_not(db, promised):
    client, invoice = promised
    other = make_invoice(db, currency="JPY", amount=330_000, tax=0)  # another client's
    receipt = make_receipt(db, currency="JPY", amount=330_000, value_date="2026-03-05")
    make_allocation(db, receipt, other, 330_000, effective_date="2026-03-05")
    inr = make_invoice(db, client_id=client, currency="INR", amount=500_000_00, tax=0)
    r2 = make_receipt(db, currency="INR", amount=500_000_00, value_date="2026-03-05")
    make_allocation(db, r2, inr, 500_000_00, effective_date="2026-03-05")
    assert state_on(db, client, "2026-03-16")[0] == "broken"
    r3 = make_receipt(db, currency="JPY", amount=300_000, value_date="2026-03-08")
    make_allocation(db, r3, invoice, 300_000, effective_date="2026-03-08")
    state, text = state_on(db, client, "2026-03-16")
    assert state == "partly_kept" and "(¥300,000 paid)" in text
    db["deductions"].insert(
        {
            "invoice_id": invoice,
            "amount": 30_000,
            "kind": "bank_fee",
            "reason": "transfer fee",
            "effective_date": "2026-03-08",
            "created_by": "test",
            "created_at": "2026-03-08T00:00:00Z",
        }
    )
    assert state_on(db, client, "2026-03-16")[0] == "kept"


def test_the_latest_promise_is_the_one_that_counts_and_can_be_cancelled(
    db, promised, collector, intern
):
    client, _ = promised
    newer = make_promise(db, client, [("2026-03-25", 330_000)], "2026-03-15", currency="JPY")
    assert state_on(db, client, "2026-03-16") == ("pending", "promised ¥330,000 by 25/03/2026")
    cancel_promise(db, intern, newer, "client called back: wrong amount")
    assert state_on(db, client, "2026-03-16")[0] == "broken"
    everything = promises(db, date(2026, 3, 16), 3, client_id=client)
    assert [p["verdict"].state for p in everything] == ["cancelled", "broken"]
    with pytest.raises(FollowUpError, match="already cancelled"):
        cancel_promise(db, collector, newer, "again")
    audit = db.execute("SELECT username FROM audit_log WHERE action = 'cancel'").fetchall()
    assert audit == [("ravi",)]


def test_cancelling_needs_a_reason_and_a_role(db, promised):
    from lib.auth import Actor

    client, _ = promised
    promise_id = db.execute("SELECT id FROM promises").fetchone()[0]
    with pytest.raises(FollowUpError, match="say why"):
        cancel_promise(db, Actor("x", "intern"), promise_id, " ")
    with pytest.raises(PermissionDenied):
        cancel_promise(db, Actor("x", "visitor"), promise_id, "no")


def test_instalments_are_split_evenly_in_minor_units():
    from lib.followups.promises import split_plan

    assert split_plan(100_000, date(2026, 1, 31), 3) == [
        (date(2026, 1, 31), 33_334),
        (date(2026, 2, 28), 33_333),
        (date(2026, 3, 31), 33_333),
    ]
    assert split_plan(10_00, date(2026, 12, 1), 2, "fortnight") == [
        (date(2026, 12, 1), 5_00),
        (date(2026, 12, 15), 5_00),
    ]
    with pytest.raises(FollowUpError):
        split_plan(100, date(2026, 1, 1), 0)
