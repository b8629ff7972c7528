"""The MIS workbook: its sheets, formats, neutralised text, chart images, and that
LibreOffice opens it and recalculates its formulas to Kaishu's figures."""

from __future__ import annotations

import shutil
import subprocess
import uuid
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from builders import (
    make_allocation,
    make_client,
    make_invoice,
    make_promise,
    make_receipt,
    make_recovery,
    make_write_off,
)
from openpyxl import load_workbook

from lib.aging import Buckets, aging_items, currency_totals
from lib.money import to_units
from lib.reports import measures
from lib.reports.fx import converted_total, latest_rates
from lib.reports.mis import Period, build_mis
from lib.reports.report_settings import set_rate, set_target

AS_OF = date(2026, 11, 20)
NOW = "2026-01-01T00:00:00Z"
EVIL = '=HYPERLINK("http://evil.example","click")'


def _ledger(db, lead) -> None:
    jp = make_client(db, client_code="JP01", name="株式会社山田商事", currency="JPY", owner="kenji")
    bad = make_client(db, client_code="IN01", name=EVIL, currency="INR", owner="priya")
    for n, (client, currency, amount, day, due) in enumerate(
        [
            (jp, "JPY", 110_000, "2026-09-01", "2026-09-30"),
            (jp, "JPY", 55_000, "2026-11-01", "2026-11-30"),
            (bad, "INR", 1_18_000_00, "2026-07-01", "2026-07-31"),
            (bad, "INR", 59_000_50, "2026-10-15", "2026-11-14"),
        ]
    ):
        make_invoice(db, invoice_no=f"MIS-{n}", client_id=client, currency=currency,
                     amount=amount, tax=0, invoice_date=day, due_date=due)  # fmt: skip
    ids = {r["invoice_no"]: r["id"] for r in db.query("SELECT id, invoice_no FROM invoices")}
    paid = make_receipt(db, currency="JPY", amount=60_000, value_date="2026-11-05", client_id=jp)
    make_allocation(db, paid, ids["MIS-0"], 50_000, effective_date="2026-11-05")  # 10k on account
    rupees = make_receipt(db, amount=20_000_00, value_date="2026-10-20", client_id=bad,
                          memo="-1+1")  # fmt: skip
    make_allocation(db, rupees, ids["MIS-2"], 20_000_00, effective_date="2026-10-20")
    write_off = make_write_off(db, ids["MIS-2"], 30_000_00, effective_date="2026-10-31")
    back = make_receipt(db, amount=5_000_00, value_date="2026-11-10", client_id=bad)
    make_recovery(db, write_off, ids["MIS-2"], back, 5_000_00, effective_date="2026-11-10")
    make_allocation(db, back, ids["MIS-2"], 5_000_00, effective_date="2026-11-10")
    db["invoices"].update(ids["MIS-3"], {"disputed": 1, "dispute_reason": "@SUM(1)"})
    make_promise(db, jp, [("2026-11-25", 55_000)], promised_on="2026-11-15", currency="JPY")
    set_target(db, lead, "2026-11", "JPY", 100_000)
    set_rate(db, lead, date(2026, 10, 31), "INR", "JPY", "1.7845")


@pytest.fixture
def workbook(db, lead) -> bytes:
    _ledger(db, lead)
    return build_mis(db, AS_OF, Buckets())


def test_sheets_frozen_headers_filters_and_per_currency_formats(workbook):
    book = load_workbook(BytesIO(workbook))
    assert book.sheetnames == [
        "Summary", "Aging by client", "Open items", "Collections", "Promises", "Disputes",
        "Recovery cases", "Write-offs",
    ]  # fmt: skip
    items = book["Open items"]
    assert items.freeze_panes == "A4" and items.auto_filter.ref == "A3:L7"
    assert [c.value for c in items[3]][:5] == ["Invoice", "Client code", "Client", "Owner",
                                               "Currency"]  # fmt: skip
    rows = {r[0].value: r for r in items.iter_rows(min_row=4, max_row=7)}
    assert rows["MIS-1"][10].number_format.startswith('"¥"#,##0;')
    assert rows["MIS-3"][10].number_format.startswith('"₹"#,##0.00')
    assert rows["MIS-3"][10].value == Decimal("59000.50")
    assert rows["MIS-1"][5].number_format == "DD/MM/YYYY"
    assert book["Aging by client"].freeze_panes == "C4"
    assert items.column_dimensions["C"].width == 34


def test_totals_are_sumif_formulas_and_text_never_runs(workbook):
    book = load_workbook(BytesIO(workbook))
    items = book["Open items"]
    totals = {r[0].value: r for r in items.iter_rows(min_row=9, max_row=10)}
    assert totals["Total INR"][10].value == '=SUMIF($E$4:$E$7,"INR",K4:K7)'
    assert totals["Total JPY"][10].data_type == "f"
    evil = [c for row in items.iter_rows() for c in row if c.value == EVIL]
    assert evil and all(c.data_type == "s" for c in evil)
    notes = [c for row in book["Disputes"].iter_rows() for c in row if c.value == "@SUM(1)"]
    assert notes and notes[0].data_type == "s"
    memo = [c.value for row in book["Collections"].iter_rows() for c in row]
    assert "On account" in memo
    with zipfile.ZipFile(BytesIO(workbook)) as z:
        images = [n for n in z.namelist() if n.startswith("xl/media/")]
    assert len(images) >= 4  # aging per currency, DSO, collections per currency


def _libreoffice(source: Path, target: str, outdir: Path) -> Path:
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    if not Path(soffice).exists():
        pytest.fail("LibreOffice is missing: `make test` installs libreoffice-calc-nogui")
    profile = f"file:///tmp/lo-{uuid.uuid4().hex}"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
         "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)
    produced = outdir / (source.stem + "." + target.split(":")[0])
    assert done.returncode == 0 and produced.exists(), done.stdout + done.stderr
    return produced


def test_libreoffice_opens_it_and_recalculates_to_kaishus_figures(db, workbook, tmp_path):
    source = tmp_path / "mis.xlsx"
    source.write_bytes(workbook)
    pdf = _libreoffice(source, "pdf", tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    again = _libreoffice(source, 'xlsx:"Calc MS Excel 2007 XML"'.replace('"', ""), tmp_path / "x")
    book = load_workbook(again, data_only=True)
    summary = {row[0]: row[1:] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    items = aging_items(db, AS_OF, Buckets())
    totals = currency_totals(items, Buckets())
    inr, jpy = totals["INR"], totals["JPY"]

    assert summary["Key numbers"][:2] == ("INR", "JPY")
    assert Decimal(str(summary["Open receivables"][0])) == to_units(sum(inr), "INR")
    assert summary["Open receivables"][1] == sum(jpy)
    overdue = [i["outstanding"] for i in items if i["currency"] == "JPY" and i["days_past_due"] > 0]
    assert summary["Overdue (past the due date)"][1] == sum(overdue)
    for n, label in enumerate(Buckets().labels()):
        assert Decimal(str(summary[label][0])).quantize(Decimal("0.01")) == to_units(inr[n], "INR")
        assert summary[label][1] == jpy[n]
    collected = {
        (r["month"], r["currency"]): r["collected"] for r in measures.collections(db, AS_OF, 2)
    }
    assert summary["Collected in 2026-11"][1] == collected[("2026-11", "JPY")] == 60_000
    assert summary["Target for 2026-11"][1] == 100_000
    assert summary["Share of the 2026-11 target"][1] == pytest.approx(0.6)
    assert Decimal(str(summary["Collected in 2026-10"][0])) == to_units(20_000_00, "INR")
    converted = converted_total(
        {c: sum(v) for c, v in totals.items()}, latest_rates(db, AS_OF, "JPY"), "JPY"
    )
    line = next(k for k in summary if k.startswith("Open receivables in JPY"))
    assert "converted at rates of 31/10/2026" in line
    assert summary[line][0] == converted.total
    net = Decimal(str(summary["Written off in the period (net of recoveries)"][0]))
    assert net == to_units(25_000_00, "INR")
    assert summary["Open invoices"][:2] == (2, 2)
    aging = book["Aging by client"]
    last = [r for r in aging.iter_rows(values_only=True) if r[0] == "Total JPY"][0]
    assert last[6 + len(jpy)] == sum(jpy)  # the Total column sums its row


def test_period_and_empty_sheets(db, lead):
    _ledger(db, lead)
    data = build_mis(db, AS_OF, Buckets(), Period(date(2026, 11, 1), AS_OF), with_charts=False)
    book = load_workbook(BytesIO(data))
    dates = [r[0] for r in book["Collections"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert all(str(d) >= "2026-11-01" for d in dates if not str(d).startswith("Total"))
    assert book["Recovery cases"]["A2"].value.endswith("Nothing to show.")
    with pytest.raises(ValueError, match="starts after"):
        build_mis(db, AS_OF, Buckets(), Period(AS_OF, date(2026, 11, 1)))
