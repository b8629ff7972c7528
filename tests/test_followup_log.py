"""Logging follow-ups: the call itself, its invoices, and what its outcome sets in motion."""

from __future__ import annotations

import json
from datetime import date

import pytest
from builders import make_client, make_invoice, make_user

from lib.auth import Actor, PermissionDenied
from lib.followups import FollowUpError
from lib.followups.disputes import client_disputes, open_disputes, resolve_dispute
from lib.followups.log import FollowUp, log_follow_up
from lib.followups.notes import (
    add_note,
    answer,
    client_notes,
    dispatches,
    open_requests,
    record_dispatch,
    task_invoices,
)

TODAY = date(2026, 3, 20)


@pytest.fixture
def client(db):
    make_user(db, "priya")
    client_id = make_client(db, currency="JPY", owner="priya")
    for due, no in [("2026-02-10", "A-1"), ("2026-03-01", "A-2"), ("2026-04-30", "A-3")]:
        make_invoice(
            db,
            client_id=client_id,
            invoice_no=no,
            currency="JPY",
            amount=110_000,
            tax=10_000,
            invoice_date="2026-01-10",
            due_date=due,
        )
    return client_id


def invoice_nos(db, follow_up_id):
    return [
        r[0]
        for r in db.execute(
            "SELECT i.invoice_no FROM follow_up_invoices f JOIN invoices i ON i.id = f.invoice_id"
            " WHERE f.follow_up_id = ? ORDER BY 1",
            [follow_up_id],
        )
    ]


def test_a_call_concerns_all_overdue_invoices_by_default_and_is_audited(db, client, intern):
    entry = FollowUp(client, "call", "no_answer", "rang twice", date(2026, 3, 23))
    follow_up_id = log_follow_up(db, intern, entry, TODAY)
    row = db["follow_ups"].get(follow_up_id)
    assert (row["contacted_on"], row["outcome"], row["created_by"]) == (
        "2026-03-20",
        "no_answer",
        "ravi",
    )
    assert row["next_action_on"] == "2026-03-23"
    assert invoice_nos(db, follow_up_id) == ["A-1", "A-2"]  # A-3 is not due yet
    entry = next(db.query("SELECT * FROM audit_log WHERE table_name = 'follow_ups'"))
    assert entry["username"] == "ravi" and entry["client_id"] == client
    assert json.loads(entry["after"])["note"] == "rang twice"


def test_a_promise_is_saved_with_its_call(db, client, intern):
    plan = [(date(2026, 3, 25), 100_000), (date(2026, 4, 5), 120_000)]
    entry = FollowUp(client, "call", "promised", "CFO agreed", promise=plan)
    follow_up_id = log_follow_up(db, intern, entry, TODAY)
    promise = next(db.query("SELECT * FROM promises"))
    assert (promise["amount"], promise["currency"], promise["follow_up_id"]) == (
        220_000,
        "JPY",
        follow_up_id,
    )
    dues = db.execute("SELECT due_on, amount FROM promise_instalments ORDER BY due_on").fetchall()
    assert dues == [("2026-03-25", 100_000), ("2026-04-05", 120_000)]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (dict(outcome="promised"), "promised amount"),
        (dict(outcome="reached", promise=[(date(2026, 3, 25), 5)]), "Promised to pay"),
        (dict(outcome="disputed"), "why the client disputes"),
        (dict(outcome="sent"), "outcome"),
        (dict(outcome="reached", channel="fax"), "channel"),
        (dict(outcome="reached", next_action_on=date(2026, 3, 1)), "in the past"),
    ],
)
def test_inconsistent_entries_are_refused_and_nothing_is_written(
    db, client, intern, entry, message
):
    fields = {"channel": "call", **entry}
    with pytest.raises(FollowUpError, match=message):
        log_follow_up(db, intern, FollowUp(client, **fields), TODAY)
    assert db.execute("SELECT COUNT(*) FROM follow_ups").fetchone()[0] == 0


def test_a_promise_that_fails_its_check_rolls_the_call_back(db, client, intern):
    entry = FollowUp(client, "call", "promised", promise=[(date(2026, 3, 1), 100)])
    with pytest.raises(FollowUpError, match="before today"):
        log_follow_up(db, intern, entry, TODAY)
    assert db.execute("SELECT COUNT(*) FROM follow_ups").fetchone()[0] == 0


def test_invoices_of_another_client_are_refused(db, client, intern):
    stranger = make_invoice(db, currency="JPY", amount=100, tax=0)
    entry = FollowUp(client, "call", "reached", invoice_ids=[stranger])
    with pytest.raises(FollowUpError, match="another client"):
        log_follow_up(db, intern, entry, TODAY)


def test_a_disputed_outcome_marks_the_chosen_invoices(db, client, intern, collector):
    a1 = db.execute("SELECT id FROM invoices WHERE invoice_no = 'A-1'").fetchone()[0]
    entry = FollowUp(
        client, "call", "disputed", "says rate is wrong", None, [a1], (), None, "wrong_amount"
    )
    log_follow_up(db, intern, entry, TODAY)
    invoice = db["invoices"].get(a1)
    assert (invoice["disputed"], invoice["dispute_reason"]) == (1, "Wrong amount")
    assert [d["reason"] for d in client_disputes(db, client)] == ["wrong_amount"]
    with pytest.raises(FollowUpError, match="what was agreed"):
        resolve_dispute(db, collector, a1, "credit_note", "", TODAY)
    resolve_dispute(db, collector, a1, "credit_note", "CN-778 for ¥10,000", date(2026, 3, 28))
    assert db["invoices"].get(a1)["disputed"] == 0
    dispute = client_disputes(db, client)[0]
    assert (dispute["resolution"], dispute["resolved_by"]) == ("credit_note", "priya")
    with pytest.raises(FollowUpError, match="not in dispute"):
        resolve_dispute(db, collector, a1, "payable", "again", TODAY)


def test_a_dispute_flagged_by_the_ledger_can_be_resolved(db, client, collector):
    a2 = db.execute("SELECT id FROM invoices WHERE invoice_no = 'A-2'").fetchone()[0]
    db["invoices"].update(a2, {"disputed": 1, "dispute_reason": "係争中"})
    resolve_dispute(db, collector, a2, "withdrawn", "client found the PO", TODAY)
    dispute = client_disputes(db, client)[0]
    assert dispute["opened_by"] == "ledger" and "係争中" in dispute["note"]
    assert open_disputes(db, collector, [a2], "duplicate", "", TODAY)  # a new one may open


def test_asked_for_a_copy_creates_a_resend_task_for_the_owner(db, client, intern):
    log_follow_up(db, intern, FollowUp(client, "call", "asked_copy", "lost the PDF"), TODAY)
    [task] = open_requests(db, "priya")
    assert task["kind"] == "resend_invoice" and task["assignee"] == "priya"
    assert task["body"].startswith("Resend copies of A-1, A-2")
    ids = task_invoices(db, task)
    record_dispatch(db, Actor("priya", "collector"), ids, "email", date(2026, 3, 21), task["id"])
    assert open_requests(db, "priya") == []
    assert sorted(d["invoice_no"] for d in dispatches(db, client)) == ["A-1", "A-2"]
    done = db["notes"].get(task["id"])
    assert done["answer"] == "Sent by email on 21/03/2026" and done["answered_by"] == "priya"


def test_asked_for_the_statement_goes_to_the_actor_when_the_owner_is_not_a_user(db, intern):
    make_user(db, "ravi", "intern")
    client = make_client(db, owner="rahul")  # rahul has no account
    make_invoice(db, client_id=client, due_date="2026-03-01", invoice_date="2026-02-01")
    log_follow_up(db, intern, FollowUp(client, "email", "asked_statement"), TODAY)
    assert [t["kind"] for t in open_requests(db, "ravi")] == ["send_statement"]


def test_requests_to_a_teammate_or_a_team_wait_for_their_answer(db, client, intern, collector):
    note = add_note(db, intern, client, "Client is moving offices in April")
    ask = add_note(
        db,
        intern,
        client,
        "Confirm the PO number",
        "request",
        team="sales",
        due_on=date(2026, 3, 25),
    )
    mine = add_note(
        db, collector, client, "Tokyo to confirm the credit note", "request", assignee="priya"
    )
    assert [r["id"] for r in open_requests(db, "ravi")] == [ask]  # asked of a team by ravi
    assert [r["id"] for r in open_requests(db, "priya")] == [mine]
    answer(db, intern, ask, "Sales: PO 4411-22")
    assert open_requests(db, "ravi") == []
    with pytest.raises(FollowUpError, match="already answered"):
        answer(db, intern, ask, "again")
    with pytest.raises(FollowUpError, match="needs no answer"):
        answer(db, intern, note, "ok")
    with pytest.raises(FollowUpError, match="teammate or a team"):
        add_note(db, intern, client, "who?", "request")
    with pytest.raises(FollowUpError, match="not an active user"):
        add_note(db, intern, client, "x", "request", assignee="ghost")
    kinds = [(n["kind"], bool(n["answered_at"])) for n in client_notes(db, client)]
    assert kinds[0] == ("request", False) and ("request", True) in kinds


def test_roles_are_checked_in_lib(db, client):
    nobody = Actor("guest", "visitor")
    with pytest.raises(PermissionDenied):
        log_follow_up(db, nobody, FollowUp(client, "call", "reached"), TODAY)
    with pytest.raises(PermissionDenied):
        add_note(db, nobody, client, "x")
