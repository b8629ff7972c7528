"""Aging as of any date: the IBM sample against the raw file, the ledger identity for any
generated ledger, buckets, basis, grouping and converted totals."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from unittest.mock import patch

import pytest
from builders import (
    make_allocation,
    make_client,
    make_invoice,
    make_receipt,
    make_recovery,
    make_write_off,
)
from conftest import SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib import aging
from lib.aging import Buckets, Filters, balances, groups
from lib.db import connect
from lib.importing import ImportOptions, import_file
from lib.reports.fx import converted_total, latest_rates
from lib.reports.report_settings import set_rate

IBM_DATES = [date(2012, 6, 30), date(2012, 12, 31), date(2013, 3, 15), date(2013, 9, 30)]


def _us(text: str) -> date:
    return datetime.strptime(text, "%m/%d/%Y").date()


@pytest.fixture
def ibm(db, collector):
    """The IBM sample imported as USD invoices, each paid in full on its settled date."""
    raw = (SAMPLES / "ibm-accounts-receivable.csv").read_bytes()
    result = import_file(
        db, collector, raw, "ibm.csv", ImportOptions(kind="invoices", currency="USD")
    )
    assert result.imported == 2466
    rows = list(csv.DictReader(io.StringIO(raw.decode())))
    ids = {r["invoice_no"]: r["id"] for r in db.query("SELECT id, invoice_no FROM invoices")}
    for n, row in enumerate(rows):
        settled = _us(row["SettledDate"]).isoformat()
        amount = int(Decimal(row["InvoiceAmount"]) * 100)
        receipt = make_receipt(
            db, fingerprint=f"ibm-{n}", currency="USD", amount=amount, value_date=settled
        )
        make_allocation(db, receipt, ids[row["invoiceNumber"]], amount, effective_date=settled)
    return rows


def _expected(rows: list[dict], as_of: date, buckets: Buckets) -> dict[str, tuple]:
    """The aging computed straight from the raw CSV: open when invoiced on or before the
    day and settled after it; outstanding is the whole amount (paid in one go)."""
    out = {}
    for row in rows:
        invoiced, due = _us(row["InvoiceDate"]), _us(row["DueDate"])
        if invoiced <= as_of < _us(row["SettledDate"]):
            days = (as_of - due).days if buckets.basis == "due" else (as_of - invoiced).days
            amount = int(Decimal(row["InvoiceAmount"]) * 100)
            out[row["invoiceNumber"]] = (amount, days, buckets.index(days))
    return out


@pytest.mark.parametrize("as_of", IBM_DATES)
@pytest.mark.parametrize("basis", ["due", "invoice"])
def test_ibm_sample_aging_equals_the_raw_file_invoice_by_invoice(db, ibm, as_of, basis):
    buckets = Buckets(basis=basis)
    got = {
        i["invoice_no"]: (i["outstanding"], i["days"], i["bucket"])
        for i in aging.aging_items(db, as_of, buckets)
    }
    expected = _expected(ibm, as_of, buckets)
    assert got == expected
    assert len(got) > 50  # each date has a real book to age
    totals = aging.currency_totals(aging.aging_items(db, as_of, buckets), buckets)
    assert totals == balances.bucket_totals_at(db, as_of, buckets)
    by_bucket = [0] * len(buckets.labels())
    for amount, _, bucket in expected.values():
        by_bucket[bucket] += amount
    assert totals["USD"] == by_bucket


@pytest.mark.parametrize("by", ["client", "parent", "segment", "owner", "currency"])
def test_ibm_aging_by_group_summed_in_halves_equals_the_items_summed(db, ibm, by):
    # A file database: the first half of the clients is summed on a second connection.
    for as_of in IBM_DATES:
        items = aging.aging_items(db, as_of, Buckets())
        expected = aging.aging_table(items, Buckets(), by)
        assert aging.aging_groups(db, as_of, Buckets(), by) == expected
        assert expected


def test_ibm_open_items_and_aging_agree_with_the_summary(db, ibm):
    as_of = date(2013, 3, 15)
    items = aging.aging_items(db, as_of, Buckets())
    assert sum(i["outstanding"] for i in items) == sum(
        i["outstanding"] for i in aging.open_items(db, as_of)
    )
    (usd,) = aging.summary(db, as_of)
    assert usd["open"] == sum(i["outstanding"] for i in items)
    assert usd["overdue"] == sum(i["outstanding"] for i in items if i["days_past_due"] > 0)


# --- the ledger identity, for any ledger and any day --------------------------------------

START = date(2025, 1, 1)
entry = st.tuples(
    st.sampled_from(["allocation", "deduction"]),
    st.integers(1, 60),  # percent of what is left
    st.integers(-10, 200),  # days after the invoice date
    st.booleans(),  # reversed
)
invoice = st.fixed_dictionaries(
    {
        "currency": st.sampled_from(["JPY", "INR"]),
        "amount": st.integers(1, 5_000_000),
        "day": st.integers(0, 300),
        "terms": st.integers(0, 90),
        "voided": st.booleans(),
        "entries": st.lists(entry, max_size=4),
        "write_off": st.none() | st.tuples(st.integers(1, 100), st.integers(0, 250), st.booleans()),
        "recovery": st.none() | st.tuples(st.integers(1, 100), st.integers(0, 60), st.booleans()),
    }
)


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


def _write(db, spec: list[dict]) -> list[dict]:
    """Put the generated ledger in; returns every entry that counts, for the identity."""
    client = make_client(db, currency="INR")
    facts = []
    for n, inv in enumerate(spec):
        invoice_id = make_invoice(
            db,
            client_id=client,
            currency=inv["currency"],
            amount=inv["amount"],
            tax=0,
            invoice_date=_day(inv["day"]),
            due_date=_day(inv["day"] + inv["terms"]),
            voided_at="2026-01-02T00:00:00Z" if inv["voided"] else None,
        )
        row = {**inv, "id": invoice_id, "counts": []}
        left = inv["amount"]
        for k, (kind, share, after, reversed_) in enumerate(inv["entries"]):
            amount = left * share // 100
            if amount <= 0:
                continue
            day = _day(max(inv["day"], inv["day"] + after))
            reversal = "2026-02-01T00:00:00Z" if reversed_ else None
            if kind == "allocation":
                receipt = make_receipt(
                    db, fingerprint=f"p{n}-{k}", currency=inv["currency"], amount=amount
                )
                make_allocation(db, receipt, invoice_id, amount, effective_date=day,
                                reversed_at=reversal)  # fmt: skip
            else:
                db["deductions"].insert(
                    {"invoice_id": invoice_id, "amount": amount, "kind": "tds", "reason": "t",
                     "effective_date": day, "created_by": "t", "created_at": "t",
                     "reversed_at": reversal}
                )  # fmt: skip
            if not reversed_:
                left -= amount
                row["counts"].append((day, -amount))
        if inv["write_off"] and left > 0:
            share, after, reversed_ = inv["write_off"]
            amount = max(1, left * share // 100)
            wo_day = _day(inv["day"] + after)
            reversal = "2026-03-01T00:00:00Z" if reversed_ and not inv["recovery"] else None
            write_off = make_write_off(
                db, invoice_id, amount, effective_date=wo_day, reversed_at=reversal
            )
            if reversal is None:
                left -= amount
                row["counts"].append((wo_day, -amount))
                if inv["recovery"]:
                    r_share, r_after, r_reversed = inv["recovery"]
                    back = max(1, amount * r_share // 100)
                    r_day = _day(inv["day"] + after + r_after)
                    receipt = make_receipt(
                        db, fingerprint=f"r{n}", currency=inv["currency"], amount=back
                    )
                    recovery = make_recovery(
                        db, write_off, invoice_id, receipt, back, effective_date=r_day
                    )
                    cash = make_allocation(db, receipt, invoice_id, back, effective_date=r_day)
                    if r_reversed:  # the cash goes back first, then the recovery
                        at = "2026-04-01T00:00:00Z"
                        db["allocations"].update(cash, {"reversed_at": at})
                        db["write_off_recoveries"].update(recovery, {"reversed_at": at})
                    else:
                        row["counts"] += [(r_day, back), (r_day, -back)]
        facts.append(row)
    return facts


def _identity(facts: list[dict], as_of: date) -> dict[str, int]:
    """invoices − applied − deductions − write-offs + recoveries, per currency."""
    out: dict[str, int] = {}
    day = as_of.isoformat()
    for inv in facts:
        if inv["voided"] or _day(inv["day"]) > day:
            continue
        left = inv["amount"] + sum(v for d, v in inv["counts"] if d <= day)
        out[inv["currency"]] = out.get(inv["currency"], 0) + left
    return {c: v for c, v in out.items() if v}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    spec=st.lists(invoice, min_size=1, max_size=6),
    days=st.lists(st.integers(-5, 420), min_size=1, max_size=3),
    limits=st.lists(st.integers(1, 400), min_size=1, max_size=5, unique=True),
    basis=st.sampled_from(["due", "invoice"]),
)
def test_aging_total_equals_open_items_equals_the_ledger_identity(spec, days, limits, basis):
    db = connect(":memory:")
    facts = _write(db, spec)
    buckets = Buckets(tuple(sorted(limits)), basis)
    for offset in days:
        as_of = START + timedelta(days=offset)
        items = aging.aging_items(db, as_of, buckets)
        by_currency: dict[str, int] = {}
        for item in items:
            by_currency[item["currency"]] = (
                by_currency.get(item["currency"], 0) + item["outstanding"]
            )
            assert 0 < item["outstanding"] <= item["amount"]
        open_total: dict[str, int] = {}
        for item in aging.open_items(db, as_of):
            open_total[item["currency"]] = open_total.get(item["currency"], 0) + item["outstanding"]
        assert by_currency == open_total == _identity(facts, as_of)
        totals = aging.currency_totals(items, buckets)
        assert totals == balances.bucket_totals_at(db, as_of, buckets)
        grouped = aging.aging_table(items, buckets, "currency")
        assert {r["currency"]: r["total"] for r in grouped} == by_currency
        for by in ("client", "currency"):
            expected = aging.aging_table(items, buckets, by)
            assert aging.aging_groups(db, as_of, buckets, by) == expected
            with patch.object(groups, "MOVED_LIMIT", -1):  # the one scan of an aging far back
                assert aging.aging_groups(db, as_of, buckets, by) == expected
        for bucket in {i["bucket"] for i in items}:
            cell = aging.aging_items(db, as_of, buckets, by="currency", group="INR", bucket=bucket)
            assert sorted(i["invoice_id"] for i in cell) == sorted(
                i["invoice_id"] for i in aging.invoices_behind(items, "currency", "INR", bucket)
            )
    kept = dict(db.execute("SELECT id, settled FROM invoices").fetchall())
    for invoice_id, settled in db.execute("SELECT invoice_id, settled FROM invoice_settled"):
        assert kept[invoice_id] == settled  # the triggers keep the totals exact
    db.close()


# --- buckets, basis, grouping, filters, drill-down and conversion ------------------------


def test_default_buckets_and_their_names():
    due = Buckets()
    assert due.labels() == [
        "Not due", "1–30 days", "31–60 days", "61–90 days", "91–180 days", "Over 180 days",
    ]  # fmt: skip
    assert [due.index(d) for d in (-3, 0, 1, 30, 31, 90, 91, 180, 181)] == [
        0, 0, 1, 1, 2, 3, 4, 4, 5,
    ]  # fmt: skip
    age = Buckets(basis="invoice")
    assert age.labels()[0] == "0–30 days old" and age.labels()[-1] == "Over 180 days old"
    assert [age.index(d) for d in (0, 30, 31, 181)] == [0, 0, 1, 4]


@pytest.mark.parametrize(
    "limits,message",
    [
        ((30, 15), "rise"),
        ((0, 30, 30), "rise"),
        ((0, -5), "rise"),
        ((0, 5000), "between 0 and"),
        ((0,), "at least one"),
        (tuple(range(0, 120, 10)), "at most 10"),
        ((0, "30"), "whole numbers"),
    ],
)
def test_bucket_limits_are_checked(limits, message):
    with pytest.raises(ValueError, match=message):
        Buckets(limits)


def test_not_due_is_always_the_first_bucket():
    assert Buckets((15, 45)).limits == (0, 15, 45)
    assert Buckets((15, 45)).labels() == ["Not due", "1–15 days", "16–45 days", "Over 45 days"]


def _book(db):
    head = make_client(db, client_code="H001", name="Head Office KK", currency="JPY", owner="kenji")
    branch = make_client(
        db, client_code="B001", name="Branch Osaka", currency="JPY", parent_id=head,
        segment="franchisee", owner="priya",
    )  # fmt: skip
    other = make_client(db, client_code="C009", name="Sharma Traders", currency="INR")
    make_invoice(db, client_id=head, currency="JPY", amount=100_000, tax=0,
                 invoice_date="2026-01-05", due_date="2026-02-04")  # fmt: skip
    make_invoice(db, client_id=branch, currency="JPY", amount=50_000, tax=0,
                 invoice_date="2026-03-01", due_date="2026-03-31")  # fmt: skip
    make_invoice(db, client_id=other, currency="INR", amount=118_000_00, tax=0,
                 invoice_date="2026-03-20", due_date="2026-04-19")  # fmt: skip
    return date(2026, 4, 30)


def test_grouping_by_client_segment_owner_currency_and_parent_group(db):
    as_of = _book(db)
    items = aging.aging_items(db, as_of, Buckets())
    table = aging.aging_table(items, Buckets(), "parent")
    jpy = next(r for r in table if r["currency"] == "JPY")
    assert (jpy["group"], jpy["total"], jpy["invoices"]) == ("H001", 150_000, 2)
    assert jpy["label"] == "H001 Head Office KK"
    assert jpy["buckets"] == [0, 50_000, 0, 100_000, 0, 0]  # 30 and 85 days late
    by_owner = {(r["group"], r["currency"]) for r in aging.aging_table(items, Buckets(), "owner")}
    assert by_owner == {("kenji", "JPY"), ("priya", "JPY"), ("No owner", "INR")}
    segments = {r["group"] for r in aging.aging_table(items, Buckets(), "segment")}
    assert segments == {"client", "franchisee"}
    clients = aging.aging_table(items, Buckets(), "client")
    assert [r["group"] for r in clients] == ["C009", "H001", "B001"]  # INR first, then by size
    assert clients[2]["owner"] == "priya" and clients[2]["parent_code"] == "H001"


def test_sums_by_client_count_what_entries_after_the_day_change(db):
    """Today's open invoices plus the change of those touched after the day: one part paid
    since, one paid in full since; then one written off before the day and reopened by a
    recovery after it, which the day's aging must not hold (the sums then take one scan)."""
    client = make_client(db)
    day = date(2026, 4, 30)
    part_paid = make_invoice(db, client_id=client, amount=8_000, tax=0)
    paid = make_invoice(db, client_id=client, amount=3_000, tax=0, due_date="2026-04-20")
    make_invoice(db, client_id=client, amount=1_000, tax=0, due_date="2026-05-20")
    receipt = make_receipt(db, amount=11_000)
    make_allocation(db, receipt, part_paid, 5_000, effective_date="2026-05-05")
    make_allocation(db, receipt, paid, 3_000, effective_date="2026-05-06")

    def both() -> list[dict]:
        expected = aging.aging_table(aging.aging_items(db, day, Buckets()), Buckets(), "client")
        assert aging.aging_groups(db, day, Buckets(), "client") == expected
        return expected

    assert len(groups._pieces(db, day)) == 3
    [row] = both()
    assert (row["total"], row["invoices"], row["overdue"], row["oldest"]) == (
        12_000, 3, 11_000, 80,
    )  # fmt: skip
    reopened = make_invoice(db, client_id=client, amount=2_000, tax=0, due_date="2026-02-01")
    write_off = make_write_off(db, reopened, 2_000, effective_date="2026-03-31")
    make_recovery(db, write_off, reopened, receipt, 500, effective_date="2026-05-10")
    assert groups._pieces(db, day) == [(None, "")]
    [row] = both()
    assert (row["total"], row["invoices"], row["oldest"]) == (12_000, 3, 80)


def test_filters_and_drill_down_to_the_invoices_behind_a_cell(db):
    as_of = _book(db)
    items = aging.aging_items(db, as_of, Buckets())
    assert {i["client_code"] for i in Filters(client="H001").apply(items)} == {"H001", "B001"}
    assert [i["client_code"] for i in Filters(owner="No owner").apply(items)] == ["C009"]
    assert [i["currency"] for i in Filters(currency="INR", segment="client").apply(items)] == [
        "INR"
    ]
    behind = aging.invoices_behind(items, "parent", group="H001", bucket=3, currency="JPY")
    assert [(i["client_code"], i["outstanding"]) for i in behind] == [("H001", 100_000)]
    assert aging.invoices_behind(items, "client", group="B001", bucket=3) == []


def test_invoice_date_basis_counts_from_the_invoice_date(db):
    as_of = _book(db)
    items = aging.aging_items(db, as_of, Buckets(basis="invoice"))
    days = {i["client_code"]: (i["days"], i["bucket_label"]) for i in items}
    assert days == {
        "H001": (115, "91–180 days old"),
        "B001": (60, "31–60 days old"),
        "C009": (41, "31–60 days old"),
    }


def test_converted_total_needs_a_rate_for_every_currency_dated_by_the_day(db, lead):
    as_of = _book(db)
    totals = aging.currency_totals(aging.aging_items(db, as_of, Buckets()), Buckets())
    open_totals = {c: sum(v) for c, v in totals.items()}
    missing = converted_total(open_totals, latest_rates(db, as_of, "JPY"), "JPY")
    assert missing.total is None and "INR→JPY" in missing.label
    set_rate(db, lead, date(2026, 5, 2), "INR", "JPY", "1.80")  # after the day: not used
    assert converted_total(open_totals, latest_rates(db, as_of, "JPY"), "JPY").total is None
    set_rate(db, lead, date(2026, 4, 28), "INR", "JPY", "1.7845")
    done = converted_total(open_totals, latest_rates(db, as_of, "JPY"), "JPY")
    # ₹1,18,000.00 × 1.7845 = ¥210,571 (rounded half up), plus ¥150,000
    assert done.total == 150_000 + 210_571
    assert done.label == "converted at rates of 28/04/2026"
    assert done.text().startswith("¥360,571 (converted")
    inr = converted_total(open_totals, {}, "INR")
    assert inr.total is None and inr.missing == ("JPY",)


def test_settled_totals_are_backfilled_for_a_ledger_older_than_them(db):
    """m011 on a database that already holds a ledger: each invoice's kept total equals the
    settled view, and later reversals (an unmatch) keep them equal."""
    from lib import db as schema
    from lib.auth import Actor
    from lib.matching.actions import unmatch

    inv = make_invoice(db, amount=10_000, tax=0)
    receipt = make_receipt(db, amount=6_000)
    make_allocation(db, receipt, inv, 6_000)
    write_off = make_write_off(db, inv, 1_000)
    back = make_receipt(db, amount=500)
    make_recovery(db, write_off, inv, back, 500)
    make_allocation(db, back, inv, 500)
    for table, _ in schema.SETTLING:
        for kind in ("insert", "update"):
            db.execute(f"DROP TRIGGER {table}_settled_{kind}")
    db.execute("UPDATE invoices SET settled = 0")
    schema.keep_settled_on_invoices(db)

    def totals():
        return dict(db.execute("SELECT id, settled FROM invoices").fetchall())

    view = dict(db.execute("SELECT invoice_id, settled FROM invoice_settled").fetchall())
    assert totals() == view and view[inv] == 6_000 + 1_000 - 500 + 500
    unmatch(db, Actor("priya", "collector"), receipt, "wrong client")
    assert totals() == dict(db.execute("SELECT invoice_id, settled FROM invoice_settled"))
    assert totals()[inv] == 1_000
