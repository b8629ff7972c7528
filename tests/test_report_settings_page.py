"""The Report settings page: only the lead opens it; buckets, targets and rates are saved
through lib (audited) and refused with a reason when wrong."""

from __future__ import annotations

import pytest
from conftest import open_app

from lib.db import connect
from lib.reports.report_settings import bucket_limits, rates, targets

PAGE = "pages/report_settings_page.py"


@pytest.mark.parametrize("user", ["priya", "ravi"])
def test_only_the_lead_opens_report_settings(app_db, user):
    at = open_app(user, PAGE)
    assert any("can't open Report settings" in e.value for e in at.error)
    assert not at.text_input


def test_the_lead_changes_the_buckets(app_db):
    at = open_app("asha", PAGE)
    assert at.title[0].value == "Report settings"
    at.text_input[0].input("15, 45, 90").run()
    assert any("Not due · 1–15 days · 16–45 days" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Save buckets").click().run()
    assert any("Saved" in s.value for s in at.success)
    assert bucket_limits(connect(app_db)) == (0, 15, 45, 90)
    at.text_input[0].input("90, 30").run()
    assert any("must rise" in e.value for e in at.error)


def test_the_lead_enters_a_dated_rate_and_a_wrong_one_is_refused(app_db):
    at = open_app("asha", PAGE)
    form_rate = next(t for t in at.text_input if t.label.startswith("JPY per 1"))
    form_rate.input("abc")
    next(b for b in at.button if b.label == "Save the rate").click().run()
    assert any("is not a rate" in e.value for e in at.error)
    form_rate = next(t for t in at.text_input if t.label.startswith("JPY per 1"))
    form_rate.input("1.7845")
    next(b for b in at.button if b.label == "Save the rate").click().run()
    assert any("Saved: 1 INR = 1.7845 JPY" in s.value for s in at.success)
    (rate,) = rates(connect(app_db))
    assert (rate["currency"], rate["reporting_currency"], rate["rate"]) == ("INR", "JPY", "1.7845")


def test_targets_table_saves_amounts_in_currency_units(app_db):
    at = open_app("asha", PAGE)
    editor = next(d for d in at.dataframe if "Month" in d.value.columns)
    assert editor.proto.editing_mode  # editable: month × currency
    assert list(editor.value.columns) == ["Month", "JPY", "INR", "USD"]
    next(b for b in at.button if b.label == "Save targets").click().run()
    assert any("No change" in s.value for s in at.success)
    assert targets(connect(app_db)) == {}
