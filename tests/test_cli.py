"""The command line: one JSON line and exit 0, or one clear line and exit 2, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, csv_bytes

from lib.cli import main


def run(*args: str, db: Path, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "lib.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        input=stdin,
        timeout=120,
    )


def test_import_prints_one_json_line(tmp_path):
    db = tmp_path / "k.db"
    done = run(
        "import",
        "invoices",
        str(SAMPLES / "ibm-accounts-receivable.csv"),
        "--currency",
        "USD",
        db=db,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert summary["imported"] == 2466 and summary["rejected"] == []
    again = json.loads(
        run(
            "import",
            "invoices",
            str(SAMPLES / "ibm-accounts-receivable.csv"),
            "--currency",
            "USD",
            db=db,
        ).stdout
    )
    assert again["imported"] == 0 and again["duplicates"] == 2466


def test_payments_is_another_name_for_receipts_and_map_overrides(tmp_path, capsys):
    statement = tmp_path / "odd.csv"
    statement.write_bytes(csv_bytes([["When", "Who", "In"], ["2025-12-01", "ｶ)ﾔﾏﾀﾞ", "1,000"]]))
    code = main(
        [
            "--db",
            str(tmp_path / "k.db"),
            "import",
            "payments",
            str(statement),
            "--map",
            "When=date",
            "--map",
            "Who=payer_name",
            "--map",
            "In=amount",
            "--currency",
            "jpy",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["kind"] == "receipts" and out["imported"] == 1


@pytest.mark.parametrize(
    "content,name,needle",
    [
        (b"\x00\x01\x02binary", "junk.xlsx", "not a valid Excel workbook"),
        (b"Invoice No,Amount\nA-1,100\n", "short.csv", "required column missing"),
        (
            (SAMPLES / "statements/zengin/kyash_zengin-go_sample_sougou_furikomi.txt").read_bytes(),
            "furikomi.txt",
            "総合振込 file: it lists payments the company sends",
        ),
    ],
)
def test_unusable_file_exits_2_with_one_line_and_writes_nothing(tmp_path, content, name, needle):
    path = tmp_path / name
    path.write_bytes(content)
    db = tmp_path / "k.db"
    kind = "receipts" if name.endswith(".txt") else "invoices"
    done = run("import", kind, str(path), "--currency", "JPY", db=db)
    assert done.returncode == 2
    assert needle in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert json.loads(run("migrate", db=db).stdout)["tables"] > 5
    import sqlite3

    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 0


def test_bank_statement_formats_import_from_the_command_line(tmp_path, capsys):
    from statement_files import MT940_INR

    path = tmp_path / "hdfc.sta"
    path.write_bytes(MT940_INR)
    code = main(["--db", str(tmp_path / "k.db"), "import", "receipts", str(path)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and (out["imported"], out["skipped_outflows"]) == (1, 1)


def test_undo_import_from_the_command_line(tmp_path, capsys):
    from statement_files import MT940_INR

    path, db = tmp_path / "hdfc.sta", str(tmp_path / "k.db")
    path.write_bytes(MT940_INR)
    assert main(["--db", db, "import", "receipts", str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", db, "undo-import", "1", "--reason", "wrong account"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"undone": 1, "file": "hdfc.sta", "reversed": "1 receipt"}
    assert main(["--db", db, "undo-import", "1", "--reason", "again"]) == 2
    assert "already undone" in capsys.readouterr().err


def test_missing_file_and_bad_map_exit_2(tmp_path, capsys):
    db = str(tmp_path / "k.db")
    assert main(["--db", db, "import", "clients", str(tmp_path / "nope.xlsx")]) == 2
    assert "no such file" in capsys.readouterr().err
    path = tmp_path / "c.csv"
    path.write_bytes(b"Customer Code,Customer Name\nC1,A\n")
    assert main(["--db", db, "import", "clients", str(path), "--map", "oops"]) == 2
    assert main(["--db", db, "import", "clients", str(path), "--map", "Customer=nofield"]) == 2


def test_export_open_items_csv_and_xlsx_in_currency_units(tmp_path):
    db = tmp_path / "k.db"
    run(
        "import",
        "invoices",
        str(SAMPLES / "ibm-accounts-receivable.csv"),
        "--currency",
        "USD",
        db=db,
    )
    out_csv = tmp_path / "open.csv"
    done = run("export", "open-items", str(out_csv), "--as-of", "2013-03-01", db=db)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert json.loads(done.stdout)["rows"] == len(rows) > 0
    assert list(rows[0]) == [
        "invoice_no",
        "client_code",
        "client_name",
        "currency",
        "invoice_date",
        "due_date",
        "amount",
        "outstanding",
        "days_past_due",
    ]
    assert all(r["invoice_date"] <= "2013-03-01" for r in rows)
    assert any(r["invoice_no"].startswith("0") for r in rows)
    first = rows[0]
    assert "." in first["amount"] and first["amount"] == first["outstanding"]
    out_xlsx = tmp_path / "open.xlsx"
    assert (
        run("export", "open-items", str(out_xlsx), "--as-of", "2013-03-01", db=db).returncode == 0
    )
    assert out_xlsx.read_bytes()[:2] == b"PK"


def test_bad_date_and_unknown_extension(tmp_path):
    db = tmp_path / "k.db"
    done = run("export", "open-items", str(tmp_path / "x.csv"), "--as-of", "31/12/2025", db=db)
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr
    done = run("export", "open-items", str(tmp_path / "x.pdf"), "--as-of", "2025-12-31", db=db)
    assert done.returncode == 2 and ".csv or .xlsx" in done.stderr


def test_user_commands_read_the_password_from_stdin_and_audit_as_cli(tmp_path):
    db = tmp_path / "k.db"
    done = run(
        "user",
        "add",
        "asha",
        "--name",
        "Asha Rao",
        "--role",
        "lead",
        "--password-stdin",
        db=db,
        stdin="correct horse battery\n",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["role"] == "lead"
    listed = json.loads(run("user", "list", db=db).stdout)["users"]
    assert [u["username"] for u in listed] == ["asha"] and "password_hash" not in listed[0]
    too_long = run(
        "user", "reset-password", "asha", "--password-stdin", db=db, stdin="あ" * 30 + "\n"
    )
    assert too_long.returncode == 2 and "72 bytes" in too_long.stderr
    done = run("user", "deactivate", "asha", db=db)
    assert done.returncode == 2 and "only active lead" in done.stderr
    import sqlite3

    sources = {r[0] for r in sqlite3.connect(db).execute("SELECT source FROM audit_log")}
    assert sources == {"cli"}


def test_password_is_never_an_argument():
    from lib.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(
            ["user", "add", "x", "--name", "X", "--role", "lead", "--password", "secret"]
        )
