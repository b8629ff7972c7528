"""Write-offs, their requests and reversal, recoveries after write-off and their unmatch,
the bad-debt report and its export, keeping the ledger invariant after every step."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from recovery_data import LEAD, invariant_holds, ledger, open_case, receipt

from lib.aging import open_items
from lib.auth import PermissionDenied
from lib.cli import main
from lib.matching.actions import unmatch
from lib.recovery import RecoveryError, baddebt, cases, recoveries, stages, writeoffs
from lib.recovery.amounts import case_money

DAY = date(2026, 7, 1)
PAID = date(2026, 7, 20)


@pytest.fixture
def ids(db):
    return ledger(db)


@pytest.fixture
def case(db, ids):
    return open_case(db, ids, "abc")


def open_amount(db, invoice_id: int, as_of: date = DAY) -> int:
    return next(
        (i["outstanding"] for i in open_items(db, as_of) if i["invoice_id"] == invoice_id), 0
    )


def test_the_lead_writes_off_with_reason_and_approval_and_the_invoice_leaves_open_items(
    db, ids, case, collector
):
    with pytest.raises(PermissionDenied):
        writeoffs.write_off(db, collector, [(ids["a"], None)], "gone", "M-1", DAY, DAY, case)
    with pytest.raises(RecoveryError, match="future"):
        writeoffs.write_off(db, LEAD, [(ids["a"], None)], "gone", "M-1", date(2026, 7, 2), DAY)
    with pytest.raises(RecoveryError, match="approval reference"):
        writeoffs.write_off(db, LEAD, [(ids["a"], None)], "gone", " ", DAY, DAY)
    with pytest.raises(RecoveryError, match="write off up to ¥330,000"):
        writeoffs.write_off(db, LEAD, [(ids["a"], 330_001)], "gone", "M-1", DAY, DAY)
    made = writeoffs.write_off(
        db, LEAD, [(ids["a"], None), (ids["b"], 10_000)], "insolvent", "BOARD-12", DAY, DAY, case
    )
    assert len(made) == 2
    assert open_amount(db, ids["a"]) == 0 and open_amount(db, ids["b"]) == 100_000
    assert db["invoices"].count == 3  # nothing deleted
    row = db["write_offs"].get(made[0])
    assert (row["case_id"], row["approved_by"], row["approval_ref"]) == (case, "lead1", "BOARD-12")
    assert case_money(db, case, DAY).total("written_off") == {"INR": 0, "JPY": 340_000}
    assert invariant_holds(db)


def test_a_write_off_is_reversed_by_the_lead_with_a_reason(db, ids, case, collector):
    (made,) = writeoffs.write_off(db, LEAD, [(ids["a"], None)], "gone", "M-1", DAY, DAY, case)
    with pytest.raises(PermissionDenied):
        writeoffs.reverse_write_off(db, collector, made, "mistake", DAY)
    with pytest.raises(RecoveryError, match="say why"):
        writeoffs.reverse_write_off(db, LEAD, made, "", DAY)
    writeoffs.reverse_write_off(db, LEAD, made, "approved on the wrong invoice", DAY)
    assert open_amount(db, ids["a"]) == 330_000
    assert db["write_offs"].get(made)["reversed_by"] == "lead1"
    with pytest.raises(RecoveryError, match="does not stand"):
        writeoffs.reverse_write_off(db, LEAD, made, "again", DAY)
    assert invariant_holds(db)


def test_a_collector_requests_and_the_lead_approves_or_rejects(db, ids, case, collector):
    request = writeoffs.request_write_off(db, collector, case, [ids["c"]], "unreachable", DAY)
    assert [r["open_text"] for r in writeoffs.pending(db)] == ["₹1,18,000.00"]
    with pytest.raises(RecoveryError, match="already waiting"):
        writeoffs.request_write_off(db, collector, case, [ids["a"]], "also", DAY)
    with pytest.raises(PermissionDenied):
        writeoffs.decide(db, collector, request, True, "", DAY, "M-2")
    made = writeoffs.decide(db, LEAD, request, True, "agreed in review", DAY, "REVIEW-7")
    entry = db["write_offs"].get(made[0])
    assert (entry["request_id"], entry["amount"], entry["approval_ref"]) == (
        request,
        1_18_000_00,
        "REVIEW-7",
    )
    assert db["write_off_requests"].get(request)["decision"] == "approved"
    second = writeoffs.request_write_off(db, collector, case, [ids["a"]], "small", DAY)
    with pytest.raises(RecoveryError, match="say why"):
        writeoffs.decide(db, LEAD, second, False, "", DAY)
    assert writeoffs.decide(db, LEAD, second, False, "keep chasing", DAY) == []
    assert writeoffs.pending(db) == []
    assert open_amount(db, ids["a"]) == 330_000
    assert invariant_holds(db)


def test_recovery_after_write_off_then_unmatch_keeps_the_ledger(db, ids, case, collector):
    (made,) = writeoffs.write_off(db, LEAD, [(ids["a"], None)], "gone", "M-1", DAY, DAY, case)
    cash = receipt(db, 50_000, "2026-07-20", client_id=ids["client"])
    assert [r["id"] for r in recoveries.unapplied_receipts(db, ids["client"], "JPY")] == [cash]
    allocation = recoveries.recover(db, collector, cash, ids["a"], 50_000, date(2026, 7, 20), case)
    row = db["allocations"].get(allocation)
    assert (row["rule"], row["method"]) == ("recovery_after_write_off", "manual")
    assert "recovered after write-off" in row["explanation"]
    recovered = next(db.query("SELECT * FROM write_off_recoveries"))
    assert (recovered["write_off_id"], recovered["allocation_id"]) == (made, allocation)
    assert open_amount(db, ids["a"], date(2026, 7, 20)) == 0  # still closed: the cash settles it
    assert invariant_holds(db)
    with pytest.raises(RecoveryError, match="reverse that recovery first"):
        writeoffs.reverse_write_off(db, LEAD, made, "x", DAY)
    money = case_money(db, case, date(2026, 7, 20))
    assert money.total("written_off")["JPY"] == 280_000
    assert money.total("recovered")["JPY"] == 50_000
    unmatch(db, collector, cash, "receipt belonged to a sister company")
    assert db["write_off_recoveries"].get(recovered["id"])["reversed_by"] == "priya"
    assert db["allocations"].get(allocation)["reversed_at"]
    assert case_money(db, case, date(2026, 7, 20)).total("written_off")["JPY"] == 330_000
    assert invariant_holds(db)
    writeoffs.reverse_write_off(db, LEAD, made, "now it can be reversed", DAY)
    assert invariant_holds(db)


def test_a_recovery_is_checked(db, ids, case, collector):
    writeoffs.write_off(db, LEAD, [(ids["a"], 30_000)], "part", "M-1", DAY, DAY, case)
    cash = receipt(db, 50_000, "2026-07-20", client_id=ids["client"])
    with pytest.raises(RecoveryError, match="only ¥30,000 of invoice JP-A is written off"):
        recoveries.recover(db, collector, cash, ids["a"], 40_000, PAID)
    inr = receipt(db, 100, "2026-07-20", currency="INR")
    with pytest.raises(RecoveryError, match="the receipt is in INR"):
        recoveries.recover(db, collector, inr, ids["a"], 100, PAID)
    with pytest.raises(PermissionDenied):
        from lib.auth import Actor

        recoveries.recover(db, Actor("ravi", "intern"), cash, ids["a"], 100, PAID)


def test_reversing_a_recovery_reverses_its_allocation_first(db, ids, case, collector):
    writeoffs.write_off(db, LEAD, [(ids["a"], None)], "gone", "M-1", DAY, DAY, case)
    cash = receipt(db, 50_000, "2026-07-20", client_id=ids["client"])
    allocation = recoveries.recover(db, collector, cash, ids["a"], 50_000, PAID)
    recoveries.reverse_recovery(db, collector, allocation, "typed the wrong amount")
    assert recoveries.unapplied_receipts(db, ids["client"], "JPY")[0]["unapplied"] == 50_000
    assert invariant_holds(db)


def test_closing_with_the_waiver_written_off(db, ids, collector):
    case = open_case(db, ids, "a")
    cash = receipt(db, 200_000, "2026-06-20")
    from lib.matching.actions import Line, match

    match(db, collector, cash, [Line(ids["a"], 200_000)])
    with pytest.raises(PermissionDenied):
        writeoffs.write_off_case(
            db, collector, case, "waiver", "M-1", DAY, "closed_partly_recovered"
        )
    writeoffs.write_off_case(
        db, LEAD, case, "settlement waiver", "M-9", DAY, "closed_partly_recovered"
    )
    row = cases.case_by_id(db, case)
    assert row["stage"] == "closed_partly_recovered" and "M-9" in row["close_note"]
    assert open_amount(db, ids["a"]) == 0
    assert invariant_holds(db)
    with pytest.raises(RecoveryError, match="already closed"):
        writeoffs.write_off_case(db, LEAD, case, "again", "M-9", DAY)


def test_the_bad_debt_report_shows_approval_recoveries_and_net(db, ids, case, collector):
    writeoffs.write_off(db, LEAD, [(ids["a"], None)], "=HYPERLINK(evil)", "M-1", DAY, DAY, case)
    writeoffs.write_off(db, LEAD, [(ids["c"], None)], "unreachable", "M-2", DAY, DAY, case)
    cash = receipt(db, 50_000, "2026-07-20", client_id=ids["client"])
    recoveries.recover(db, collector, cash, ids["a"], 50_000, PAID)
    rows = baddebt.bad_debts(db, date(2026, 7, 1), date(2026, 7, 31), date(2026, 7, 31))
    jpy = next(r for r in rows if r["currency"] == "JPY")
    assert (jpy["written_off"], jpy["recovered"], jpy["net"], jpy["case_no"]) == (
        330_000,
        50_000,
        280_000,
        "RC-2026-0001",
    )
    assert baddebt.totals(rows)["INR"]["net"] == 1_18_000_00
    assert baddebt.bad_debts(db, date(2026, 8, 1), date(2026, 8, 31), date(2026, 8, 31)) == []
    book = load_workbook(io.BytesIO(baddebt.report_bytes(rows, "xlsx", DAY, DAY)))
    sheet = book.active
    reasons = [c.value for c in sheet["I"]][1:]
    assert "=HYPERLINK(evil)" in reasons and sheet["I2"].data_type == "s"
    amounts = [c.value for c in sheet["H"]][1:]
    assert sorted(float(a) for a in amounts) == [1180.0 * 100, 330000.0]


def test_the_cli_exports_the_bad_debt_report(db, ids, case, tmp_path, capsys):
    writeoffs.write_off(db, LEAD, [(ids["a"], None)], "insolvent", "M-1", DAY, DAY, case)
    target = tmp_path / "bad-debt.csv"
    path = str(tmp_path / "kaishu.db")
    code = main(["--db", path, "export", "bad-debt", str(target), "--from", "2026-07-01",
                 "--to", "2026-07-31", "--as-of", "2026-07-31"])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["rows"] == 1 and out["from"] == "2026-07-01"
    lines = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert lines[0][:3] == ["Written off on", "Client code", "Client"]
    assert lines[1][1] == "JP0100" and lines[1][7] == "330000"
    assert main(["--db", path, "export", "bad-debt", str(target), "--from", "2026-07-01"]) == 2
    assert "needs --from" in capsys.readouterr().err


def test_written_off_case_stage_and_settlement_end_together(db, ids, case):
    from lib.recovery.settlements import live, record_settlement

    record_settlement(db, LEAD, case, "JPY", 400_000, DAY, [(date(2026, 8, 1), 400_000)], "", DAY)
    stages.close(db, LEAD, case, "written_off", "client vanished", DAY, "M-5")
    assert live(db, case) == []
    assert cases.case_by_id(db, case)["stage"] == "written_off"
    assert invariant_holds(db)
