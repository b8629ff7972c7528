"""The demo's recovery cases: a separate step after the demo ledger, several stages, one
settlement with a missed instalment, one written off, and the ledger still adds up."""

from __future__ import annotations

from collections import Counter
from datetime import date

from recovery_data import invariant_holds

from lib.auth import Actor
from lib.demo.load import load_demo
from lib.recovery.board import CaseFilters, board, list_cases
from lib.recovery.demo import demo_cases
from lib.recovery.writeoffs import pending

AS_OF = date(2026, 11, 20)


def test_the_demo_opens_cases_in_several_stages(db):
    lead = Actor("lead1", "lead")
    load_demo(db, lead, as_of=AS_OF, clients=60)
    assert demo_cases(db, lead, AS_OF) == 7
    rows = list_cases(db, AS_OF, CaseFilters(state="all"))
    stages = Counter(r["stage"] for r in rows)
    assert stages["written_off"] == 1 and stages["settlement"] == 1
    assert len(stages) >= 5
    assert {c for r in rows for c in r["at_stake"]} >= {"JPY", "INR"}
    assert [r["case_no"] for r in rows if r["missed"]] and len(pending(db)) == 1
    assert db["letters"].count == 3
    assert board(db, AS_OF)["stages"]
    assert invariant_holds(db, AS_OF)
