"""The command line's report exports: aging (CSV or Excel, either basis) and the MIS."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from builders import make_client, make_invoice
from openpyxl import load_workbook

from lib.cli import main
from lib.db import connect


@pytest.fixture
def path(tmp_path):
    db_file = tmp_path / "k.db"
    db = connect(db_file)
    client = make_client(db, client_code="C1", name="=cmd|' /C calc'!A0", currency="INR")
    make_invoice(db, invoice_no="A-1", client_id=client, amount=1_000_00, tax=0,
                 invoice_date="2026-08-01", due_date="2026-08-31")  # fmt: skip
    make_invoice(db, invoice_no="A-2", client_id=client, amount=250_50, tax=0,
                 invoice_date="2026-11-01", due_date="2026-12-01")  # fmt: skip
    db.close()
    return db_file


def _run(capsys, *args) -> tuple[int, dict | str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else out.err)


def test_export_aging_csv_one_row_per_invoice_with_bucket_columns(path, tmp_path, capsys):
    target = tmp_path / "aging.csv"
    code, out = _run(capsys, "--db", str(path), "export", "aging", str(target),
                     "--as-of", "2026-11-20")  # fmt: skip
    assert code == 0 and out == {"exported": "aging", "file": str(target), "rows": 2,
                                 "as_of": "2026-11-20"}  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [(r["invoice_no"], r["days_past_due"], r["bucket"]) for r in rows] == [
        ("A-1", "81", "61–90 days"),
        ("A-2", "-11", "Not due"),
    ]
    assert rows[0]["61–90 days"] == "1000.00" and rows[0]["Not due"] == ""
    assert rows[1]["outstanding"] == "250.50"
    assert rows[0]["client_name"].startswith("'=")  # neutralised for Excel


def test_export_aging_xlsx_on_the_invoice_date_basis(path, tmp_path, capsys):
    target = tmp_path / "aging.xlsx"
    code, _ = _run(capsys, "--db", str(path), "export", "aging", str(target),
                   "--as-of", "2026-11-20", "--basis", "invoice")  # fmt: skip
    assert code == 0
    sheet = load_workbook(target).active
    head = [c.value for c in sheet[1]]
    assert "days_since_invoice" in head and "91–180 days old" in head
    first = {h: c.value for h, c in zip(head, sheet[2], strict=True)}
    assert first["days_since_invoice"] == 111 and first["bucket"] == "91–180 days old"
    assert Decimal(str(first["91–180 days old"])) == Decimal("1000")
    assert sheet.freeze_panes == "A2"


def test_export_mis_writes_the_workbook(path, tmp_path, capsys):
    target = tmp_path / "mis.xlsx"
    code, out = _run(
        capsys,
        "--db",
        str(path),
        "export",
        "mis",
        str(target),
        "--as-of",
        "2026-11-20",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-20",
    )
    assert code == 0 and out["rows"] == 2
    book = load_workbook(target)
    assert book.sheetnames[0] == "Summary" and "Collections" in book.sheetnames


@pytest.mark.parametrize(
    "args,needle",
    [
        (["aging", "x.csv"], "needs --as-of"),
        (["mis", "x.xlsx"], "needs --as-of"),
        (["mis", "x.csv", "--as-of", "2026-11-20"], "Excel workbook"),
        (["open-items", "x.csv", "--as-of", "2026-11-20", "--basis", "invoice"], "--basis"),
        (["mis", "x.xlsx", "--as-of", "2026-11-20", "--from", "2026-11-01"], "together"),
        (["aging", "x.pdf", "--as-of", "2026-11-20"], ".csv or .xlsx"),
    ],
)
def test_report_export_mistakes_exit_2_with_one_line(path, tmp_path, capsys, args, needle):
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    code, err = _run(capsys, "--db", str(path), "export", *args)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("x.*"))
