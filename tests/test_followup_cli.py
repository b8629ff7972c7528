"""The worklist on the command line: one JSON line, in calling order."""

from __future__ import annotations

import json

from builders import make_client, make_invoice

from lib.cli import main
from lib.db import connect


def test_worklist_prints_the_calling_order_as_json(tmp_path, capsys):
    path = tmp_path / "k.db"
    db = connect(path)
    small = make_client(db, client_code="S1", owner="priya")
    big = make_client(db, client_code="B1", owner="kenji")
    make_invoice(db, client_id=small, amount=10_000_00, tax=0, due_date="2026-03-10")
    make_invoice(db, client_id=big, amount=90_00_000_00, tax=0, due_date="2026-01-10")
    db.close()
    assert main(["--db", str(path), "worklist", "--as-of", "2026-03-20"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["clients"] == 2 and [r["client_code"] for r in out["worklist"]] == ["B1", "S1"]
    assert out["worklist"][0]["reason"].startswith("₹90,00,000.00 overdue, oldest 69 days")
    assert main(["--db", str(path), "worklist", "--as-of", "2026-03-20", "--owner", "priya"]) == 0
    assert [r["client_code"] for r in json.loads(capsys.readouterr().out)["worklist"]] == ["S1"]
