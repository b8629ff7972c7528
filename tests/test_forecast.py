"""Expected collections: the survival curves, the forecast's shape, the segment fallback,
promises and disputes, and the back-test against the naive forecast on the demo ledger."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from builders import make_allocation, make_client, make_invoice, make_promise, make_receipt

from lib.demo.matched import matched_demo
from lib.reports import forecast, forecast_check

AS_OF = date(2026, 11, 20)


def test_survival_curve_counts_unpaid_invoices_as_still_waiting():
    # Four invoices: paid 0 and 10 days after due, one still unpaid at 5 days, one at 30.
    curve = forecast.survival([(0, True, 1.0), (10, True, 1.0), (5, False, 1.0), (30, False, 1.0)])
    assert curve.unpaid_after(-1) == 1.0
    assert curve.unpaid_after(0) == pytest.approx(0.75)
    # at day 10, two are at risk (the day-10 one and the day-30 one): half of them pay
    assert curve.unpaid_after(10) == pytest.approx(0.375)
    assert curve.unpaid_after(100) == pytest.approx(0.375)


def test_week_shares_are_conditional_on_being_unpaid_so_far():
    curve = forecast.survival([(d, True, 1.0) for d in (2, 9, 16, 23)])
    shares = forecast.week_shares(curve, late=1, weeks=4)
    assert shares == pytest.approx([0.25, 0.25, 0.25, 0.25])
    later = forecast.week_shares(curve, late=10, weeks=3)
    assert later == pytest.approx([0.5, 0.5, 0.0])
    assert forecast.week_shares(curve, late=40, weeks=2) == [0.0, 0.0]


def test_a_thin_history_leans_on_the_segment_a_long_one_on_itself():
    prior = forecast.tally([(30, True, 1.0)] * 50)  # the segment pays a month late
    weight = forecast.PRIOR_WEIGHT  # the segment counts as this many of the client's own
    thin = forecast.pooled(forecast.tally([(0, True, 1.0)]), prior)
    assert thin.unpaid_after(0) == pytest.approx(weight / (1 + weight))
    long = forecast.pooled(forecast.tally([(0, True, 1.0)] * 30), prior)
    assert long.unpaid_after(0) == pytest.approx(weight / (30 + weight))
    waiting = forecast.pooled(forecast.tally([(-5, False, 1.0)]), prior)
    assert waiting.unpaid_after(29) == 1.0 and waiting.unpaid_after(30) == 0.0


def _history(db, client, days_late: int, count: int = 6, currency: str = "INR") -> None:
    """Paid invoices that fell due over the last months, each paid ``days_late`` late."""
    for n in range(count):
        due = AS_OF - timedelta(days=30 * (n + 1) + days_late)
        paid = due + timedelta(days=days_late)
        inv = make_invoice(db, client_id=client, currency=currency, amount=10_000, tax=0,
                           invoice_date=(due - timedelta(days=30)).isoformat(),
                           due_date=due.isoformat())  # fmt: skip
        receipt = make_receipt(db, currency=currency, amount=10_000, value_date=paid.isoformat(),
                               client_id=client)  # fmt: skip
        make_allocation(db, receipt, inv, 10_000, effective_date=paid.isoformat())


def _open(db, client, due: date, amount: int = 70_000, **extra):
    return make_invoice(db, client_id=client, amount=amount, tax=0,
                        invoice_date=(due - timedelta(days=30)).isoformat(),
                        due_date=due.isoformat(), **extra)  # fmt: skip


def test_forecast_follows_the_clients_own_delay_in_weeks_per_currency(db):
    slow = make_client(db, client_code="SLOW", currency="INR", owner="priya")
    _history(db, slow, days_late=20)
    _open(db, slow, due=AS_OF - timedelta(days=3))  # paid ~17 days from now: week 3
    rows = forecast.forecast(db, AS_OF)
    assert {r["week"] for r in rows} <= set(range(1, 9))
    mine = [r for r in rows if r["client_code"] == "SLOW"]
    assert {(r["currency"], r["owner"], r["source"]) for r in mine} == {("INR", "priya", "history")}
    by_week = {r["week"]: r["amount"] for r in mine}
    assert max(by_week, key=by_week.get) == 3
    assert sum(by_week.values()) == pytest.approx(70_000, rel=0.02)
    assert all(isinstance(r["amount"], int) for r in rows)


def test_a_new_client_falls_back_on_its_segment(db):
    for n in range(3):
        old = make_client(db, client_code=f"OLD{n}", currency="INR", segment="partner")
        _history(db, old, days_late=6)
    new = make_client(db, client_code="NEW", currency="INR", segment="partner")
    _open(db, new, due=AS_OF + timedelta(days=1))
    rows = [r for r in forecast.forecast(db, AS_OF) if r["client_code"] == "NEW"]
    assert [r["week"] for r in rows] == [1]  # its segment pays a week late
    assert rows[0]["amount"] == 70_000


def test_pending_promise_comes_on_its_date_and_disputes_stay_out(db):
    client = make_client(db, client_code="PROM", currency="INR")
    _history(db, client, days_late=60)
    _open(db, client, due=AS_OF - timedelta(days=10), amount=40_000)
    _open(db, client, due=AS_OF - timedelta(days=10), amount=99_000, disputed=1)
    make_promise(db, client, [((AS_OF + timedelta(days=9)).isoformat(), 30_000)],
                 promised_on=AS_OF.isoformat())  # fmt: skip
    rows = [r for r in forecast.forecast(db, AS_OF) if r["client_code"] == "PROM"]
    promised = [r for r in rows if r["source"] == "promise"]
    assert [(r["week"], r["amount"]) for r in promised] == [(2, 18_000)]  # 30,000 × 0.6
    history = sum(r["amount"] for r in rows if r["source"] == "history")
    assert history <= 40_000 - 18_000  # only what the promise is not expected to bring
    # this client pays 60 days late: all of the undisputed 40,000 within 8 weeks, and
    # nothing of the disputed 99,000
    assert sum(r["amount"] for r in rows) == 40_000


def test_naive_forecast_and_actuals_for_comparison(db):
    client = make_client(db, currency="INR")
    inv = _open(db, client, due=AS_OF - timedelta(days=5), amount=10_000)
    _open(db, client, due=AS_OF + timedelta(days=10), amount=5_000)
    assert forecast_check.naive(db, AS_OF) == {(0, "INR"): 10_000, (1, "INR"): 5_000}
    assert forecast_check.naive(db, AS_OF, overdue=False) == {(1, "INR"): 5_000}
    day = (AS_OF + timedelta(days=9)).isoformat()
    receipt = make_receipt(db, amount=4_000, value_date=day, client_id=client)
    make_allocation(db, receipt, inv, 4_000, effective_date=day)
    came = forecast_check.actuals(db, AS_OF, until=AS_OF + timedelta(days=14))
    assert came == {(0, "INR"): 0, (1, "INR"): 4_000}
    rows = forecast_check.compare(db, AS_OF, until=AS_OF + timedelta(days=14), weeks=3)
    assert [r["actual"] for r in rows] == [0, 4_000, None]
    assert forecast_check.mape([{"currency": "INR", "actual": 100, "forecast": 90}]) == {
        "INR": 10.0
    }


def test_kaishu_beats_the_naive_forecast_on_the_demo_ledger(db):
    matched_demo(db, as_of=AS_OF, clients=300)
    origins = forecast_check.origins_between(date(2026, 5, 1), date(2026, 9, 1), every_days=28)
    rows = forecast_check.backtest(db, origins, until=AS_OF)
    for measure in (forecast_check.mape, forecast_check.wape):
        ours, naive = measure(rows, "forecast"), measure(rows, "naive")
        assert set(ours) == {"INR", "JPY"}
        for currency in ours:
            assert ours[currency] < naive[currency], (measure.__name__, ours, naive)
            assert ours[currency] < 60
