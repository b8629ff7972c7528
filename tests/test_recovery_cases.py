"""Opening cases, their invoices and particulars, and the money at stake kept current."""

from __future__ import annotations

import json
from datetime import date

import pytest
from builders import make_invoice
from recovery_data import LEAD, OPENED, ledger, open_case, receipt, set_rate

from lib.auth import PermissionDenied
from lib.followups.compose import due_reminders
from lib.followups.worklist import clients_in_recovery, worklist
from lib.matching.actions import Line, match, unmatch
from lib.recovery import RecoveryError, cases, details
from lib.recovery.amounts import case_money, interest


@pytest.fixture
def ids(db):
    return ledger(db)


def test_a_case_is_numbered_by_year_assigned_to_the_owner_and_audited(db, ids, collector):
    first = open_case(db, ids, "a")
    second = cases.open_case(db, collector, ids["client"], [ids["b"]], "second", OPENED)
    rows = [cases.case_by_id(db, c) for c in (first, second)]
    assert [r["case_no"] for r in rows] == ["RC-2026-0001", "RC-2026-0002"]
    assert rows[0]["assignee"] == "priya"  # the client's owner
    assert rows[0]["stage"] == "pre_legal_notice"
    later = cases.open_case(db, LEAD, ids["client"], [ids["c"]], "x", date(2027, 1, 4))
    assert cases.case_by_id(db, later)["case_no"] == "RC-2027-0001"
    stage = next(db.query("SELECT * FROM case_stages WHERE case_id = ?", [first]))
    assert (stage["from_stage"], stage["stage"], stage["moved_by"]) == (
        None,
        "pre_legal_notice",
        "lead1",
    )
    audit = db.execute(
        "SELECT action FROM audit_log WHERE table_name = 'cases' AND row_id = ?", [first]
    ).fetchall()
    assert ("open",) in audit


def test_an_intern_cannot_open_a_case_and_a_collector_cannot_start_further_on(
    db, ids, intern, collector
):
    with pytest.raises(PermissionDenied):
        cases.open_case(db, intern, ids["client"], [ids["a"]], "why", OPENED)
    with pytest.raises(PermissionDenied):
        cases.open_case(
            db, collector, ids["client"], [ids["a"]], "why", OPENED, stage="legal_referral"
        )
    case = cases.open_case(
        db, LEAD, ids["client"], [ids["a"]], "fraud", OPENED, stage="legal_referral"
    )
    stage = next(db.query("SELECT skipped FROM case_stages WHERE case_id = ?", [case]))
    assert json.loads(stage["skipped"]) == ["pre_legal_notice", "demand_letter"]


def test_an_invoice_sits_in_one_open_case_and_must_be_the_clients_and_open(db, ids):
    open_case(db, ids, "a")
    with pytest.raises(RecoveryError, match="already in an open case"):
        open_case(db, ids, "ab")
    other = make_invoice(db, invoice_no="OTHER-1")
    with pytest.raises(RecoveryError, match="not an open invoice of this client"):
        cases.open_case(db, LEAD, ids["client"], [other], "x", OPENED)
    with pytest.raises(RecoveryError, match="at least one invoice"):
        cases.open_case(db, LEAD, ids["client"], [], "x", OPENED)
    with pytest.raises(RecoveryError, match="say why"):
        cases.open_case(db, LEAD, ids["client"], [ids["b"]], "  ", OPENED)
    assert db["cases"].count == 1


def test_the_proposal_chooses_overdue_undisputed_invoices(db, ids):
    db["invoices"].update(ids["b"], {"disputed": 1})
    found = cases.proposal(db, ids["client"], OPENED)
    assert sorted(found["chosen"]) == sorted([ids["a"], ids["c"]])
    assert {i["invoice_id"] for i in found["items"]} == {ids["a"], ids["b"], ids["c"]}
    assert "days past due" in found["reason"]


def test_clients_in_recovery_leave_the_worklist_and_reminders_until_closed(db, ids):
    assert any(r["client_id"] == ids["client"] for r in worklist(db, OPENED))
    open_case(db, ids)
    assert clients_in_recovery(db, OPENED) == {ids["client"]}
    assert clients_in_recovery(db, date(2026, 5, 31)) == set()
    assert not any(r["client_id"] == ids["client"] for r in worklist(db, OPENED))
    assert not any(d.client["id"] == ids["client"] for d in due_reminders(db, OPENED))


def test_the_worklist_row_says_the_step_is_a_recovery_step(db, ids):
    row = next(r for r in worklist(db, date(2026, 6, 10)) if r["client_id"] == ids["client"])
    assert row["step_channel"] == "recovery"


def test_at_stake_follows_receipts_as_they_are_matched_and_unmatched(db, ids, collector):
    case = open_case(db, ids)
    money = case_money(db, case, OPENED)
    assert money.total("at_stake") == {"INR": 1_18_000_00, "JPY": 440_000}
    assert money.total("recovered") == {"INR": 0, "JPY": 0}
    paid = receipt(db, 100_000, "2026-06-10")
    match(db, collector, paid, [Line(ids["a"], 100_000)])
    later = case_money(db, case, date(2026, 6, 10))
    assert later.total("at_stake")["JPY"] == 340_000
    assert later.total("recovered")["JPY"] == 100_000
    assert case_money(db, case, date(2026, 6, 9)).total("at_stake")["JPY"] == 440_000
    unmatch(db, collector, paid, "wrong client")
    assert case_money(db, case, date(2026, 6, 10)).total("at_stake")["JPY"] == 440_000


def test_interest_is_outstanding_times_rate_times_days_over_365_rounded_half_up():
    assert interest(330_000, 1460, 81) == 10_692  # 330,000 × 14.6 % × 81 / 365, exact
    assert interest(100, 1000, 1) == 0  # 0.027… rounds down
    assert interest(1825, 1000, 1) == 1  # 0.5 exactly rounds up
    assert interest(1_18_000_00, 1800, 30) == 174_575  # ₹1,745.75 (174,575.34 paise)
    assert interest(330_000, 1460, 0) == interest(330_000, 1460, -5) == 0
    assert interest(0, 1460, 30) == interest(5000, 0, 30) == 0


def test_case_interest_comes_from_the_lead_rate(db, ids):
    set_rate(db, 1460)
    case = open_case(db, ids, "a")
    money = case_money(db, case, date(2026, 6, 20), rate_bp=1460)
    assert money.total("interest") == {"JPY": interest(330_000, 1460, 81)}


def test_invoices_are_added_and_removed_with_a_reason(db, ids, intern):
    case = open_case(db, ids, "a")
    assert cases.add_invoices(db, LEAD, case, [ids["b"]], "same client", OPENED) == 1
    with pytest.raises(RecoveryError, match="say why"):
        cases.remove_invoice(db, LEAD, case, ids["b"], "", OPENED)
    with pytest.raises(PermissionDenied):
        cases.remove_invoice(db, intern, case, ids["b"], "x", OPENED)
    cases.remove_invoice(db, LEAD, case, ids["b"], "paid to sales directly", date(2026, 6, 5))
    assert case_money(db, case, OPENED).total("at_stake") == {"JPY": 330_000}
    with pytest.raises(RecoveryError, match="at least one invoice"):
        cases.remove_invoice(db, LEAD, case, ids["a"], "x", OPENED)
    cases.add_invoices(db, LEAD, case, [ids["b"]], "back in", date(2026, 6, 6))
    rows = cases.case_invoice_rows(db, case)
    assert [r["removed_on"] for r in rows] == [None, None]


def test_details_change_with_checks_and_audit(db, ids, intern):
    case = open_case(db, ids, "a")
    changed = details.update_details(
        db,
        LEAD,
        case,
        {
            "assignee": "ravi",
            "priority": "urgent",
            "tags": ["Legal", "legal", " court "],
            "counsel_name": "Adv. Mehta",
            "counsel_email": "mehta@law.example",
            "next_deadline_on": date(2026, 6, 15),
            "next_deadline_note": "Hearing, Bombay City Civil Court",
        },
    )
    row = cases.case_by_id(db, case)
    assert changed == 7
    assert json.loads(row["tags"]) == ["legal", "court"]
    assert (row["assignee"], row["next_deadline_on"]) == ("ravi", "2026-06-15")
    with pytest.raises(RecoveryError, match="active user"):
        details.update_details(db, LEAD, case, {"assignee": "nobody"})
    with pytest.raises(RecoveryError, match="not an email"):
        details.update_details(db, LEAD, case, {"counsel_email": "mehta at law"})
    with pytest.raises(PermissionDenied):
        details.update_details(db, intern, case, {"priority": "low"})
