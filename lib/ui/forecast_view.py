"""The Expected collections page: the next 8 weeks per currency, by client and owner, and
an earlier forecast set against what then came."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from lib.money import CURRENCIES
from lib.reports.charts_team import forecast_chart
from lib.reports.forecast import WEEKS
from lib.reports.forecast_check import mape, wape
from lib.ui import format as fmt
from lib.ui import query
from lib.ui.report_cache import cached_compare, cached_forecast

PAGE = "forecast"
ALL = ""
METHOD = (
    "How Kaishu expects the money: each client's own record of paying after the due date "
    "(recent invoices weigh more; a client with little history leans on its segment), "
    "pending promises on their dates scaled by the client's record of keeping them, less "
    "the client's usual deductions. Disputed invoices and invoices in a recovery case are "
    "not expected within 8 weeks, except a case's settlement instalments: they come on "
    "their due dates, scaled by how the case has kept its instalments so far. Bills raised "
    "after the day are not in the forecast."
)


def controls(today: date) -> tuple[date, str, int]:
    a, b, c = st.columns([1.2, 1, 1.4])
    as_of = query.day(PAGE, "Forecast made on", "as_of", today, where=a, max_value=today)
    currency = query.choice(PAGE, "Currency", "currency", [ALL, *CURRENCIES], ALL,
                            {ALL: "All"}, where=b)  # fmt: skip
    back = query.choice(
        PAGE,
        "Compare with the forecast made",
        "back",
        [str(n) for n in range(1, WEEKS + 1)],
        "4",
        lambda n: f"{n} week{'s' if n != '1' else ''} earlier",
        where=c,
    )
    # fmt: skip
    return as_of, currency, int(back)


def ahead(as_of: date, currency: str) -> list[dict[str, Any]]:
    """The next 8 weeks: per currency, totals, the chart, and who the money comes from."""
    rows = [r for r in cached_forecast(as_of) if not currency or r["currency"] == currency]
    weeks = cached_compare(as_of, as_of)
    if not rows:
        st.info("No money is expected in the next 8 weeks: nothing is open, or everything "
                "open is disputed or in recovery.")  # fmt: skip
        return rows
    for cur in sorted({r["currency"] for r in rows}):
        mine = [r for r in rows if r["currency"] == cur]
        total = sum(r["amount"] for r in mine)
        promised = sum(r["amount"] for r in mine if r["source"] == "promise")
        agreed = sum(r["amount"] for r in mine if r["source"] == "settlement")
        st.subheader(f"{CURRENCIES[cur].name} ({cur})")
        a, b, c, d = st.columns(4)
        a.metric("Expected in the next 8 weeks", fmt.money(total, cur))
        b.metric("Of which from promises", fmt.money(promised, cur))
        c.metric("Of which from settlements", fmt.money(agreed, cur),
                 help="Instalments agreed in recovery cases, scaled by how each case has "
                      "kept its instalments so far: a case that has missed every instalment "
                      "adds nothing")  # fmt: skip
        first = sum(r["amount"] for r in mine if r["week"] == 1)
        d.metric("Expected this coming week", fmt.money(first, cur))
        chart = forecast_chart([w for w in weeks if w["currency"] == cur], cur)
        st.altair_chart(chart, width="stretch", key=f"fc-ahead-{cur}")
    st.caption(METHOD)
    return rows


def by_whom(rows: list[dict[str, Any]], as_of: date) -> None:
    """Per client and per owner: what is expected each week."""
    if not rows:
        return
    starts = sorted({(r["week"], r["week_start"]) for r in rows})
    week_cols = [(f"w{n}", f"w/c {fmt.day(day)[:5]}", "money") for n, day in starts]
    for title, key, name_key in (
        ("By client", "client_code", "client_name"),
        ("By owner", "owner", None),
    ):
        grouped: dict[tuple[str, str], dict[str, Any]] = {}
        for r in rows:
            row = grouped.setdefault(
                (r[key], r["currency"]),
                {"who": r[key], "name": r[name_key] if name_key else "", "owner": r["owner"],
                 "currency": r["currency"], "total": 0},
            )  # fmt: skip
            row[f"w{r['week']}"] = row.get(f"w{r['week']}", 0) + r["amount"]
            row["total"] += r["amount"]
        table = sorted(grouped.values(), key=lambda x: (x["currency"], -x["total"]))
        head = [("who", "Client" if name_key else "Owner", "text")]
        if name_key:
            head += [("name", "Name", "text"), ("owner", "Owner", "text")]
        st.subheader(title)
        fmt.show(table, [*head, ("currency", "Cur.", "text"), *week_cols,
                         ("total", "8 weeks", "money")], empty="",
                 height=min(420, 38 + 35 * len(table)), key=f"fc-{key}")  # fmt: skip


def against_actuals(as_of: date, currency: str, back: int) -> None:
    """The forecast made ``back`` weeks ago beside what came since, week by week."""
    origin = as_of - timedelta(days=7 * back)
    rows = [r for r in cached_compare(origin, as_of) if not currency or r["currency"] == currency]
    st.subheader(f"The forecast of {fmt.day(origin)} against what came")
    if not rows:
        st.info("Nothing was open on that day to forecast.")
        return
    done = [r for r in rows if r["actual"] is not None]
    for cur in sorted({r["currency"] for r in rows}):
        mine = [r for r in rows if r["currency"] == cur]
        passed = [r for r in done if r["currency"] == cur]
        st.altair_chart(forecast_chart(mine, cur, title=f"Forecast of {fmt.day(origin)} · {cur}",
                                       with_naive=True),
                        width="stretch", key=f"fc-back-{cur}")  # fmt: skip
        if passed:
            ours, naive = wape(passed).get(cur), wape(passed, "naive").get(cur)
            came = sum(r["actual"] for r in passed)
            said = sum(r["forecast"] for r in passed)
            st.write(
                f"{len(passed)} week(s) have passed: Kaishu expected {fmt.money(said, cur)}, "
                f"{fmt.money(came, cur)} came. Weekly error {_pct(ours)} "
                f"(the naive “paid on the due date” forecast: {_pct(naive)})."
            )
    if done:
        st.caption(
            "Weekly error is the weighted absolute percentage error (Σ|forecast − actual| ÷ "
            "Σ actual); mean absolute percentage error: "
            + ", ".join(f"{c} {_pct(v)}" for c, v in mape(done).items())
            + ". Actual means cash applied to the invoices that were open on the day."
        )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"
