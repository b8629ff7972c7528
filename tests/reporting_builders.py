"""A small two-currency book for the report pages' tests, and a reader for the Vega-Lite
charts AppTest sees (spec and data)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
from builders import (
    make_allocation,
    make_client,
    make_follow_up,
    make_invoice,
    make_promise,
    make_receipt,
)
from sqlite_utils import Database

from lib.auth import Actor
from lib.reports.report_settings import set_rate, set_target

# Pages take "today" in Mumbai; two days back is always in the past, wherever tests run.
AS_OF = date.today() - timedelta(days=2)
LEAD = Actor("asha", "lead", name="Asha Rao")


def day(offset: int) -> str:
    """``AS_OF`` moved by ``offset`` days, as ISO text."""
    return (AS_OF + timedelta(days=offset)).isoformat()


def book(db: Database, rates: bool = True) -> dict[str, Any]:
    """Two JPY clients (a head office and its branch) and one INR client, with invoices in
    several buckets, a part payment, a promise, a follow-up and a target; returns ids."""
    head = make_client(db, client_code="JP0001", name="株式会社山田商事", currency="JPY",
                       owner="priya", segment="client")  # fmt: skip
    branch = make_client(db, client_code="JP0002", name="山田商事 大阪支店", currency="JPY",
                         owner="kenji", segment="franchisee", parent_id=head)  # fmt: skip
    rupee = make_client(db, client_code="IN0001", name="Sharma Traders Pvt Ltd", currency="INR",
                        owner="priya", segment="partner")  # fmt: skip
    ids = {"head": head, "branch": branch, "rupee": rupee}
    for key, client, currency, amount, due in (
        ("jp-late", head, "JPY", 330_000, -45),  # 31–60 days
        ("jp-new", head, "JPY", 110_000, 10),  # not due
        ("jp-branch", branch, "JPY", 55_000, -100),  # 91–180 days
        ("in-late", rupee, "INR", 1_18_000_00, -20),  # 1–30 days
    ):
        ids[key] = make_invoice(db, invoice_no=key.upper(), client_id=client, currency=currency,
                                amount=amount, tax=0, invoice_date=day(due - 30),
                                due_date=day(due))  # fmt: skip
    paid = make_receipt(db, currency="JPY", amount=30_000, value_date=day(-3), client_id=head)
    make_allocation(db, paid, ids["jp-late"], 30_000, effective_date=day(-3))
    make_promise(db, head, [(day(5), 100_000)], promised_on=day(-1), currency="JPY")
    make_follow_up(db, head, created_by="priya", contacted_on=day(-1), outcome="promised")
    set_target(db, LEAD, AS_OF.isoformat()[:7], "JPY", 1_000_000)
    if rates:
        set_rate(db, LEAD, AS_OF - timedelta(days=5), "INR", "JPY", "1.80")
    return ids


def _rows(blob: bytes) -> list[dict[str, Any]]:
    if not blob:
        return []
    return pa.ipc.open_stream(blob).read_all().to_pylist()


def charts(at: Any) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Every Vega-Lite chart on the page: its spec and all its data rows (Streamlit moves a
    single chart's inline data into an Arrow table; layers keep theirs in the spec)."""
    out = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        rows = _rows(element.proto.data.data)
        for named in element.proto.datasets:
            rows += _rows(named.data.data)
        for layer in spec.get("layer", []):
            rows += layer.get("data", {}).get("values", [])
        out.append((spec, rows))
    return out


def titled(at: Any, start: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The chart whose title starts with ``start``."""
    for spec, rows in charts(at):
        title = spec.get("title", {})
        if (title.get("text") if isinstance(title, dict) else title or "").startswith(start):
            return spec, rows
    raise AssertionError(f"no chart titled {start!r}")
