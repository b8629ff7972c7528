"""The Expected collections page: the next 8 weeks per currency, by client and owner, and
an earlier forecast against what came, with the chart's spec."""

from __future__ import annotations

from datetime import date

import pytest
import recovery_data
from conftest import open_app
from reporting_builders import AS_OF, book, charts, titled

from lib.db import connect

PAGE = "pages/forecast_page.py"


@pytest.fixture
def ledger(app_db):
    db = connect(app_db)
    book(db)
    db.close()


@pytest.mark.parametrize("user", ["asha", "priya", "ravi"])
def test_next_eight_weeks_per_currency_and_who_pays(ledger, user):
    at = open_app(user, PAGE, query={"as_of": AS_OF.isoformat()})
    assert at.title[0].value == "Expected collections"
    # Nobody in this book has paid an invoice in full yet, so history expects nothing: the
    # JPY money is the promise (¥100,000 × the team's default record of 60%), and no INR
    # money is expected for an invoice already late with nothing to go by.
    assert [s.value for s in at.subheader][0] == "Japanese yen (JPY)"
    assert [m.value for m in at.metric if m.label == "Of which from promises"] == ["¥60,000"]
    assert [m.value for m in at.metric if m.label == "Expected in the next 8 weeks"] == ["¥60,000"]
    subheads = [s.value for s in at.subheader]
    assert "By client" in subheads and "By owner" in subheads
    clients = at.dataframe[0].value
    assert list(clients["Client"]) == ["JP0001"]
    assert "8 weeks" in clients.columns


def test_the_chart_has_bars_for_the_forecast_and_a_line_for_what_came(ledger):
    at = open_app("asha", PAGE, query={"as_of": AS_OF.isoformat(), "back": "2"})
    spec, rows = titled(at, "Expected collections · JPY")
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "line"]
    assert len(rows) == 8 and rows[0]["week"].startswith("w/c ")
    assert spec["layer"][0]["encoding"]["x"]["sort"] == [r["week"] for r in rows]
    (back, rows), *_ = [c for c in charts(at) if c[0]["title"]["text"].startswith("Forecast of")
                        and "· JPY" in c[0]["title"]["text"]]  # fmt: skip
    assert [layer["mark"]["type"] for layer in back["layer"]] == ["bar", "line", "line"]
    assert sum(r["actual"] is not None for r in rows) == 2  # two weeks have passed
    assert any("2 week(s) have passed" in m.value for m in at.markdown)


def test_an_empty_book_expects_nothing(app_db):
    at = open_app("priya", PAGE)
    assert any("No money is expected" in i.value for i in at.info)


def test_settlement_instalments_are_counted_and_shown_apart(app_db):
    db = connect(app_db)
    ids = recovery_data.ledger(db, team=False)
    case = recovery_data.open_case(db, ids, "ab")
    recovery_data.settle(
        db, case, plan=[(date(2026, 7, 10), 100_000), (date(2026, 8, 10), 200_000)]
    )
    db.close()
    at = open_app("asha", PAGE, query={"as_of": "2026-06-20"})
    # no instalment decided yet anywhere: the team's default record of 60% of both
    # instalments (July and August are within 8 weeks); the case's invoices bring nothing
    # else, as a client in recovery is not expected to pay on its usual rhythm
    assert [s.value for s in at.subheader][0] == "Japanese yen (JPY)"
    first = {m.label: m.value for m in at.metric[:4]}
    assert first["Of which from settlements"] == "¥180,000"
    assert first["Expected in the next 8 weeks"] == "¥180,000"
    assert any("settlement instalments" in c.value for c in at.caption)
