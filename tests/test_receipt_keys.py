"""Each bank line lands once, even when its "reference" is not unique across statements:
SBI's "TRANSFER FROM <payer's account>", a cheque number another payer's chequebook repeats."""

from __future__ import annotations

from conftest import csv_bytes

from lib.importing import ImportOptions, import_file
from lib.importing.undo import undo_import

TITLE = [["Account Number", ":00000031234567890"], []]
HEADER = ["Txn Date", "Value Date", "Description", "Ref No./Cheque No.", "Debit", "Credit"]
FROM_MEHTA = "TRANSFER FROM 3199412044304"


def line(day: str, memo: str, ref: str, credit: str) -> list[str]:
    return [day, day, memo, ref, "", credit]


def sbi(db, actor, *lines: list[str], name: str = "sbi.csv"):
    data = csv_bytes([*TITLE, HEADER, *lines], delimiter="\t")
    return import_file(db, actor, data, name, ImportOptions(kind="receipts", currency="INR"))


def receipts(db) -> list[tuple]:
    sql = "SELECT receipt_date, reference, amount FROM receipts WHERE reversed_at IS NULL"
    return [tuple(r) for r in db.execute(sql + " ORDER BY receipt_date, id")]


NOV = line("2 Nov 2026", "BY TRANSFER-NEFT*HDFC0000240*N306261234*MEHTA", FROM_MEHTA, "47,200.00")
DEC = line("5 Dec 2026", "BY TRANSFER-NEFT*HDFC0000240*N339260001*MEHTA", FROM_MEHTA, "23,600.00")
DEC_2 = line("9 Dec 2026", "BY TRANSFER-NEFT*HDFC0000240*N343260007*MEHTA", FROM_MEHTA, "23,600.00")


def test_the_same_payers_next_transfer_is_a_new_receipt(db, collector):
    sbi(db, collector, NOV, name="nov.csv")
    result = sbi(db, collector, DEC, name="dec.csv")
    assert (result.imported, result.duplicates) == (1, 0)
    assert receipts(db) == [
        ("2026-11-02", FROM_MEHTA, 4720000),
        ("2026-12-05", FROM_MEHTA, 2360000),
    ]
    # Both months in one statement again: each line is recognised, nothing is added.
    again = sbi(db, collector, NOV, DEC, name="nov-dec.csv")
    assert (again.imported, again.duplicates) == (0, 2)


def test_a_monthly_fee_of_the_same_amount_is_told_apart_by_its_day(db, collector):
    sbi(db, collector, DEC, name="dec-1.csv")
    result = sbi(db, collector, DEC_2, name="dec-2.csv")
    assert (result.imported, result.duplicates) == (1, 0)
    assert len(receipts(db)) == 2


def test_overlap_after_a_statement_with_the_reference_once(db, collector):
    # The first statement holds the reference once (keyed by it); the longer one holds it
    # twice, so there its lines are keyed by content: the first is still seen as there.
    sbi(db, collector, DEC, name="early-dec.csv")
    result = sbi(db, collector, DEC, DEC_2, name="all-dec.csv")
    assert (result.imported, result.duplicates) == (1, 1)
    assert [r[0] for r in receipts(db)] == ["2026-12-05", "2026-12-09"]
    # and the short one again adds nothing
    assert sbi(db, collector, DEC_2, name="late-dec.csv").imported == 0


def test_a_cheque_number_repeated_by_another_payer(db, collector):
    first = line("10 Nov 2026", "CHQ DEP-GUPTA FOODS", "123456", "10,000.00")
    other = line("12 Dec 2026", "CHQ DEP-PATEL INDUSTRIES", "123456", "25,000.00")
    sbi(db, collector, first, name="nov.csv")
    assert sbi(db, collector, other, name="dec.csv").imported == 1
    assert [r[2] for r in receipts(db)] == [1000000, 2500000]


def test_two_equal_lines_with_one_already_imported_add_one(db, collector):
    # The payer sent the same amount twice on the day; the first file held only the first.
    twice = line("2 Nov 2026", "BY TRANSFER-MEHTA", FROM_MEHTA, "47,200.00")
    sbi(db, collector, twice, name="morning.csv")
    result = sbi(db, collector, twice, twice, name="day.csv")
    assert (result.imported, result.duplicates) == (1, 1)
    assert len(receipts(db)) == 2


def test_a_unique_reference_read_in_another_layout_is_the_same_line(db, collector):
    utr = line("5 Nov 2026", "NEFT CR-SHARMA TRADERS", "N306260123456789", "1,18,000.00")
    sbi(db, collector, utr, name="sbi.csv")
    # The same line from another export: other memo, the value date read as the date.
    other = ["6 Nov 2026", "5 Nov 2026", "NEFT-N306260123456789-SHARMA", "N306260123456789", "",
             "118000"]  # fmt: skip
    result = sbi(db, collector, other, name="export.csv")
    assert (result.imported, result.duplicates) == (0, 1)


def test_lines_of_an_undone_import_come_in_again(db, collector, lead):
    first = sbi(db, collector, NOV, name="nov.csv")
    undo_import(db, lead, first.import_id, "wrong account chosen")
    result = sbi(db, collector, NOV, line("3 Nov 2026", "X", "N1", "1.00"), name="nov-fixed.csv")
    assert (result.imported, result.duplicates) == (2, 0)
    assert receipts(db)[0] == ("2026-11-02", FROM_MEHTA, 4720000)


def test_a_reversal_takes_back_its_own_credit_not_an_older_one_with_the_same_ref(db, collector):
    header = [*HEADER, "Reversal"]

    def statement(name, *lines):
        data = csv_bytes([*TITLE, header, *lines], delimiter="\t")
        return import_file(
            db, collector, data, name, ImportOptions(kind="receipts", currency="INR")
        )

    statement("nov.csv", [*line("2 Nov 2026", "CHQ DEP-GUPTA", "123456", "1,000.00"), ""])
    statement("dec.csv", [*line("5 Dec 2026", "CHQ DEP-PATEL", "123456", "500.00"), ""])
    # The bank returns the December cheque, under the cheque's number.
    bounced = [*line("5 Dec 2026", "CHQ RETURN-PATEL", "123456", "500.00"), "Y"]
    result = statement("dec-2.csv", bounced)
    assert (result.updated, result.rejected) == (1, [])
    live = db.execute("SELECT amount FROM receipts WHERE reversed_at IS NULL").fetchall()
    assert live == [(100000,)]


def test_a_reversal_under_its_credits_reference_takes_that_credit_back(db, collector):
    # Two credits of ₹500 in the window: the amount alone could not say which came back.
    header = [*HEADER, "Reversal"]
    credits = [
        [*line("5 Dec 2026", "NEFT CR-A", "N339260000000001", "500.00"), ""],
        [*line("6 Dec 2026", "NEFT CR-B", "N340260000000002", "500.00"), ""],
    ]
    returned = [*line("8 Dec 2026", "NEFT RETURN", "N339260000000001", "500.00"), "Y"]
    options = ImportOptions(kind="receipts", currency="INR")
    for name, rows in (("dec.csv", credits), ("dec-2.csv", [returned])):
        data = csv_bytes([*TITLE, header, *rows], delimiter="\t")
        result = import_file(db, collector, data, name, options)
    assert (result.updated, result.rejected) == (1, [])
    live = db.execute("SELECT reference FROM receipts WHERE reversed_at IS NULL").fetchall()
    assert live == [("N340260000000002",)]
