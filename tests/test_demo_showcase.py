"""The demo as a new team finds it: matched, with calls and promises by the collectors, the
lead's targets and rates, recovery cases that still owe money, and accounts for the team
that nobody can sign in to until the lead sets a password."""

from __future__ import annotations

from datetime import date

import pytest
from recovery_data import invariant_holds

from lib.auth import Actor, password_matches
from lib.demo.load import NotEmpty
from lib.demo.showcase import TEAM, load_showcase
from lib.recovery.board import CaseFilters, list_cases

AS_OF = date(2026, 11, 20)


def test_the_demo_is_matched_followed_up_targeted_and_has_live_cases(db):
    lead = Actor("lead1", "lead")
    done = load_showcase(db, lead, AS_OF, clients=80)
    assert done["matched"] > 0.8 * db["receipts"].count
    callers = {r[0] for r in db.execute("SELECT DISTINCT created_by FROM follow_ups")}
    assert done["follow_ups"] > 20 and callers <= set(TEAM) and len(callers) > 1
    assert db["promises"].count > 0
    assert done["targets"] > 12 and db["fx_rates"].count == 2
    open_cases = list_cases(db, AS_OF, CaseFilters(state="open"))
    assert open_cases and all(sum(c["at_stake"].values()) > 0 for c in open_cases)
    assert {c["assignee"] for c in open_cases} <= set(TEAM)
    assert invariant_holds(db, AS_OF)
    for username in TEAM:
        row = db.execute("SELECT password_hash FROM users WHERE username = ?", [username])
        assert not password_matches("", row.fetchone()[0])
    with pytest.raises(NotEmpty):
        load_showcase(db, lead, AS_OF, clients=80)
