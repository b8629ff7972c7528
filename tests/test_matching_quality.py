"""Matching on the realistic demo ledger (300 JPY and INR clients, a year): how many of the
receipts a careful person could apply are applied automatically, and how many automatic
allocations are right."""

from __future__ import annotations

from datetime import date

from lib.auth import Actor
from lib.db import connect
from lib.demo import generate
from lib.demo.load import load_demo
from lib.demo.score import score
from lib.matching import auto_match

AS_OF = date(2026, 11, 20)
PRECISION, RECALL = 0.998, 0.97  # the targets


def test_precision_and_recall_on_the_demo_ledger(tmp_path):
    db = connect(tmp_path / "demo.db")
    lead = Actor("asha", "lead")
    load_demo(db, lead, as_of=AS_OF, clients=300)
    summary = auto_match(db, lead, AS_OF)
    result = score(db, generate(as_of=AS_OF, clients=300))
    print(f"precision {result.precision:.4f} recall {result.recall:.4f} {summary.as_dict()}")
    assert result.precision >= PRECISION, result.wrong_by_kind
    assert result.recall >= RECALL
    assert summary.applied + summary.suggested + summary.suspense == summary.receipts
