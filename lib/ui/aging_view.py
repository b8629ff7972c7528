"""The Aging page: filters in the URL, stacked bars per currency, the table, and the
invoices behind any bar or cell, with a link on to the client page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from lib import aging
from lib.aging import BASES, GROUPS, NO_OWNER, Buckets, Filters
from lib.clients import SEGMENTS, owners
from lib.exports import Column, write_xlsx
from lib.money import CURRENCIES
from lib.reports import aging_columns, aging_rows
from lib.reports.charts import aging_bars
from lib.reports.fx import converted_total, latest_rates
from lib.reports.report_settings import bucket_limits, reporting_currency
from lib.ui import format as fmt
from lib.ui import query
from lib.ui.context import db
from lib.ui.report_cache import cached_groups

PAGE = "aging"
ALL = ""
DRILL_LIMIT = 2_000
TABLE_LIMIT = 500  # rows per currency in the table and the drill-down list
BASIS_TEXT = {
    "due": "Buckets count the days past each invoice's due date; “Not due” is not late yet.",
    "invoice": "Buckets count the days since each invoice's date (its age), late or not: "
    "“0–30 days old” holds every invoice raised in the last 30 days.",
}


@dataclass(frozen=True)
class View:
    as_of: date
    buckets: Buckets
    by: str
    filters: Filters


def controls(today: date) -> View:
    """The filter row; every choice is kept in the URL, so the link shares the view."""
    a, b, c, d, e, f = st.columns([1.2, 1.5, 1.2, 0.9, 1, 1])
    as_of = query.day(PAGE, "As of", "as_of", today, where=a, max_value=today)
    basis = query.choice(PAGE, "Count days from", "basis", list(BASES), "due",
                         {"due": "Due date", "invoice": "Invoice date"}, "radio", b)  # fmt: skip
    by = query.choice(PAGE, "Group by", "by", list(GROUPS), "client", GROUPS, where=c)
    currency = query.choice(PAGE, "Currency", "currency", [ALL, *CURRENCIES], ALL,
                            {ALL: "All"}, where=d)  # fmt: skip
    segment = query.choice(PAGE, "Segment", "segment", [ALL, *SEGMENTS], ALL,
                           {ALL: "All"}, where=e)  # fmt: skip
    owner = query.choice(PAGE, "Owner", "owner", [ALL, *owners(db()), NO_OWNER], ALL,
                         {ALL: "Everyone"}, where=f)  # fmt: skip
    buckets = Buckets(bucket_limits(db()), basis)
    return View(as_of, buckets, by, Filters(currency=currency, segment=segment, owner=owner))


def caption(view: View) -> None:
    st.caption(
        f"Balances as they stood on {fmt.day(view.as_of)}: invoices dated on or before it, "
        "less payments, deductions and write-offs dated on or before it. "
        + BASIS_TEXT[view.buckets.basis]
    )


def load(view: View) -> list[dict]:
    """The aging of the view, one row per group and currency (cached while the ledger does
    not change)."""
    return cached_groups(view.as_of, view.buckets, view.by, view.filters)


def per_currency(view: View, table: list[dict]) -> None:
    """For each currency: its key figures and the stacked bars (clicking drills down)."""
    labels = view.buckets.labels()
    totals: dict[str, list[int]] = {}
    for row in table:
        sums = totals.setdefault(row["currency"], [0] * (len(labels) + 2))
        for n, amount in enumerate(row["buckets"]):
            sums[n] += amount
        sums[-2] += row["overdue"]
        sums[-1] += row["invoices"]
    for currency, sums in sorted(totals.items()):
        st.subheader(f"{CURRENCIES[currency].name} ({currency})")
        parts, overdue, count = sums[: len(labels)], sums[-2], sums[-1]
        total = sum(parts)
        a, b, c, d = st.columns(4)
        exact = fmt.money(total, currency)
        a.metric("Outstanding", fmt.whole(total, currency), help=f"{exact} · {count:,} invoices")
        share = f" · {overdue * 100 / total:.1f}% of the outstanding" if total else ""
        b.metric("Overdue", fmt.whole(overdue, currency), help=fmt.money(overdue, currency) + share)
        oldest = fmt.money(parts[-1], currency)
        c.metric(labels[-1], fmt.whole(parts[-1], currency), help=f"{oldest} · the oldest bucket")
        d.metric("Open invoices", f"{count:,}")
        chart = aging_bars(table, labels, currency, GROUPS[view.by], basis=view.buckets.basis)
        event = st.altair_chart(chart, width="stretch", on_select="rerun",
                                key=f"aging-chart-{currency}")  # fmt: skip
        _clicked(event, currency, labels)
    if len(totals) > 1:
        _converted(view, {c: v[: len(labels)] for c, v in totals.items()})


def _clicked(event, currency: str, labels: list[str]) -> None:
    picked = (event.selection.get("cell") if event else None) or []
    seen_key = f"aging-seen-{currency}"
    if not picked or picked == st.session_state.get(seen_key):
        return
    st.session_state[seen_key] = picked
    point = picked[0]
    query.preset(PAGE, "group", point.get("group") or "")
    bucket = point.get("bucket")
    query.preset(PAGE, "bucket", str(bucket) if bucket is not None else "")
    query.preset(PAGE, "cur", currency)


def _converted(view: View, totals: dict[str, list[int]]) -> None:
    reporting = reporting_currency(db())
    rates = latest_rates(db(), view.as_of, reporting)
    result = converted_total({c: sum(v) for c, v in totals.items()}, rates, reporting)
    if result.total is None:
        st.info(
            f"No total across currencies: {result.label}. The lead enters rates on the "
            "Report settings page.",
            icon=":material/currency_exchange:",
        )
    else:
        st.metric(f"All currencies in {reporting}", fmt.money(result.total, reporting),
                  help=result.label)  # fmt: skip
        st.caption(f"Total in {reporting}, {result.label}.")


def table_columns(view: View) -> list[tuple[str, str, str]]:
    head = [("label", GROUPS[view.by], "text"), ("currency", "Cur.", "text")]
    parts = [(f"b{n}", label, "money") for n, label in enumerate(view.buckets.labels())]
    return [*head, *parts, ("total", "Total", "money"), ("invoices", "Invoices", "int")]


def largest(table: list[dict], limit: int = TABLE_LIMIT) -> list[dict]:
    """The ``limit`` largest rows of each currency (the table is already in that order)."""
    seen: dict[str, int] = {}
    out = []
    for row in table:
        seen[row["currency"]] = seen.get(row["currency"], 0) + 1
        if seen[row["currency"]] <= limit:
            out.append(row)
    return out


def group_table(view: View, table: list[dict]) -> None:
    """The aging as a table, one row per group and currency; a click drills down."""
    st.subheader(f"Aging by {GROUPS[view.by].lower()}")
    shown = largest(table)
    if len(shown) < len(table):
        st.caption(
            f"The {TABLE_LIMIT:,} largest of each currency ({len(shown):,} of {len(table):,} "
            "rows); filter by owner or segment, or download the table for every row."
        )
    picked = fmt.show(shown, table_columns(view), key="aging-table", select=True,
                      height=min(460, 38 + 35 * len(shown)),
                      empty="Nothing open on this day with these filters.")  # fmt: skip
    if picked is not None:
        row = shown[picked]
        seen = (row["group"], row["currency"])
        if seen != st.session_state.get("aging-table-seen"):
            st.session_state["aging-table-seen"] = seen
            query.preset(PAGE, "group", row["group"])
            query.preset(PAGE, "bucket", "")
            query.preset(PAGE, "cur", row["currency"])


def drill_down(view: View, table: list[dict]) -> None:
    """The invoices behind the chosen group, bucket and currency, and on to the client."""
    st.subheader("Invoices behind the figures")
    labels = view.buckets.labels()
    wanted = st.session_state.get("q-aging-group") or st.query_params.get("group", "")
    groups = {r["group"]: r["label"] for r in largest(table) or table}
    groups.update({r["group"]: r["label"] for r in table if r["group"] == wanted})
    a, b, c = st.columns([2, 1, 1])
    group = query.choice(PAGE, GROUPS[view.by], "group", ["", *groups], "",
                         {"": "Choose, or click a bar or a row", **groups}, where=a)  # fmt: skip
    bucket = query.choice(PAGE, "Bucket", "bucket", ["", *map(str, range(len(labels)))], "",
                          {"": "All buckets", **{str(n): x for n, x in enumerate(labels)}},
                          where=b)  # fmt: skip
    currency = query.choice(PAGE, "In", "cur", [ALL, *sorted({r["currency"] for r in table})],
                            ALL, {ALL: "All currencies"}, where=c)  # fmt: skip
    if not group:
        st.caption("Click a bar segment or a table row to list its invoices here.")
        return
    behind = aging.aging_items(
        db(),
        view.as_of,
        view.buckets,
        view.filters,
        by=view.by,
        group=group,
        bucket=int(bucket) if bucket else None,
        currency=currency or None,
    )
    behind.sort(key=lambda i: (i["due_date"], i["invoice_no"]))
    shown = behind[:DRILL_LIMIT]
    days = "Days late" if view.buckets.basis == "due" else "Days old"
    columns = [
        ("invoice_no", "Invoice", "text"),
        ("client_code", "Client", "text"),
        ("client_name", "Name", "text"),
        ("invoice_date", "Invoice date", "date"),
        ("due_date", "Due", "date"),
        ("days", days, "int"),
        ("bucket_label", "Bucket", "text"),
        ("amount", "Amount", "money"),
        ("outstanding", "Outstanding", "money"),
        ("disputed", "Disputed", "flag"),
    ]
    totals = {}
    for item in behind:
        totals[item["currency"]] = totals.get(item["currency"], 0) + item["outstanding"]
    st.write(
        f"**{len(behind):,} invoices**, "
        + " + ".join(fmt.money(v, c) for c, v in sorted(totals.items()))
        + (f" (the first {DRILL_LIMIT:,} shown; download them all below)"
           if len(behind) > DRILL_LIMIT else "")
    )  # fmt: skip
    height = min(380, 38 + 35 * len(shown))
    picked = fmt.show(
        shown, columns, key="aging-drill", select=True, height=height, empty="No invoice here."
    )
    codes = sorted({i["client_code"] for i in behind})
    chosen = shown[picked]["client_code"] if picked is not None else None
    if chosen is None and len(codes) == 1:
        chosen = codes[0]
    if chosen:
        st.page_link("pages/clients_page.py", label=f"Open the client page of {chosen}",
                     icon=":material/open_in_new:", query_params={"client": chosen})  # fmt: skip
    elif behind:
        st.caption("Click an invoice to open its client's page.")


def downloads(view: View, table: list[dict]) -> None:
    """The table and the invoices behind it as Excel files (made when clicked)."""
    labels = view.buckets.labels()
    columns = [
        Column("group", GROUPS[view.by], width=14),
        Column("label", "Name", width=36),
        Column("currency", "Currency", width=9),
        *(Column(f"b{n}", label, "money", width=15) for n, label in enumerate(labels)),
        Column("total", "Total", "money", width=16),
        Column("invoices", "Invoices", "int", width=9),
    ]
    stamp = view.as_of.isoformat()
    a, b = st.columns(2)
    a.download_button(
        "Download this table (.xlsx)",
        lambda: write_xlsx(table, columns, title=f"Aging {stamp}"),
        file_name=f"aging-by-{view.by}-{stamp}.xlsx",
        icon=":material/download:",
        key="aging-dl-table",
    )
    b.download_button(
        "Download every invoice with its bucket (.xlsx)",
        _invoices_file(view),
        file_name=f"aging-invoices-{stamp}.xlsx",
        icon=":material/download:",
        key="aging-dl-items",
    )


def _invoices_file(view: View):
    from lib.db import connect, db_path

    path = str(db_path())

    def make() -> bytes:
        # Runs on its own thread when clicked: its own connection.
        conn = connect(path)
        try:
            rows = view.filters.apply(aging_rows(conn, view.as_of, view.buckets))
            return write_xlsx(rows, aging_columns(view.buckets), title="Aging")
        finally:
            conn.close()

    return make
