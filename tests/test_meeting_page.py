"""The Meeting page: key numbers with their change, charts by topic with their Vega-Lite
specs, projector mode, filters in the URL, and the MIS download."""

from __future__ import annotations

import pytest
from builders import make_allocation, make_receipt
from conftest import open_app
from reporting_builders import AS_OF, book, charts, day, titled

from lib.db import connect

PAGE = "pages/meeting_page.py"
QUERY = {"as_of": AS_OF.isoformat()}


@pytest.fixture
def ledger(app_db):
    db = connect(app_db)
    ids = book(db)
    # money that came this week for the change against last week
    receipt = make_receipt(db, currency="JPY", amount=20_000, value_date=day(-1),
                           client_id=ids["head"])  # fmt: skip
    make_allocation(db, receipt, ids["jp-late"], 20_000, effective_date=day(-1))
    now = "2026-01-01T00:00:00Z"
    case = db["cases"].insert({"case_no": "RC-1", "client_id": ids["branch"],
                               "stage": "demand_letter", "opened_on": day(-30),
                               "created_by": "asha", "created_at": now,
                               "updated_at": now}).last_pk  # fmt: skip
    db["case_stages"].insert({"case_id": case, "stage": "demand_letter", "entered_on": day(-30),
                              "moved_by": "asha", "moved_at": now})  # fmt: skip
    db["case_invoices"].insert({"case_id": case, "invoice_id": ids["jp-branch"],
                                "outstanding_at_open": 55_000, "added_on": day(-30),
                                "added_by": "asha"})  # fmt: skip
    db.close()
    return ids


@pytest.mark.parametrize("user", ["asha", "priya", "ravi"])
def test_key_numbers_per_currency_with_change_against_last_week_and_month(ledger, user):
    at = open_app(user, PAGE, query=QUERY)
    assert at.title[0].value == "Weekly meeting"
    jpy = {m.label: m for m in at.metric if m.value.startswith("¥")}
    assert jpy["Open receivables"].value == "¥445,000"
    assert jpy["Collected, last 7 days"].value == "¥50,000"
    assert jpy["Collected, last 7 days"].proto.delta == "+¥50,000 vs last week"
    assert jpy["Open receivables"].proto.delta == "-¥50,000 vs last week"
    assert any(c.value.endswith("vs last month") for c in at.caption)
    inr = {m.label: m.value for m in at.metric if m.value.startswith("₹")}
    assert inr["Open receivables"] == "₹1,18,000"  # whole rupees on the projector
    (total,) = [m for m in at.metric if m.label.startswith("Open receivables, all currencies")]
    assert total.value == "¥657,400"
    assert [b.label for b in at.get("download_button")] == ["Download the MIS report (.xlsx)"]


def test_charts_for_the_projector_and_their_specs(ledger):
    at = open_app("asha", PAGE, query=QUERY)
    titles = [s["title"]["text"] for s, _ in charts(at)]
    for start in ("Aging at month ends · JPY", "Top 2 overdue debtors · JPY",
                  "Collections against target · JPY",
                  "DSO by the countback method", "Recovery funnel"):  # fmt: skip
        assert any(t.startswith(start) for t in titles), (start, titles)
    spec, rows = titled(at, "Aging at month ends · JPY")
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x"]["field"] == "day"
    assert spec["config"]["axis"]["labelFontSize"] == 18  # projector size by default
    assert sum(r["amount"] for r in rows if r["order"] == max(x["order"] for x in rows)) == 445_000
    spec, rows = titled(at, "Collections against target · JPY")
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "tick"]
    targets = [r for r in rows if "target" in r and r.get("target") is not None]
    assert targets and targets[-1]["target"] == 1_000_000
    spec, rows = titled(at, "Recovery funnel by stage")
    assert [(r["stage"], r["cases"]) for r in rows if r["cases"]] == [("Demand letter", 1)]
    assert next(r for r in rows if r["cases"])["owed"] == "¥55,000"
    spec, rows = titled(at, "DSO by the countback method")
    assert spec["mark"]["type"] == "line" and {r["currency"] for r in rows} == {"JPY", "INR"}
    assert any(h.proto.body.startswith("<style>") for h in at.get("html"))


def test_laptop_size_and_period_come_from_the_url(ledger):
    at = open_app("asha", PAGE, query={**QUERY, "size": "screen", "period": "month"})
    assert not at.get("html")  # no projector CSS
    spec, _ = titled(at, "Aging at month ends · JPY")
    assert spec["config"]["axis"]["labelFontSize"] == 13
    assert any(s.value.startswith("Collector activity · 01/") for s in at.subheader)
    at.radio(key="q-meeting-size").set_value("projector").run()
    assert "size" not in at.query_params


def test_nothing_open_says_so(app_db):
    at = open_app("priya", PAGE)
    assert any("Nothing to show yet" in i.value for i in at.info)
