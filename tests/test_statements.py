"""Bank statements in their own formats (MT940, camt.053, OFX, Zengin) through the receipts
import: what lands, what is skipped, what is refused, and that a second upload adds nothing."""

from __future__ import annotations

import contextlib

import pytest
from builders import make_invoice
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from statement_files import MT940_INR, movement, notice, zengin

from lib.importing import FileError, ImportOptions, check_file, import_file
from lib.importing.statements import detect, read_upload
from lib.importing.zengin import era_date
from lib.matching.actions import Line, match

STATEMENTS = SAMPLES / "statements"


def receipts(db, actor, data: bytes, name: str):
    return import_file(db, actor, data, name, ImportOptions(kind="receipts"))


def stored(db) -> list[dict]:
    return list(
        db.query(
            "SELECT reference, receipt_date, value_date, currency, amount, payer_name, memo,"
            " account FROM receipts ORDER BY id"
        )
    )


def test_zengin_notice_lands_in_yen_with_the_kana_payer(db, collector):
    data = zengin(
        "01",
        notice("000101", "081125", 108_890, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),
        notice("000102", "081126", 55_000, "ｽｽﾞｷ ｲﾁﾛｳ"),
    )
    result = receipts(db, collector, data, "nyukin.txt")
    assert (result.imported, result.rejected) == (2, [])
    first, second = stored(db)
    assert first["receipt_date"] == "2026-11-25"  # 令和8年
    assert (first["currency"], first["amount"]) == ("JPY", 108_890)
    assert first["payer_name"] == "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"
    assert first["reference"] == "2026-11-25:000101"
    assert "INV-2611-0042" in first["memo"] and "ﾐｽﾞﾎ" in first["memo"]
    assert first["account"] == "1234567"
    assert second["amount"] == 55_000
    again = receipts(db, collector, zengin("01", notice("000102", "081126", 55_000, "ｽｽﾞｷ ｲﾁﾛｳ")),
                     "nyukin-again.txt")  # fmt: skip
    assert (again.imported, again.duplicates, len(stored(db))) == (0, 1, 2)


def test_zengin_without_line_breaks_and_a_cancelled_notice(db, collector):
    data = zengin(
        "01",
        notice("000201", "081127", 20_000, "ｻﾄｳ"),
        notice("000202", "081127", 30_000, "ｻﾄｳ"),
        notice("000202", "081127", 30_000, "ｻﾄｳ", cancel=True),
        breaks=False,
    )
    first = receipts(db, collector, data + b"\r\n", "nyukin-crlf.dat")
    # The bank's 取消 withdraws a notice in the same file: its receipt is reversed at once.
    assert (first.imported, first.updated, first.rejected) == (2, 1, [])
    result = receipts(db, collector, data, "nyukin.dat")
    assert (result.imported, result.updated, result.duplicates) == (0, 0, 3)
    assert [r["amount"] for r in live(db)] == [20_000]


def live(db) -> list[dict]:
    return list(db.query("SELECT * FROM receipts WHERE reversed_at IS NULL ORDER BY id"))


def test_zengin_cancellation_in_a_later_file_reverses_the_receipt_and_reopens_its_invoice(
    db, collector
):
    receipts(db, collector, zengin("01", notice("000301", "081127", 30_000, "ｻﾄｳ")), "a.txt")
    rid = live(db)[0]["id"]
    invoice = make_invoice(db, currency="JPY", amount=30_000, tax=0)
    match(db, collector, rid, [Line(invoice, 30_000)])
    later = zengin("01", notice("000301", "081127", 30_000, "ｻﾄｳ", cancel=True),
                   notice("000302", "081128", 5_000, "ﾀﾅｶ"))  # fmt: skip
    check = check_file(db, later, "b.txt", ImportOptions(kind="receipts"), collector)
    assert check.updated == 1 and any("will be reversed" in w for w in check.warnings)
    assert live_allocations(db, rid)  # a check changes nothing
    result = receipts(db, collector, later, "b.txt")
    assert (result.imported, result.updated, result.rejected) == (1, 1, [])
    assert any("reversed" in w and "open again" in w for w in result.warnings)
    gone = db["receipts"].get(rid)
    assert gone["reversed_by"] == collector.username and "取消" in gone["reversal_reason"]
    assert not live_allocations(db, rid)
    actions = [
        r["action"]
        for r in db.query(
            "SELECT action FROM audit_log WHERE table_name = 'receipts' AND row_id = ?", [rid]
        )
    ]
    assert "reverse" in actions


def live_allocations(db, receipt_id: int) -> list[dict]:
    return list(
        db.query(
            "SELECT * FROM allocations WHERE receipt_id = ? AND reversed_at IS NULL", [receipt_id]
        )
    )


def test_zengin_cancellation_of_an_unknown_notice_is_a_named_row_and_changes_nothing(db, collector):
    data = zengin("01", notice("000401", "081127", 9_000, "ｻﾄｳ", cancel=True))
    result = receipts(db, collector, data, "c.txt")
    assert (result.imported, result.updated) == (0, 0)
    (error,) = result.rejected
    assert error.row == 3 and error.column == "Reversal" and "no receipt" in error.reason
    assert stored(db) == []


def test_zengin_movements_skip_withdrawals(db, collector):
    data = zengin(
        "03",
        movement("00000011", "081128", 71_500, "ｶ)ﾀﾅｶｼｮｳｶｲ"),
        movement("00000012", "081128", 3_300, "ﾃｽｳﾘﾖｳ", out=True),
    )
    result = receipts(db, collector, data, "meisai.txt")
    assert (result.imported, result.skipped_outflows, result.rejected) == (1, 1, [])
    assert stored(db)[0]["memo"].startswith("ﾌﾘｺﾐ")


def test_zengin_transfer_request_is_refused_with_what_to_ask_for(db, collector):
    data = (STATEMENTS / "zengin" / "kyash_zengin-go_sample_sougou_furikomi.txt").read_bytes()
    with pytest.raises(FileError, match="総合振込.*振込入金通知"):
        receipts(db, collector, data, "furikomi.txt")
    assert stored(db) == []


def test_zengin_damaged_record_names_it(db, collector):
    data = zengin("01", notice("000301", "081130", 1_000, "ｻﾄｳ")[:150])
    with pytest.raises(FileError, match="nyukin.txt: record 2: 150 bytes"):
        receipts(db, collector, data, "nyukin.txt")


def test_era_dates():
    assert era_date("080401") == "2026-04-01"
    assert era_date("010501") == "2019-05-01"
    assert era_date("310430") == "2019-04-30"  # 平成31年
    assert era_date("000000") is None
    with pytest.raises(ValueError):
        era_date("081399")


def test_mt940_in_rupees_keeps_the_utr_and_skips_charges(db, collector):
    result = receipts(db, collector, MT940_INR, "hdfc.sta")
    assert (result.imported, result.skipped_outflows, result.rejected) == (1, 1, [])
    (row,) = stored(db)
    assert (row["currency"], row["amount"]) == ("INR", 25_000_000)  # ₹2,50,000.00 in paise
    assert (row["receipt_date"], row["reference"]) == ("2026-11-30", "HDFC00123")
    assert "INV2610-00412" in row["memo"]
    assert row["account"] == "50200012345678"
    assert receipts(db, collector, MT940_INR, "hdfc-again.sta").imported == 0


def test_mt940_sample_zero_lines_left_out_and_debits_skipped(db, collector):
    data = (STATEMENTS / "mt940" / "citi__mt940.txt").read_bytes()
    sheet = read_upload(data, "citi.txt")
    assert "2 lines of zero left out" in sheet.name
    result = receipts(db, collector, data, "citi.txt")
    assert (result.imported, result.skipped_outflows, result.rejected) == (0, 3, [])


def test_statement_in_a_currency_kaishu_does_not_keep_is_rejected_row_by_row(db, collector):
    data = (STATEMENTS / "mt940" / "betterplace__sepa_mt9401.sta").read_bytes()
    result = receipts(db, collector, data, "sepa.sta")
    assert result.imported == 0 and result.rejected
    assert {e.column for e in result.rejected} == {"Currency"}
    assert "unknown currency 'EUR'" in result.rejected[0].reason


def test_ofx_sample_in_dollars(db, collector):
    data = (STATEMENTS / "ofx" / "checking.ofx").read_bytes()
    result = receipts(db, collector, data, "checking.ofx")
    assert (result.imported, result.skipped_outflows) == (1, 2)
    (row,) = stored(db)
    assert (row["currency"], row["amount"], row["reference"]) == ("USD", 1, "0000486")
    assert row["receipt_date"] == "2011-03-31"


def test_camt053_entries_by_statement(db, collector):
    data = (STATEMENTS / "camt" / "camt053.v2.multi.statement.xml").read_bytes()
    sheet = read_upload(data, "camt.xml")
    assert sheet.rows[1][:4] == ["Date", "Value Date", "Credit", "Debit"]
    assert [r[2:4] for r in sheet.rows[2:]] == [["8.85", None], [None, "7.00"]]
    v8 = read_upload((STATEMENTS / "camt" / "camt053.v8.xml").read_bytes(), "v8.xml")
    (entry,) = v8.rows[2:]
    assert entry[4] == "NAME NAME" and entry[6] == "AAAASESS-FP-CN_98765/01"
    assert entry[8] == "NL26VAYB8060476890"


CAMT_JPY = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Acct><Id><Othr><Id>0011234567</Id></Othr></Id><Ccy>JPY</Ccy></Acct>
<Ntry><Amt Ccy="JPY">108890</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-11-25</Dt></BookgDt>
<AcctSvcrRef>MUFG-20261125-0001</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Pty>
<Nm>ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>0000611365</Ustrd></RmtInf>
</TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="JPY">660</Amt><CdtDbtInd>DBIT</CdtDbtInd><BookgDt><Dt>2026-11-25</Dt></BookgDt>
</Ntry></Stmt></BkToCstmrStmt></Document>"""


def test_camt053_in_yen(db, collector):
    result = receipts(db, collector, CAMT_JPY.encode(), "mufg.xml")
    assert (result.imported, result.skipped_outflows, result.rejected) == (1, 1, [])
    (row,) = stored(db)
    assert (row["amount"], row["payer_name"], row["memo"]) == (108_890, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "0000611365")


def test_damaged_xml_and_entity_bombs_are_file_errors(db, collector):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        "<Document><!-- camt.053 --><x>&b;</x></Document>"
    )
    for data in (CAMT_JPY[:300].encode(), bomb.encode()):
        with pytest.raises(FileError, match="mufg.xml: not a readable camt.053 file"):
            receipts(db, collector, data, "mufg.xml")


def test_ordinary_csv_is_not_taken_for_a_statement_format():
    assert detect(b"Date,Narration,Credit\n01/11/2026,NEFT CR,1000\n") is None
    assert detect(b"10012345678,x\n") is None


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.sampled_from(
        [b"", b"101008120108110108113", b":20:X\n:61:", b"OFXHEADER:100\n<OFX>", b"<?xml camt.053"]
    ),
    body=st.binary(max_size=600),
)
def test_any_bytes_give_a_sheet_or_a_file_error(prefix, body):
    with contextlib.suppress(FileError):
        read_upload(prefix + body, "statement.txt")


def test_mt940_booking_day_is_the_receipt_date_and_the_value_day_kept(db, collector):
    data = MT940_INR.replace(b":61:2611301130CR250000", b":61:2611281130CR250000")
    assert receipts(db, collector, data, "hdfc.sta").imported == 1
    (row,) = stored(db)
    assert (row["receipt_date"], row["value_date"]) == ("2026-11-30", "2026-11-28")


def test_mt940_with_two_accounts_keeps_each_lines_account(db, collector):
    second = MT940_INR.replace(b":25:50200012345678", b":25:50200099999999").replace(
        b"HDFC00123", b"HDFC00777"
    )
    data = MT940_INR.rstrip(b"-}") + second.split(b"{4:", 1)[1]
    assert receipts(db, collector, data, "two.sta").imported == 2
    assert [(r["reference"], r["account"]) for r in stored(db)] == [
        ("HDFC00123", "50200012345678"),
        ("HDFC00777", "50200099999999"),
    ]


def ofx_statement(currency: str, account: str, fitid: str, amount: str) -> str:
    return (
        f"<STMTRS><CURDEF>{currency}<BANKACCTFROM><ACCTID>{account}</BANKACCTFROM>"
        f"<BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20261125<TRNAMT>{amount}"
        f"<FITID>{fitid}<NAME>ACME CORP</STMTTRN></BANKTRANLIST></STMTRS>"
    )


def test_ofx_with_two_accounts_keeps_each_ones_currency(db, collector):
    body = ofx_statement("USD", "111", "F-1", "250.00") + ofx_statement("JPY", "222", "F-2", "5000")
    data = f"OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1>{body}</BANKMSGSRSV1></OFX>"
    assert receipts(db, collector, data.encode(), "two.ofx").imported == 2
    assert [(r["currency"], r["amount"], r["account"]) for r in stored(db)] == [
        ("USD", 25_000, "111"),
        ("JPY", 5_000, "222"),
    ]
