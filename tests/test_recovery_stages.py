"""Stage rules per role: one step forward, skipping for the lead, back with a reason,
settlement by recording one, closing rules, reopening by the lead."""

from __future__ import annotations

from datetime import date

import pytest
from recovery_data import LEAD, ledger, open_case, receipt

from lib.auth import PermissionDenied
from lib.matching.actions import Line, match
from lib.recovery import RecoveryError, cases, stages
from lib.recovery.settlements import record_settlement
from lib.recovery.writeoffs import write_off

DAY = date(2026, 6, 10)


@pytest.fixture
def ids(db):
    return ledger(db)


@pytest.fixture
def case(db, ids):
    return open_case(db, ids, "a")


def stage_of(db, case_id: int) -> str:
    return cases.case_by_id(db, case_id)["stage"]


def test_a_collector_moves_one_step_forward_with_a_reason(db, case, collector):
    with pytest.raises(RecoveryError, match="say why"):
        stages.move(db, collector, case, "demand_letter", " ", DAY)
    assert stages.move(db, collector, case, "demand_letter", "no reply to notice", DAY) == []
    row = list(db.query("SELECT * FROM case_stages WHERE case_id = ? ORDER BY id", [case]))[-1]
    assert (row["from_stage"], row["stage"], row["moved_by"], row["reason"]) == (
        "pre_legal_notice",
        "demand_letter",
        "priya",
        "no reply to notice",
    )
    audit = db.execute(
        "SELECT username FROM audit_log WHERE table_name = 'cases' AND action = 'stage'"
    ).fetchall()
    assert audit == [("priya",)]


def test_only_the_lead_skips_stages_and_the_skipped_ones_are_recorded(db, case, collector):
    with pytest.raises(RecoveryError, match="only the lead can skip"):
        stages.move(db, collector, case, "legal_referral", "court", DAY)
    assert stage_of(db, case) == "pre_legal_notice"
    skipped = stages.move(db, LEAD, case, "negotiation", "client called the MD", DAY)
    assert skipped == ["demand_letter", "legal_referral"]
    assert stages.history(db, case)[-1]["skipped"] == ["demand_letter", "legal_referral"]


def test_moving_back_is_allowed_with_a_reason(db, case, collector):
    stages.move(db, collector, case, "demand_letter", "no reply", DAY)
    stages.move(db, collector, case, "pre_legal_notice", "letter went to the old address", DAY)
    assert stage_of(db, case) == "pre_legal_notice"


def test_interns_move_nothing(db, case, intern):
    with pytest.raises(PermissionDenied):
        stages.move(db, intern, case, "demand_letter", "x", DAY)
    assert stages.allowed_moves(cases.case_by_id(db, case), intern) == []


def test_settlement_is_entered_only_by_recording_one(db, ids, case, collector):
    with pytest.raises(RecoveryError, match="settlement is recorded"):
        stages.move(db, LEAD, case, "settlement", "agreed", DAY)
    record_settlement(db, collector, case, "JPY", 300_000, DAY, [(DAY, 300_000)], "", DAY)
    assert stage_of(db, case) == "settlement"
    with pytest.raises(RecoveryError, match="live settlement"):
        stages.move(db, collector, case, "negotiation", "defaulted", DAY)


def test_allowed_moves_follow_the_role(db, case, collector):
    row = cases.case_by_id(db, case)
    assert stages.allowed_moves(row, collector) == ["demand_letter"]
    assert stages.allowed_moves(row, LEAD) == ["demand_letter", "legal_referral", "negotiation"]


def test_closed_recovered_needs_nothing_at_stake_and_nothing_written_off(db, ids, case, collector):
    with pytest.raises(RecoveryError, match="still at stake"):
        stages.close(db, collector, case, "closed_recovered", "paid", DAY)
    paid = receipt(db, 330_000, "2026-06-08")
    match(db, collector, paid, [Line(ids["a"], 330_000)])
    with pytest.raises(RecoveryError, match="close it as recovered"):
        stages.close(db, collector, case, "closed_partly_recovered", "paid", DAY)
    stages.close(db, collector, case, "closed_recovered", "paid in full", DAY)
    row = cases.case_by_id(db, case)
    assert (row["stage"], row["closed_on"]) == ("closed_recovered", DAY.isoformat())
    with pytest.raises(RecoveryError, match="closed"):
        stages.move(db, collector, case, "demand_letter", "x", DAY)


def test_closed_partly_recovered_needs_a_write_off_and_a_recovery(db, ids, case, collector):
    paid = receipt(db, 200_000, "2026-06-08")
    match(db, collector, paid, [Line(ids["a"], 200_000)])
    write_off(db, LEAD, [(ids["a"], None)], "waiver", "MAIL-7", DAY, DAY, case_id=case)
    with pytest.raises(RecoveryError, match="partly recovered"):
        stages.close(db, collector, case, "closed_recovered", "done", DAY)
    stages.close(db, collector, case, "closed_partly_recovered", "settled with waiver", DAY)
    assert stage_of(db, case) == "closed_partly_recovered"


def test_written_off_is_the_leads_and_writes_off_what_remains(db, ids, case, collector):
    with pytest.raises(PermissionDenied):
        stages.close(db, collector, case, "written_off", "hopeless", DAY, "BOARD-1")
    with pytest.raises(RecoveryError, match="approval reference"):
        stages.close(db, LEAD, case, "written_off", "hopeless", DAY)
    stages.close(db, LEAD, case, "written_off", "client insolvent", DAY, "BOARD-1")
    row = cases.case_by_id(db, case)
    assert row["stage"] == "written_off"
    entries = list(db.query("SELECT * FROM write_offs WHERE case_id = ?", [case]))
    assert [(w["amount"], w["approval_ref"], w["approved_by"]) for w in entries] == [
        (330_000, "BOARD-1", "lead1")
    ]


def test_only_the_lead_reopens_a_closed_case_at_the_stage_it_left(db, ids, case, collector):
    stages.move(db, collector, case, "demand_letter", "no reply", DAY)
    paid = receipt(db, 330_000, "2026-06-08")
    match(db, collector, paid, [Line(ids["a"], 330_000)])
    stages.close(db, collector, case, "closed_recovered", "paid", DAY)
    with pytest.raises(PermissionDenied):
        stages.reopen(db, collector, case, "cheque bounced", DAY)
    with pytest.raises(RecoveryError, match="say why"):
        stages.reopen(db, LEAD, case, "", DAY)
    assert stages.reopen(db, LEAD, case, "cheque bounced", DAY) == "demand_letter"
    row = cases.case_by_id(db, case)
    assert (row["stage"], row["closed_on"]) == ("demand_letter", None)


def test_a_case_cannot_reopen_when_its_invoice_went_into_another_case(db, ids, case, collector):
    paid = receipt(db, 1, "2026-06-08")
    match(db, collector, paid, [Line(ids["a"], 1)])
    write_off(db, LEAD, [(ids["a"], None)], "small", "M-1", DAY, DAY, case_id=case)
    stages.close(db, collector, case, "closed_partly_recovered", "done", DAY)
    db.execute("UPDATE write_offs SET reversed_at = 'x', reversal_reason = 'test'")
    cases.open_case(db, LEAD, ids["client"], [ids["a"]], "again", DAY)
    with pytest.raises(RecoveryError, match="now in open case RC-2026-0002"):
        stages.reopen(db, LEAD, case, "mistake", DAY)
