"""The MIS workbook the lead sends to Tokyo: one formatted .xlsx as of a date.

Sheets: Summary (key numbers per currency, aging by bucket, the converted total when rates
are set, and chart images), Aging by client, Open items, Collections (the period: by default
the previous month and this month to date), Promises, Disputes, Recovery cases and
Write-offs. Every total is a formula (SUMIF over the currency column) and the Summary's
figures refer to those totals, so an Excel user can trace each number to its rows.
"""

from __future__ import annotations

import contextlib
import io
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image
from sqlite_utils import Database

from lib.aging import Buckets, aging_items, aging_table, currency_totals
from lib.db import beside
from lib.reports import charts
from lib.reports.chart_images import Drawing
from lib.reports.fastsheet import inject
from lib.reports.fx import converted_total, latest_rates
from lib.reports.measures import Dso, cei, collections, dso_trend, unapplied_by_age
from lib.reports.mis_sheets import (
    DETAIL_SHEETS,
    SHEET_NAMES,
    write_aging,
    write_detail,
    write_items,
)
from lib.reports.mis_summary import write_summary
from lib.reports.periods import add_months, dmy, month_ends, month_key
from lib.reports.report_settings import reporting_currency
from lib.reports.team_measures import kept_rate

CHART_WIDTH = 620


@dataclass(frozen=True)
class Period:
    """The collections period of the report, inclusive."""

    first: date
    last: date

    @classmethod
    def default(cls, as_of: date) -> Period:
        """The previous month and this month to date."""
        return cls(add_months(as_of, -1), as_of)

    def months(self) -> list[str]:
        out, cursor = [], self.first.replace(day=1)
        while cursor <= self.last:
            out.append(month_key(cursor))
            cursor = add_months(cursor, 1)
        return out


def build_mis(
    db: Database,
    as_of: date,
    buckets: Buckets,
    period: Period | None = None,
    with_charts: bool = True,
    stats: dict[str, int] | None = None,
) -> bytes:
    """The MIS workbook as of ``as_of`` (see the module docstring), as .xlsx bytes;
    ``stats`` (if given) receives the count of open invoices."""
    period = period or Period.default(as_of)
    if period.first > period.last:
        raise ValueError("the period starts after it ends")
    months = max(12, len(period.months()) + 1)
    with ThreadPoolExecutor(max_workers=1) as pool, _drawing(with_charts) as drawing:
        # The ledger's measures are mostly SQLite, which runs without the GIL: on a second
        # connection they overlap with writing the sheets here, which is mostly Python.
        trends: Future[dict[str, Any]] = Future()  # the charts' figures, handed over early
        side = beside(db, pool, _ledger_facts, as_of, months, trends)
        items = aging_items(db, as_of, buckets)
        items.sort(key=lambda i: (i["client_code"], i["due_date"], i["invoice_no"]))
        table = aging_table(items, buckets, "client")
        totals = currency_totals(items, buckets)
        currencies = sorted(totals)
        if drawing is not None:
            for chart in _aging_charts(buckets, table, currencies):
                drawing.add(chart)
        if stats is not None:
            stats["open_invoices"] = len(items)
        book, summary, refs = _tables(db, as_of, period, buckets, items, table, currencies)
        if drawing is not None:
            for chart in _trend_charts(as_of, currencies, trends.result()):
                drawing.add(chart)
        for sheet in book.kaishu_fast_sheets:  # type: ignore[attr-defined]
            sheet.xml()  # while the measures are still being worked out
        facts = dict(side.result())
        open_totals = {c: sum(v) for c, v in totals.items()}
        facts["converted"] = converted_total(open_totals, facts["rates"], facts["reporting"])
        write_summary(summary, as_of, period, buckets, currencies, refs, facts)
        if drawing is not None:
            _place_images(summary, drawing.images())
    buffer = io.BytesIO()
    book.save(buffer)
    return inject(buffer.getvalue(), book.kaishu_fast_sheets)  # type: ignore[attr-defined]


def _tables(
    db: Database,
    as_of: date,
    period: Period,
    buckets: Buckets,
    items: list[dict[str, Any]],
    table: list[dict[str, Any]],
    currencies: list[str],
) -> tuple[Workbook, Any, dict[str, Any]]:
    """The workbook with its Summary sheet still empty, every table sheet written, and where
    each table's totals landed."""
    book = Workbook(write_only=True)
    book.kaishu_fast_sheets = []  # type: ignore[attr-defined]  # filled by lib.reports.mis_sheets
    summary = book.create_sheet(SHEET_NAMES["summary"])
    refs: dict[str, Any] = {}
    refs["aging"] = write_aging(book, table, buckets, currencies, as_of)
    refs["items"] = write_items(book, items, buckets, currencies, as_of)
    outstanding = {i["invoice_id"]: i["outstanding"] for i in items}
    for name in DETAIL_SHEETS:
        refs[name] = write_detail(book, name, db, as_of, period, outstanding)
    return book, summary, refs


def _ledger_facts(db: Database, as_of: date, months: int, trends: Future) -> dict[str, Any]:
    """Figures the Summary shows as values (they come from the ledger, not a sheet). The
    monthly collections and the DSO trend, which the charts draw, are set on ``trends`` as
    soon as they are known, so that the charts can start."""
    try:
        monthly = collections(db, as_of, months=months)
        trend = dso_trend(db, month_ends(as_of, 13))
    except BaseException as error:
        trends.set_exception(error)  # the charts waiting for them must not wait for ever
        raise
    trends.set_result({"monthly": monthly, "trend": trend})
    this_month = as_of.replace(day=1)
    known: dict[date, Any] = {}  # balances of days already worked out, shared by the CEIs
    reporting = reporting_currency(db)
    cash: dict[str, dict[str, int]] = {}
    for row in unapplied_by_age(db, as_of):
        slot = cash.setdefault(row["currency"], {"Suspense": 0, "On account": 0})
        slot[row["kind"]] += row["amount"]
    return {
        "dso": {
            r["currency"]: Dso(Decimal(str(r["dso"])), r["complete"])
            for r in trend
            if r["day"] == as_of.isoformat()
        },  # fmt: skip
        "cei_month": cei(db, this_month, as_of, known),
        "cei_last": cei(db, add_months(as_of, -1), this_month - timedelta(days=1), known),
        "targets": {(r["month"], r["currency"]): r["target"] for r in monthly},
        "cash": cash,
        "kept": kept_rate(db, as_of, as_of - timedelta(days=90)),
        "rates": latest_rates(db, as_of, reporting),
        "reporting": reporting,
    }


def _drawing(with_charts: bool) -> Drawing | contextlib.nullcontext[None]:
    return Drawing() if with_charts else contextlib.nullcontext()


def _aging_charts(buckets: Buckets, table: list[dict], currencies: list[str]) -> list[Any]:
    """The Summary's aging bars, one chart per currency: the top ten clients."""
    labels = buckets.labels()
    return [
        charts.aging_bars(
            table, labels, currency, "Client", basis=buckets.basis, top=10
        ).properties(width=CHART_WIDTH)
        for currency in currencies
    ]


def _trend_charts(as_of: date, currencies: list[str], facts: dict[str, Any]) -> list[Any]:
    """The Summary's DSO trend and, per currency, the collections of the last twelve months."""
    out = [charts.dso_chart(facts["trend"]).properties(width=CHART_WIDTH)]
    recent = [r for r in facts["monthly"] if r["month"] > month_key(add_months(as_of, -12))]
    for currency in currencies:
        out.append(charts.collections_chart(recent, currency).properties(width=CHART_WIDTH))
    return out


def _place_images(sheet: Any, pngs: list[bytes]) -> None:
    # The images sit right of the key numbers, one under another.
    anchor_row = 4
    for png in pngs:
        image = Image(io.BytesIO(png))
        scale = CHART_WIDTH / image.width
        image.width, image.height = int(image.width * scale), int(image.height * scale)
        image.anchor = f"H{anchor_row}"
        sheet.add_image(image)
        anchor_row += int(image.height / 20) + 2


def mis_file_name(as_of: date) -> str:
    """``kaishu-mis-2026-11-20.xlsx``."""
    return f"kaishu-mis-{as_of.isoformat()}.xlsx"


def describe_period(period: Period) -> str:
    """ "01/10/2026 – 20/11/2026"."""
    return f"{dmy(period.first)} – {dmy(period.last)}"
