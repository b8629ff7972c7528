"""The Aging page: every role, filters in the URL, the charts' Vega-Lite specs, the table,
drill-down to the invoices and on to the client page, and the converted total."""

from __future__ import annotations

import pytest
from conftest import open_app
from reporting_builders import AS_OF, book, charts, titled

from lib.db import connect

PAGE = "pages/aging_page.py"
QUERY = {"as_of": AS_OF.isoformat()}


@pytest.fixture
def ledger(app_db):
    db = connect(app_db)
    ids = book(db)
    db.close()
    return ids


@pytest.mark.parametrize("user", ["asha", "priya", "ravi"])
def test_every_role_sees_the_aging_per_currency(ledger, user):
    at = open_app(user, PAGE, query=QUERY)
    assert at.title[0].value == "Aging"
    assert [s.value for s in at.subheader][:2] == ["Indian rupee (INR)", "Japanese yen (JPY)"]
    metrics = {(m.label, m.value) for m in at.metric}
    assert ("Outstanding", "¥465,000") in metrics and (
        "Outstanding",
        "₹1,18,000",
    ) in metrics  # whole rupees; paise in the help
    assert ("Overdue", "¥355,000") in metrics


def test_the_chart_is_a_stacked_bar_per_client_with_a_clickable_cell(ledger):
    at = open_app("asha", PAGE, query=QUERY)
    spec, rows = titled(at, "Aging by client · JPY")
    assert spec["mark"]["type"] == "bar"
    enc = spec["encoding"]
    assert enc["x"]["field"] == "amount" and enc["x"]["type"] == "quantitative"
    assert enc["x"]["stack"] == "zero" and enc["y"]["field"] == "label"
    assert enc["color"]["field"] == "bucket_label"
    assert enc["color"]["scale"]["domain"][0] == "Not due"
    assert spec["params"][0]["name"] == "cell"
    assert spec["params"][0]["select"]["fields"] == ["group", "bucket"]
    cells = {(r["group"], r["bucket_label"]): r["amount"] for r in rows}
    assert cells == {
        ("JP0001", "Not due"): 110_000,
        ("JP0001", "31–60 days"): 300_000,
        ("JP0002", "91–180 days"): 55_000,
    }
    assert all(r["amount_text"].startswith("¥") for r in rows)
    (inr,) = [r for s, r in charts(at) if "INR" in s["title"]["text"]]
    assert [(r["group"], r["amount"]) for r in inr] == [("IN0001", 118_000.0)]


def test_filters_live_in_the_url_and_group_by_parent(ledger):
    at = open_app("asha", PAGE, query={**QUERY, "by": "parent", "currency": "JPY",
                                       "basis": "invoice"})  # fmt: skip
    assert [s.value for s in at.subheader][0] == "Japanese yen (JPY)"
    assert "Indian rupee (INR)" not in [s.value for s in at.subheader]
    spec, rows = titled(at, "Aging by parent group · JPY")
    assert {r["group"] for r in rows} == {"JP0001"}  # the branch sits under its head office
    assert spec["encoding"]["color"]["scale"]["domain"][0] == "0–30 days old"
    assert any("days since each invoice's date" in c.value for c in at.caption)
    at.selectbox(key="q-aging-by").set_value("owner").run()
    assert at.query_params["by"] == "owner"
    assert {r["group"] for r in titled(at, "Aging by owner · JPY")[1]} == {"priya", "kenji"}


def test_table_has_a_column_per_bucket_and_a_total(ledger):
    at = open_app("asha", PAGE, query=QUERY)
    frame = at.dataframe[0].value
    assert list(frame.columns) == [
        "Client", "Cur.", "Not due", "1–30 days", "31–60 days", "61–90 days", "91–180 days",
        "Over 180 days", "Total", "Invoices",
    ]  # fmt: skip
    first = frame.iloc[0]
    assert (first["Client"], first["1–30 days"], first["Total"]) == (
        "IN0001 Sharma Traders Pvt Ltd",
        "₹1,18,000.00",
        "₹1,18,000.00",
    )


def test_drill_down_from_the_url_lists_the_invoices_and_links_to_the_client(ledger):
    at = open_app("asha", PAGE, query={**QUERY, "group": "JP0001", "bucket": "2", "cur": "JPY"})
    drill = at.dataframe[1].value
    assert list(drill["Invoice"]) == ["JP-LATE"]
    assert drill.iloc[0]["Outstanding"] == "¥300,000" and drill.iloc[0]["Days late"] == 45
    assert any("1 invoices" in m.value or "**1 invoices**" in m.value for m in at.markdown)
    links = [x for x in at.get("page_link") if "client page" in x.proto.label]
    assert links and links[0].proto.query_string == "client=JP0001"
    whole = open_app("asha", PAGE, query={**QUERY, "group": "JP0001"})
    assert sorted(whole.dataframe[1].value["Invoice"]) == ["JP-LATE", "JP-NEW"]


def test_converted_total_is_labelled_and_missing_rates_are_named(app_db):
    db = connect(app_db)
    book(db, rates=False)
    db.close()
    at = open_app("asha", PAGE, query=QUERY)
    assert any("INR→JPY" in i.value for i in at.info)
    assert not [m for m in at.metric if m.label.startswith("All currencies")]


def test_converted_total_with_rates(ledger):
    at = open_app("asha", PAGE, query=QUERY)
    (total,) = [m for m in at.metric if m.label == "All currencies in JPY"]
    assert total.value == "¥677,400"  # ¥465,000 + ₹1,18,000 × 1.80
    assert any("converted at rates of" in c.value for c in at.caption)


def test_empty_ledger_says_what_to_do(app_db):
    at = open_app("ravi", PAGE)
    assert any("Upload page" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")
