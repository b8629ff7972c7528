"""Expected collections from recovery settlements: unpaid instalments in the weeks they fall
due, scaled by how the case has kept them; cancelled settlements and closed cases bring
nothing, and the case's invoices stay out of the history forecast."""

from __future__ import annotations

from datetime import date

import pytest
from recovery_data import LEAD, ledger, open_case, pay, settle

from lib.recovery.settlements import cancel_settlement
from lib.reports import forecast
from lib.reports.forecast_settlements import settlement_receipts


@pytest.fixture
def ids(db):
    return ledger(db)


@pytest.fixture
def case(db, ids):
    return open_case(db, ids, "ab")


def test_a_kept_settlement_brings_its_next_instalments_in_full(db, ids, case, collector):
    settle(db, case)
    pay(db, ids, collector, 100_000, "2026-07-08")  # the first instalment, on time
    as_of = date(2026, 7, 20)
    # 10 August is 21 days on (the third week), 10 September 52 days (the eighth)
    assert settlement_receipts(db, as_of, {case}, 8) == {
        (2, "JPY", ids["client"]): pytest.approx(100_000),
        (7, "JPY", ids["client"]): pytest.approx(100_000),
    }
    rows = forecast.forecast(db, as_of)
    agreed = [
        (r["week"], r["client_code"], r["amount"]) for r in rows if r["source"] == "settlement"
    ]
    assert agreed == [(3, "JP0100", 100_000), (8, "JP0100", 100_000)]
    # the case's invoices are not also forecast from the client's habits
    assert not [r for r in rows if r["source"] == "history" and r["currency"] == "JPY"]


def test_a_part_paid_missed_instalment_lowers_what_is_expected(db, ids, case, collector):
    settle(db, case)
    pay(db, ids, collector, 50_000, "2026-07-08")  # half of the first; its grace has passed
    expected = settlement_receipts(db, date(2026, 7, 25), {case}, 8)
    # the case kept half of what was due; with only its own record, the team's is the same:
    # (0.5 + 2 × 0.5) / 3 = 0.5. The missed half comes in the first week at that rate.
    assert expected == {
        (0, "JPY", ids["client"]): pytest.approx(25_000),
        (2, "JPY", ids["client"]): pytest.approx(50_000),
        (6, "JPY", ids["client"]): pytest.approx(50_000),
    }


def test_nothing_is_expected_beyond_the_horizon_or_from_a_cancelled_settlement(db, ids, case):
    sid = settle(db, case)
    before = date(2026, 6, 20)
    # with no record yet, the first instalment counts at the default 0.6; the others are
    # more than 4 weeks away
    assert settlement_receipts(db, before, {case}, 4) == {
        (2, "JPY", ids["client"]): pytest.approx(60_000)
    }
    assert settlement_receipts(db, before, set(), 8) == {}  # the case was not open
    cancel_settlement(db, LEAD, sid, "client stopped paying", date(2026, 6, 25))
    assert settlement_receipts(db, date(2026, 6, 26), {case}, 8) == {}
    # a forecast made before the cancellation still counted it
    assert settlement_receipts(db, before, {case}, 4)
