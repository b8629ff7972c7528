"""Excel downloads that are really web pages or Excel 2003 XML, read as sheets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.importing import FileError, ImportOptions, import_file, inspect_file
from lib.importing.markup import markup_kind, read_html

# What SBI's "Download as Excel" sends: an HTML page named .xls, the account in a table of
# its own above the statement, a <br> inside a header, &nbsp; for empty cells.
SBI_PAGE = """<html xmlns:x="urn:schemas-microsoft-com:office:excel">
<head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"></head><body>
<table><tr><td>Account Number</td><td>:</td><td>&nbsp;00000031234567890</td></tr>
<tr><td>Currency</td><td>:</td><td>INR</td></tr></table>
<table border="1">
<tr><th>Txn Date</th><th>Value<br>Date</th><th>Description</th><th>Ref No./Cheque No.</th>
<th>Debit</th><th>Credit</th><th>Balance</th></tr>
<tr><td>3 Nov 2026</td><td>3 Nov 2026</td><td>BY TRANSFER-NEFT*HDFC0000001*N307261234*ALPHA
FOODS PVT--</td><td>TRANSFER FROM 3199</td><td>&nbsp;</td><td>1,18,000.00</td>
<td>5,18,000.00</td></tr>
<tr><td>4 Nov 2026</td><td>4 Nov 2026</td><td>TO TRANSFER-INB Rent</td><td>TRANSFER TO 4897</td>
<td>25,000.00</td><td>&nbsp;</td><td>4,93,000.00</td></tr>
<tr><td>5 Nov 2026</td><td>5 Nov 2026</td><td>BY TRANSFER-NEFT*ICIC0000002*N309998877*SHARMA
TRADERS--</td><td>TRANSFER FROM 5521</td><td>&nbsp;</td><td>59,000.00</td><td>5,52,000.00</td></tr>
</table>
<table><tr><td>**This is a computer generated statement.</td></tr></table></body></html>"""

SPREADSHEET_ML = """<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Cover"><Table><Row><Cell><Data ss:Type="String">Invoices</Data></Cell>
 </Row></Table></Worksheet>
 <Worksheet ss:Name="Ledger"><Table>
  <Row><Cell><Data ss:Type="String">Invoice No</Data></Cell>
   <Cell><Data ss:Type="String">Customer Code</Data></Cell>
   <Cell><Data ss:Type="String">Invoice Date</Data></Cell>
   <Cell><Data ss:Type="String">Due Date</Data></Cell>
   <Cell><Data ss:Type="String">Amount</Data></Cell>
   <Cell><Data ss:Type="String">Currency</Data></Cell></Row>
  <Row ss:Index="3"><Cell><Data ss:Type="String">0000611365</Data></Cell>
   <Cell><Data ss:Type="String">JP0001</Data></Cell>
   <Cell><Data ss:Type="DateTime">2026-11-02T00:00:00.000</Data></Cell>
   <Cell><Data ss:Type="DateTime">2026-11-30T00:00:00.000</Data></Cell>
   <Cell><Data ss:Type="Number">110000</Data></Cell>
   <Cell><Data ss:Type="String">JPY</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">0000611366</Data></Cell>
   <Cell><Data ss:Type="String">JP0002</Data></Cell>
   <Cell><Data ss:Type="DateTime">2026-11-03T00:00:00.000</Data></Cell>
   <Cell ss:Index="5"><Data ss:Type="Number">55000</Data></Cell>
   <Cell><Data ss:Type="String">JPY</Data></Cell></Row>
 </Table></Worksheet>
</Workbook>"""


def test_a_web_page_named_xls_imports_like_the_statement_it_shows(db, collector):
    data = SBI_PAGE.encode()
    found = inspect_file(db, data, "OpTransactionHistory.xls")
    assert (found.kind, found.header_row, found.account) == ("receipts", 2, "00000031234567890")
    assert found.headers[1] == "Value Date"
    result = import_file(db, collector, data, "sbi.xls", ImportOptions(kind="receipts"))
    assert (result.imported, result.skipped_outflows, result.rejected) == (2, 1, [])
    rows = db.execute("SELECT receipt_date, amount, currency, account FROM receipts ORDER BY id")
    assert [tuple(r) for r in rows] == [
        ("2026-11-03", 11_800_000, "INR", "00000031234567890"),
        ("2026-11-05", 5_900_000, "INR", "00000031234567890"),
    ]


def test_a_shift_jis_page_is_read_in_its_own_charset(db):
    page = (
        '<html><head><meta charset="Shift_JIS"></head><body><table>'
        "<tr><td>取引日</td><td>摘要</td><td>お預り金額</td><td>お引出し金額</td></tr>"
        "<tr><td>2026/11/05</td><td>ﾌﾘｺﾐ ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ</td><td>110,000</td><td></td></tr>"
        "</table></body></html>"
    )
    found = inspect_file(db, page.encode("cp932"), "meisai.xls")
    assert found.kind == "receipts"
    assert found.sheet.rows[1][1] == "ﾌﾘｺﾐ ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"


def test_a_table_nested_in_a_layout_table_is_read_once():
    page = (
        "<table><tr><td>Statement<table><tr><td>Date</td><td>Credit</td></tr>"
        "<tr><td>01/11/2026</td><td>500</td></tr></table></td></tr>"
        "<tr><td colspan='2'>Period</td><td>Nov</td></tr></table>"
    )
    assert read_html(page) == [
        ["Date", "Credit"],
        ["01/11/2026", "500"],
        ["Statement"],
        ["Period", "", "Nov"],  # the span keeps the columns below it in place
    ]


def test_an_excel_2003_xml_workbook_reads_its_data_sheet(db, collector):
    data = SPREADSHEET_ML.encode()
    found = inspect_file(db, data, "ledger.xml")
    assert (found.sheet.name, found.kind, found.sheet.sheet_names) == (
        "Ledger",
        "invoices",
        ["Cover", "Ledger"],
    )
    assert found.sheet.rows[1] == []  # the row the file skips by index
    assert found.sheet.rows[3][3:5] == ["", 55000.0]  # a cell placed by index
    result = import_file(db, collector, data, "ledger.xml", ImportOptions(kind="invoices"))
    assert [(e.row, e.column) for e in result.rejected] == [(4, "Due Date")]
    rows = db.execute("SELECT invoice_no, invoice_date, due_date, amount FROM invoices")
    assert [tuple(r) for r in rows] == [("0000611365", "2026-11-02", "2026-11-30", 110000)]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (SPREADSHEET_ML[:400].encode(), "not a readable XML Spreadsheet"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">&b;</Workbook>',
            "not a readable XML Spreadsheet",
        ),
    ],
)
def test_a_damaged_or_hostile_xml_workbook_is_refused_in_one_line(db, data, says):
    with pytest.raises(FileError, match=says):
        inspect_file(db, data, "ledger.xml")


def test_only_pages_with_a_table_are_taken_for_spreadsheets():
    assert markup_kind(SBI_PAGE.encode()) == "html"
    assert markup_kind(b"\xef\xbb\xbf<html><body>No records found</body></html>") is None
    assert markup_kind(b"Date,Amount\n<b>1</b>,2\n") is None


@given(st.text(alphabet="<>/tdrhablecolspan=' \"&;x1", max_size=200))
def test_any_markup_gives_rows_never_an_exception(text):
    rows = read_html(text)
    assert all(isinstance(cell, str) for row in rows for cell in row)
