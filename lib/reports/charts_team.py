"""The team's charts for the meeting: promises made and kept, the top overdue debtors,
collector activity, the recovery funnel, and expected collections against actuals.

Same rules as :mod:`lib.reports.charts`: one currency per money chart, tooltips in the team's
money format, ``size`` "screen" or "projector".
"""

from __future__ import annotations

from typing import Any

import altair as alt

from lib.money import format_money
from lib.reports.charts import BLUE, GREY, SIZES, rows_height, styled, units
from lib.reports.periods import dmy

COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)


def promises_chart(rows: list[dict[str, Any]], size: str = "screen") -> alt.LayerChart:
    """Promises made per month (bars) and the kept rate of those that fell due (line, %)."""
    s = SIZES[size]
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("month:O", title="Month", axis=alt.Axis(labelAngle=0))
    )
    made = base.mark_bar(color="#9DC3E6").encode(
        y=alt.Y("made:Q", title="Promises made", axis=COUNT_AXIS),
        tooltip=[
            alt.Tooltip("month:O", title="Month"),
            alt.Tooltip("made:Q", title="Promises made"),
            alt.Tooltip("judged:Q", title="Fell due"),
            alt.Tooltip("kept_rate:Q", title="Kept rate (%)", format=".1f"),
        ],
    )
    rate = base.mark_line(
        color="#E4572E", strokeWidth=3, point=alt.OverlayMarkDef(size=90, color="#E4572E")
    ).encode(y=alt.Y("kept_rate:Q", title="Kept rate (%)", scale=alt.Scale(domain=[0, 100])))
    chart = alt.layer(made, rate).resolve_scale(y="independent").properties(height=s["height"])
    return styled(chart, size, "Promises made (bars) and kept rate (line, %)")


def top_debtors_chart(rows: list[dict[str, Any]], currency: str, size: str = "screen") -> Any:
    """The top overdue debtors of one currency, largest first."""
    values = [
        {
            "client": f"{r['client_code']} {r['client_name']}",
            "client_code": r["client_code"],
            "rank": r["rank"],
            "overdue": units(r["overdue"], currency),
            "overdue_text": format_money(r["overdue"], currency),
            "oldest_days": r["oldest_days"],
            "owner": r["owner"] or "No owner",
        }
        for r in rows
        if r["currency"] == currency
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color="#B33F40")
        .encode(
            y=alt.Y("client:N", title="", sort=[v["client"] for v in values]),
            x=alt.X("overdue:Q", title=f"Overdue ({currency})"),
            tooltip=[
                alt.Tooltip("client:N", title="Client"),
                alt.Tooltip("overdue_text:N", title="Overdue"),
                alt.Tooltip("oldest_days:Q", title="Oldest (days late)"),
                alt.Tooltip("owner:N", title="Owner"),
            ],
        )
        .properties(height=rows_height(len(values), size))
    )
    return styled(chart, size, f"Top {len(values)} overdue debtors · {currency}")


def activity_chart(rows: list[dict[str, Any]], size: str = "screen") -> Any:
    """Follow-ups logged and promises obtained per person in the period."""
    values = []
    for r in rows:
        for key, label in (("logged", "Follow-ups logged"), ("promises", "Promises obtained")):
            values.append({"owner": r["owner"], "what": label, "count": r[key]})
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("owner:N", title="", sort="-y", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("what:N"),
            y=alt.Y("count:Q", title="Count", axis=COUNT_AXIS),
            color=alt.Color(
                "what:N",
                title="",
                scale=alt.Scale(
                    domain=["Follow-ups logged", "Promises obtained"], range=[BLUE, "#F39237"]
                ),
            ),
            tooltip=[
                alt.Tooltip("owner:N", title="Who"),
                alt.Tooltip("what:N", title="What"),
                alt.Tooltip("count:Q", title="Count"),
            ],
        )
        .properties(height=SIZES[size]["height"])
    )
    return styled(chart, size, "Follow-ups logged and promises obtained, per person")


def collected_by_owner_chart(rows: list[dict[str, Any]], currency: str, size: str = "screen"):
    """Cash applied on each owner's clients in the period, for one currency."""
    values = [
        {
            "owner": r["owner"],
            "amount": units(r["collected"].get(currency, 0), currency),
            "amount_text": format_money(r["collected"].get(currency, 0), currency),
        }
        for r in rows
        if r["collected"].get(currency)
    ]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(color="#4C9F70")
        .encode(
            x=alt.X("owner:N", title="Owner", sort="-y", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount:Q", title=f"Collected ({currency})"),
            tooltip=[
                alt.Tooltip("owner:N", title="Owner"),
                alt.Tooltip("amount_text:N", title="Collected"),
            ],
        )
        .properties(height=SIZES[size]["height"])
    )
    return styled(chart, size, f"Collected on each owner's clients · {currency}")


def funnel_chart(rows: list[dict[str, Any]], size: str = "screen") -> Any:
    """Recovery cases per stage in the road's order: open stages blue, closed grey; the
    tooltip says what the cases still owe per currency."""
    values = [
        {
            "stage": r["label"],
            "order": n,
            "cases": r["cases"],
            "status": "Open" if r["open"] else "Closed lately",
            "owed": " + ".join(format_money(v, c) for c, v in sorted(r["outstanding"].items()))
            or "—",
        }
        for n, r in enumerate(rows)
    ]
    s = SIZES[size]
    bars = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            y=alt.Y("stage:N", title="", sort=[v["stage"] for v in values]),
            x=alt.X("cases:Q", title="Cases", axis=COUNT_AXIS),
            color=alt.Color(
                "status:N",
                title="",
                scale=alt.Scale(domain=["Open", "Closed lately"], range=[BLUE, GREY]),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("cases:Q", title="Cases"),
                alt.Tooltip("owed:N", title="Still owed"),
            ],
        )
    )
    labels = bars.mark_text(align="left", dx=6, fontSize=s["label"]).encode(
        text=alt.Text("cases:Q"), color=alt.value("#1B2733")
    )
    chart = alt.layer(bars, labels).properties(height=rows_height(len(values), size))
    return styled(chart, size, "Recovery funnel by stage")


def forecast_chart(
    rows: list[dict[str, Any]],
    currency: str,
    size: str = "screen",
    title: str | None = None,
    with_naive: bool = False,
) -> alt.LayerChart:
    """Expected receipts per week for one currency (bars), with what actually came (black
    line, once the week is over) and, ``with_naive``, the naive "paid on the due date"
    forecast (grey dashes). ``rows`` come from :func:`lib.reports.forecast_check.compare`."""
    mine = sorted((r for r in rows if r["currency"] == currency), key=lambda r: r["week"])
    values = [
        {
            "week": "w/c " + dmy(r["week_start"])[:5],
            "forecast": units(r["forecast"], currency),
            "forecast_text": format_money(r["forecast"], currency),
            "naive": units(r["naive"], currency),
            "naive_text": format_money(r["naive"], currency),
            "actual": None if r["actual"] is None else units(r["actual"], currency),
            "actual_text": "—" if r["actual"] is None else format_money(r["actual"], currency),
        }
        for r in mine
    ]
    tips = [
        alt.Tooltip("week:O", title="Week"),
        alt.Tooltip("forecast_text:N", title="Kaishu forecast"),
        alt.Tooltip("actual_text:N", title="Actually came"),
        alt.Tooltip("naive_text:N", title="Naive (due date)"),
    ]
    # The naive forecast puts every overdue invoice in the first week; letting its spike set
    # the scale would flatten everything else, so the scale follows Kaishu and the actuals.
    top = max([v["forecast"] for v in values] + [v["actual"] or 0 for v in values] + [1])
    scale = alt.Scale(domain=[0, top * 1.25], clamp=True)
    order = [v["week"] for v in values]  # layered charts drop a sort by field: list it
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("week:O", title="Week starting", sort=order, axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(color="#9DC3E6").encode(
        y=alt.Y("forecast:Q", title=f"Receipts ({currency})", scale=scale), tooltip=tips
    )
    naive = base.mark_line(color=GREY, strokeDash=[6, 4], strokeWidth=2, clip=True).encode(
        y=alt.Y("naive:Q", scale=scale), tooltip=tips
    )
    actual = (
        base.transform_filter("datum.actual != null")
        .mark_line(color="#1B2733", strokeWidth=3, point=alt.OverlayMarkDef(size=90))
        .encode(y=alt.Y("actual:Q", scale=scale), tooltip=tips)
    )
    layers = [bars, naive, actual] if with_naive else [bars, actual]
    chart = alt.layer(*layers).properties(height=SIZES[size]["height"])
    legend = "bars: expected, line: actually came" + (", dashes: naive" if with_naive else "")
    return styled(chart, size, f"{title or f'Expected collections · {currency}'} ({legend})")
