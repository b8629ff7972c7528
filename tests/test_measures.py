"""The meeting's measures: DSO by countback, CEI, collections against target, unapplied cash,
key numbers with their change, promises kept, top debtors, activity and the recovery funnel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from builders import (
    make_allocation,
    make_client,
    make_follow_up,
    make_invoice,
    make_promise,
    make_receipt,
)

from lib.aging import Buckets, aging_items, aging_table
from lib.reports import measures, team_measures
from lib.reports.report_settings import set_target

NOW = "2026-01-01T00:00:00Z"


def test_dso_countback_worked_example():
    # Balance 1,000; December sales 400 (31 days), November 300 (30), October 500 (31):
    # 1,000 − 400 = 600 (31 days), 600 − 300 = 300 (61 days), 300 < 500: 300/500 × 31 = 18.6.
    result = measures.countback(1_000, [(31, 400), (30, 300), (31, 500)])
    assert result == measures.Dso(Decimal("79.6"))
    assert measures.countback(0, [(31, 400)]).days == 0
    assert measures.countback(400, [(31, 400), (30, 300)]).days == 31
    short = measures.countback(5_000, [(31, 400), (30, 300)])
    assert short.complete is False and short.days == 61


def test_dso_from_the_ledger_counts_the_month_so_far(db):
    client = make_client(db, currency="JPY")
    for day, amount in (("2026-09-10", 500), ("2026-10-10", 300), ("2026-11-05", 200)):
        make_invoice(db, client_id=client, currency="JPY", amount=amount, tax=0,
                     invoice_date=day, due_date=day)  # fmt: skip
    # On 20/11 everything is open: 1,000. November so far (20 days) sold 200, October
    # (31 days) 300, then 500 remain against September's 500: all 30 days of it.
    assert measures.dso(db, date(2026, 11, 20))["JPY"].days == Decimal(81)
    trend = measures.dso_trend(db, [date(2026, 10, 31), date(2026, 11, 20)])
    assert [(r["day"], r["dso"]) for r in trend] == [("2026-10-31", 61.0), ("2026-11-20", 81.0)]


def test_cei_worked_example(db):
    client = make_client(db, currency="INR")
    old = make_invoice(db, client_id=client, amount=1_000, tax=0,
                       invoice_date="2026-09-01", due_date="2026-09-30")  # fmt: skip
    make_invoice(db, client_id=client, amount=500, tax=0,
                 invoice_date="2026-10-10", due_date="2026-11-09")  # fmt: skip
    receipt = make_receipt(db, amount=600, value_date="2026-10-15", client_id=client)
    make_allocation(db, receipt, old, 600, effective_date="2026-10-15")
    # (1,000 + 500 − 900) ÷ (1,000 + 500 − 500) × 100 = 60.0
    assert measures.cei(db, date(2026, 10, 1), date(2026, 10, 31)) == {"INR": Decimal("60.0")}
    (row,) = [r for r in measures.cei_trend(db, date(2026, 10, 31), 1)]
    assert row == {"month": "2026-10", "currency": "INR", "cei": 60.0}


def test_collected_is_cash_applied_plus_client_money_on_account_not_suspense(db, lead):
    client = make_client(db, currency="INR")
    inv = make_invoice(db, client_id=client, amount=10_000, tax=0,
                       invoice_date="2026-10-01", due_date="2026-10-31")  # fmt: skip
    paid = make_receipt(db, amount=7_000, value_date="2026-11-03", client_id=client)
    make_allocation(db, paid, inv, 6_000, effective_date="2026-11-03")  # 1,000 on account
    make_receipt(db, amount=500, value_date="2026-11-04", client_id=client)  # on account
    make_receipt(db, amount=9_999, value_date="2026-11-05", suspense_reason="payer unknown")
    db["deductions"].insert({"invoice_id": inv, "amount": 100, "kind": "tds", "reason": "t",
                             "effective_date": "2026-11-03", "created_by": "t",
                             "created_at": NOW})  # fmt: skip
    set_target(db, lead, "2026-11", "INR", 8_000)
    rows = measures.collections(db, date(2026, 11, 20), months=2)
    nov = next(r for r in rows if r["month"] == "2026-11")
    assert (nov["applied"], nov["on_account"], nov["collected"]) == (6_000, 1_500, 7_500)
    assert nov["target"] == 8_000
    october = next(r for r in rows if r["month"] == "2026-10")
    assert october["collected"] == 0 and october["target"] is None
    ages = measures.unapplied_by_age(db, date(2026, 11, 20))
    assert [(r["kind"], r["age_label"], r["amount"]) for r in ages] == [
        ("On account", "8–30 days", 1_500),
        ("Suspense", "8–30 days", 9_999),
    ]


def test_key_numbers_carry_last_week_and_last_month(db):
    client = make_client(db, currency="JPY")
    make_invoice(db, client_id=client, currency="JPY", amount=1_000, tax=0,
                 invoice_date="2026-09-01", due_date="2026-09-30")  # fmt: skip
    make_invoice(db, client_id=client, currency="JPY", amount=300, tax=0,
                 invoice_date="2026-11-16", due_date="2026-12-16")  # fmt: skip
    figures = measures.key_numbers(db, date(2026, 11, 20), Buckets())["JPY"]
    assert (figures["open"], figures["overdue"], figures["over_90"]) == (1_300, 1_000, 0)
    assert (figures["open_week"], figures["open_month"]) == (1_000, 1_000)
    assert figures["overdue_pct"] == 76.9
    assert measures.same_day_last_month(date(2026, 3, 31)) == date(2026, 2, 28)


def test_kept_rate_counts_partly_kept_by_amount(db):
    client = make_client(db, currency="INR")
    inv = make_invoice(db, client_id=client, amount=100_000, tax=0,
                       invoice_date="2026-08-01", due_date="2026-08-31")  # fmt: skip
    make_promise(db, client, [("2026-09-10", 10_000)], promised_on="2026-09-01")  # kept
    make_promise(db, client, [("2026-09-25", 20_000)], promised_on="2026-09-15")  # half
    make_promise(db, client, [("2026-10-10", 5_000)], promised_on="2026-10-01")  # broken
    make_promise(db, client, [("2026-12-01", 5_000)], promised_on="2026-11-15")  # pending
    for day, amount in (("2026-09-09", 10_000), ("2026-09-24", 10_000)):
        receipt = make_receipt(db, amount=amount, value_date=day, client_id=client)
        make_allocation(db, receipt, inv, amount, effective_date=day)
    rate, judged = team_measures.kept_rate(db, date(2026, 11, 20), date(2026, 8, 1))
    # Money counts from the day each promise was made: the second saw 10,000 of 20,000.
    # (1 kept + 0.5 partly + 0 broken) ÷ 3 fallen due; the pending one is not judged.
    assert (rate, judged) == (50.0, 3)
    months = {r["month"]: r for r in team_measures.promise_stats(db, date(2026, 11, 20), 3)}
    assert months["2026-09"]["judged"] == 2 and months["2026-09"]["kept_rate"] == 75.0
    assert months["2026-10"]["kept_rate"] == 0.0 and months["2026-11"]["made"] == 1


def test_top_debtors_per_currency_largest_overdue_first(db):
    for n, amount in enumerate((500, 900, 700)):
        client = make_client(db, client_code=f"T{n}", currency="JPY", owner="kenji")
        make_invoice(db, client_id=client, currency="JPY", amount=amount, tax=0,
                     invoice_date="2026-09-01", due_date="2026-09-30")  # fmt: skip
    make_invoice(db, currency="INR", amount=50, tax=0, invoice_date="2026-09-01",
                 due_date="2026-12-30")  # not overdue  # fmt: skip
    items = aging_items(db, date(2026, 11, 20), Buckets())
    top = team_measures.top_debtors(aging_table(items, Buckets(), "client"), limit=2)
    assert [(r["client_code"], r["overdue"], r["rank"]) for r in top] == [
        ("T1", 900, 1),
        ("T2", 700, 2),
    ]


def test_collector_activity_counts_logged_calls_and_cash_on_owned_clients(db):
    mine = make_client(db, currency="INR", owner="priya")
    inv = make_invoice(db, client_id=mine, amount=5_000, tax=0,
                       invoice_date="2026-10-01", due_date="2026-10-31")  # fmt: skip
    receipt = make_receipt(db, amount=5_000, value_date="2026-11-10", client_id=mine)
    make_allocation(db, receipt, inv, 5_000, effective_date="2026-11-10")
    make_follow_up(db, mine, created_by="priya", contacted_on="2026-11-02")
    make_follow_up(db, mine, created_by="priya", contacted_on="2026-11-03", outcome="promised")
    make_follow_up(db, mine, created_by="priya", contacted_on="2026-11-04", outcome="sent",
                   channel="email")  # fmt: skip
    make_follow_up(db, mine, created_by="ravi", contacted_on="2026-10-04")  # outside
    rows = team_measures.collector_activity(db, date(2026, 11, 1), date(2026, 11, 20))
    assert rows == [
        {"owner": "priya", "logged": 2, "promises": 1, "reminders": 1,
         "collected": {"INR": 5_000}},
    ]  # fmt: skip


def _case(db, client_id, invoice_id, history, closed_on=None, no="RC-1"):
    final = history[-1][0]
    case_id = db["cases"].insert({
        "case_no": no, "client_id": client_id, "stage": final, "opened_on": history[0][1],
        "closed_on": closed_on, "created_by": "lead1", "created_at": NOW, "updated_at": NOW,
    }).last_pk  # fmt: skip
    for stage, day in history:
        db["case_stages"].insert({"case_id": case_id, "stage": stage, "entered_on": day,
                                  "moved_by": "lead1", "moved_at": NOW})  # fmt: skip
    db["case_invoices"].insert({"case_id": case_id, "invoice_id": invoice_id,
                                "outstanding_at_open": 1, "added_on": history[0][1],
                                "added_by": "lead1"})  # fmt: skip
    return case_id


def test_recovery_funnel_uses_the_stage_each_case_was_in_on_the_day(db):
    client = make_client(db, currency="JPY")
    inv = make_invoice(db, client_id=client, currency="JPY", amount=80_000, tax=0,
                       invoice_date="2025-10-01", due_date="2025-10-31")  # fmt: skip
    other = make_invoice(db, client_id=client, currency="JPY", amount=20_000, tax=0,
                         invoice_date="2025-10-01", due_date="2025-10-31")  # fmt: skip
    _case(db, client, inv, [("pre_legal_notice", "2026-01-05"), ("demand_letter", "2026-02-10")])
    _case(db, client, other, [("pre_legal_notice", "2026-01-05"),
                              ("closed_recovered", "2026-02-20")],
          closed_on="2026-02-20", no="RC-2")  # fmt: skip

    def funnel(day):
        rows = team_measures.recovery_funnel(db, day, date(2026, 1, 1))
        return {r["stage"]: (r["cases"], r["outstanding"]) for r in rows if r["cases"]}

    assert funnel(date(2026, 2, 1)) == {"pre_legal_notice": (2, {"JPY": 100_000})}
    assert funnel(date(2026, 3, 1)) == {
        "demand_letter": (1, {"JPY": 80_000}),
        "closed_recovered": (1, {"JPY": 20_000}),
    }
    assert funnel(date(2025, 12, 31)) == {}
