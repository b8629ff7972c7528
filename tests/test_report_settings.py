"""The lead's report settings: buckets, reporting currency, targets and rates, audited."""

from __future__ import annotations

import json
from datetime import date

import pytest

from lib.auth import PermissionDenied
from lib.reports.report_settings import (
    SettingsError,
    bucket_limits,
    check_rate,
    rates,
    reporting_currency,
    save_bucket_limits,
    save_reporting_currency,
    set_rate,
    set_target,
    targets,
)


def _audit(db, table):
    return list(db.query("SELECT * FROM audit_log WHERE table_name = ? ORDER BY id", [table]))


def test_buckets_default_and_the_lead_changes_them_audited(db, lead):
    assert bucket_limits(db) == (0, 30, 60, 90, 180)
    assert save_bucket_limits(db, lead, [15, 45, 90]) is True
    assert bucket_limits(db) == (0, 15, 45, 90)
    assert save_bucket_limits(db, lead, [0, 15, 45, 90]) is False  # nothing changed
    (entry,) = [e for e in _audit(db, "settings") if "aging_buckets" in e["after"]]
    assert json.loads(entry["after"]) == {"reports.aging_buckets": "[0, 15, 45, 90]"}
    assert entry["username"] == "lead1"


def test_bad_buckets_are_refused_and_a_damaged_setting_falls_back(db, lead):
    with pytest.raises(SettingsError, match="rise"):
        save_bucket_limits(db, lead, [60, 30])
    db["settings"].insert({"key": "reports.aging_buckets", "value": "not json"}, replace=True)
    assert bucket_limits(db) == (0, 30, 60, 90, 180)


def test_only_the_lead_changes_report_settings(db, collector):
    for call in (
        lambda: save_bucket_limits(db, collector, [30]),
        lambda: save_reporting_currency(db, collector, "INR"),
        lambda: set_target(db, collector, "2026-11", "JPY", 1),
        lambda: set_rate(db, collector, date(2026, 11, 1), "INR", "JPY", "1.8"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert db["audit_log"].count == 0


def test_targets_set_change_and_remove(db, lead):
    assert set_target(db, lead, "2026-11", "JPY", 50_000_000) is True
    assert set_target(db, lead, "2026-11", "JPY", 50_000_000) is False
    assert set_target(db, lead, "2026-11", "JPY", 60_000_000) is True
    assert targets(db) == {("2026-11", "JPY"): 60_000_000}
    assert set_target(db, lead, "2026-11", "JPY", None) is True
    assert targets(db) == {}
    kinds = [json.loads(e["after"])["amount"] for e in _audit(db, "collection_targets")]
    assert kinds == [50_000_000, 60_000_000, None]
    for month, currency, amount, message in (
        ("2026-13", "JPY", 1, "not a month"),
        ("Nov", "JPY", 1, "not a month"),
        ("2026-11", "EUR", 1, "choose one of"),
        ("2026-11", "JPY", -5, "zero or more"),
    ):
        with pytest.raises(SettingsError, match=message):
            set_target(db, lead, month, currency, amount)


def test_rates_are_decimal_text_corrected_on_the_same_day(db, lead):
    assert check_rate("1.7800") == "1.78"
    assert check_rate(" 0.005617 ") == "0.005617"
    assert check_rate("100") == "100"
    for bad in ("abc", "0", "-1.2", "NaN", "1e400000"):
        with pytest.raises(SettingsError):
            check_rate(bad)
    assert set_rate(db, lead, date(2026, 10, 31), "INR", "JPY", "1.78") is True
    assert set_rate(db, lead, date(2026, 10, 31), "INR", "JPY", "1.79") is True
    assert [(r["rate_date"], r["rate"]) for r in rates(db)] == [("2026-10-31", "1.79")]
    actions = [e["action"] for e in _audit(db, "fx_rates")]
    assert actions == ["create", "edit"]
    with pytest.raises(SettingsError, match="another"):
        set_rate(db, lead, date(2026, 10, 31), "JPY", "JPY", "1")


def test_reporting_currency(db, lead):
    assert reporting_currency(db) == "JPY"
    assert save_reporting_currency(db, lead, "INR") is True
    assert reporting_currency(db) == "INR"
    with pytest.raises(SettingsError):
        save_reporting_currency(db, lead, "EUR")
