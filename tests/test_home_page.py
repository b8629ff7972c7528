"""Home page: per-currency figures, latest imports, the empty-ledger guidance."""

from __future__ import annotations

from datetime import date

from conftest import open_app

from lib.auth import Actor
from lib.db import connect
from lib.demo.load import load_demo


def test_empty_ledger_guides_and_only_the_lead_may_load_the_demo(app_db):
    lead = open_app("asha", "pages/home_page.py")
    assert any("Upload" in i.value for i in lead.info)
    assert [b.label for b in lead.button if "demo" in b.label] == ["Load the demo ledger"]
    collector = open_app("priya", "pages/home_page.py")
    assert not [b for b in collector.button if "demo" in b.label]
    demo = next(b for b in lead.button if "demo" in b.label)
    demo.click().run()
    assert not lead.exception
    assert connect(app_db)["invoices"].count > 0


def test_figures_per_currency_and_latest_imports(app_db):
    db = connect(app_db)
    load_demo(db, Actor("asha", "lead"), as_of=date(2026, 11, 20), clients=40)
    at = open_app("ravi", "pages/home_page.py")
    labels = [m.label for m in at.metric]
    assert labels.count("Open receivables") == 2  # INR and JPY, never added together
    values = [m.value for m in at.metric]
    assert any(v.startswith("₹") for v in values) and any(v.startswith("¥") for v in values)
    assert {s.value for s in at.subheader} >= {
        "Indian rupee (INR)",
        "Japanese yen (JPY)",
        "Latest imports",
    }
    frame = at.dataframe[0].value
    assert len(frame) == 5 and "demo-invoices.xlsx" in set(frame["File"])
