"""Statement lines that take back an earlier credit (MT940 RC, camt.053 RvslInd, Zengin 取消):
the one receipt they take back is reversed and its invoices reopen; a line that cannot name a
single receipt changes nothing and says why; the same line again changes nothing."""

from __future__ import annotations

from builders import make_invoice
from statement_files import camt, mt940, notice, zengin

from lib.importing import ImportOptions, check_file, import_file
from lib.importing.statements import read_upload
from lib.matching.actions import Line, match

CREDIT = ("2611101110C150000,00NTRFUTR26111000001//HDFC00201", "NEFT CR-MEHTA BUILDERS LLP-INV 7")
RETURNED = ("2611121112RC150000,00NTRFUTR26111000001//HDFC00299", "NEFT RETURN-MEHTA BUILDERS LLP")


def receipts(db, actor, data: bytes, name: str):
    return import_file(db, actor, data, name, ImportOptions(kind="receipts"))


def live(db) -> list[dict]:
    return list(db.query("SELECT * FROM receipts WHERE reversed_at IS NULL ORDER BY id"))


def test_mt940_marks_are_read_with_their_sign():
    data = mt940(CREDIT, RETURNED, ("2611131113RD500,00NCHGNONREF", "CHARGES REFUNDED"),
                 ("2611141114D700,00NCHGNONREF", "CHARGES"))  # fmt: skip
    rows = read_upload(data, "hdfc.sta").rows[2:]
    # Date, Value Date, Credit, Debit … Reversal: RC takes the credit back, RD is money in.
    assert [(r[2], r[3], r[9]) for r in rows] == [
        ("150000.00", None, None),
        ("150000.00", None, "RC"),
        ("500.00", None, None),
        (None, "700.00", None),
    ]


def test_a_credit_returned_in_the_same_statement_leaves_no_receipt(db, collector):
    result = receipts(db, collector, mt940(CREDIT, RETURNED), "hdfc.sta")
    assert (result.imported, result.updated, result.rejected) == (1, 1, [])
    assert live(db) == []
    gone = db.execute("SELECT reversal_reason FROM receipts").fetchone()[0]
    assert gone.startswith("Reversal (RC): the bank took this credit back")
    again = receipts(db, collector, mt940(CREDIT, RETURNED), "hdfc-again.sta")
    assert (again.imported, again.updated, again.duplicates, again.rejected) == (0, 0, 2, [])


def test_a_later_return_unmatches_the_receipt_and_reopens_its_invoice(db, collector):
    receipts(db, collector, mt940(CREDIT), "nov-1.sta")
    (receipt,) = live(db)
    invoice = make_invoice(db, currency="INR", amount=15_000_000, tax=0)
    match(db, collector, receipt["id"], [Line(invoice, 15_000_000)])
    later = mt940(RETURNED)
    check = check_file(db, later, "nov-2.sta", ImportOptions(kind="receipts"), collector)
    assert check.updated == 1 and any("will be reversed" in w for w in check.warnings)
    assert db["invoices"].get(invoice)["settled"] == 15_000_000  # a check changes nothing
    result = receipts(db, collector, later, "nov-2.sta")
    assert (result.imported, result.updated, result.rejected) == (0, 1, [])
    assert live(db) == [] and db["invoices"].get(invoice)["settled"] == 0
    assert receipts(db, collector, later, "nov-2-again.sta").updated == 0


def test_a_return_that_could_be_either_of_two_receipts_changes_nothing(db, collector):
    twin = ("2611111111C150000,00NTRFUTR26111100002//HDFC00202", CREDIT[1])
    result = receipts(db, collector, mt940(CREDIT, twin, RETURNED), "hdfc.sta")
    assert (result.imported, result.updated) == (2, 0)
    (error,) = result.rejected
    assert error.column == "Reversal" and "fits 2 receipts" in error.reason
    assert "HDFC00201, HDFC00202" in error.reason and "₹1,50,000.00" in error.reason
    assert len(live(db)) == 2


def test_a_return_finds_no_receipt_a_month_old_or_of_another_amount(db, collector):
    old = ("2610101010C150000,00NTRFUTR26101000001//HDFC00101", CREDIT[1])
    other = ("2611111111C149000,00NTRFUTR26111100003//HDFC00203", CREDIT[1])
    result = receipts(db, collector, mt940(old, other, RETURNED), "hdfc.sta")
    assert (result.imported, result.updated) == (2, 0)
    (error,) = result.rejected
    assert "no receipt for it in Kaishu, so nothing changed" in error.reason
    assert len(live(db)) == 2


def test_camt_debit_marked_as_a_reversal_takes_the_credit_back(db, collector):
    first = camt(("MUFG-1", "108890", "CRDT", "2026-11-25", False),
                 ("MUFG-2", "660", "DBIT", "2026-11-25", False))  # fmt: skip
    assert receipts(db, collector, first, "mufg-1.xml").imported == 1
    later = camt(("MUFG-9", "108890", "DBIT", "2026-11-27", True),
                 ("MUFG-10", "5000", "CRDT", "2026-11-27", True))  # fmt: skip
    result = receipts(db, collector, later, "mufg-2.xml")
    # The reversed debit is money back in: a receipt like any other.
    assert (result.imported, result.updated, result.rejected) == (1, 1, [])
    assert [r["amount"] for r in live(db)] == [5000]


def test_a_reversal_from_another_payer_takes_nothing_back(db, collector):
    receipts(db, collector, camt(("MUFG-1", "55000", "CRDT", "2026-11-25", False)), "a.xml")
    other = camt(("MUFG-7", "55000", "DBIT", "2026-11-26", True), payer="ｽｽﾞｷ ｲﾁﾛｳ")
    result = receipts(db, collector, other, "b.xml")
    assert result.updated == 0 and "no receipt for it" in result.rejected[0].reason
    assert len(live(db)) == 1


def test_a_renumbered_zengin_cancellation_finds_its_notice_by_amount_and_payer(db, collector):
    receipts(db, collector, zengin("01", notice("000501", "081125", 30_000, "ｻﾄｳ")), "a.txt")
    (receipt,) = live(db)
    cancel = zengin("01", notice("000507", "081126", 30_000, "ｻﾄｳ", cancel=True))
    result = receipts(db, collector, cancel, "b.txt")
    assert (result.updated, result.rejected) == (1, [])
    gone = db["receipts"].get(receipt["id"])
    assert gone["reversed_by"] == collector.username and gone["reversal_reason"].startswith("取消")
    audit = db.execute(
        "SELECT action FROM audit_log WHERE table_name = 'receipts' AND row_id = ?", [gone["id"]]
    ).fetchall()
    assert ("reverse",) in audit
