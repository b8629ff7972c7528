"""The meeting's charts as Altair objects: aging bars and trend, DSO and CEI, collections
against target, unapplied cash. :mod:`lib.reports.charts_team` has the team's charts.

Charts never add currencies together: money charts take one currency each. Amounts are
drawn in currency units (floats are fine for a bar's length) and every tooltip shows the
amount as the team writes it (¥ without decimals, ₹ with lakh grouping). ``size`` is
"screen" or "projector" (larger type and taller charts for the meeting room). Data is
inline, so a chart's spec carries everything (tests read it; vl-convert renders it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt

from lib.money import format_money, to_units
from lib.reports.periods import dmy, month_end

# Not due in green, then warmer and darker as invoices age.
AGE_COLOURS = ("#4C9F70", "#F2C14E", "#F39237", "#E4572E", "#B33F40", "#7A1F2B", "#4A0E1A")
MORE_COLOURS = ("#2E1018", "#1A0A0E", "#000000", "#000000")
BLUE, GREY, INK = "#1F4E79", "#8A99A8", "#1B2733"
SIZES = {
    "screen": {"height": 320, "label": 13, "title": 14, "heading": 16, "bar": 20},
    "projector": {"height": 430, "label": 18, "title": 19, "heading": 24, "bar": 28},
}


def rows_height(rows: int, size: str) -> int:
    """A height that gives each bar of a horizontal bar chart room for its label: Streamlit
    fits the whole chart (title, axis, legend) into the height, so they are added."""
    s = SIZES[size]
    return max(s["height"] // 2, rows * (s["bar"] + 12)) + 8 * s["label"] + 40


def point_label(day: str) -> str:
    """A trend point's name: "Nov 2026" for a month end, "02/12/2026" for today."""
    value = date.fromisoformat(day)
    return value.strftime("%b %Y") if value == month_end(value) else dmy(value)


def units(minor: int, currency: str) -> float:
    """An amount in currency units for a chart axis."""
    return float(to_units(int(minor), currency))


def styled(chart: Any, size: str = "screen", title: str | None = None) -> Any:
    """Fonts, height and title for ``size``; the configuration goes on the outer chart."""
    s = SIZES[size]
    if title:
        chart = chart.properties(title=alt.TitleParams(title, anchor="start"))
    return (
        chart.configure_axis(
            labelFontSize=s["label"], titleFontSize=s["title"], labelLimit=320, grid=True
        )
        .configure_legend(labelFontSize=s["label"], titleFontSize=s["title"], orient="bottom")
        .configure_title(fontSize=s["heading"], color=INK)
        .configure_view(strokeWidth=0)
    )


def bucket_colours(labels: list[str], basis: str = "due") -> list[str]:
    """One colour per bucket: green for not due, then warmer and darker with age."""
    palette = list(AGE_COLOURS if basis == "due" else AGE_COLOURS[1:]) + list(MORE_COLOURS)
    return palette[: len(labels)]


def aging_bars(
    rows: list[dict[str, Any]],
    labels: list[str],
    currency: str,
    group_title: str,
    size: str = "screen",
    basis: str = "due",
    top: int = 15,
) -> alt.Chart:
    """Stacked horizontal bars, one per group (the ``top`` largest; the title says what the
    others owe), split by bucket, for one currency. Clicking a segment selects (group, bucket): the
    ``cell`` selection the Aging page drills down with."""
    mine = [r for r in rows if r["currency"] == currency]
    shown, rest = mine[:top], mine[top:]
    values = []
    for order, row in enumerate(shown):
        for b, amount in enumerate(row["buckets"]):
            if amount:
                values.append(
                    _cell(
                        b,
                        labels,
                        amount,
                        currency,
                        group=row["group"],
                        label=row["label"],
                        order=order,
                    )
                )
    heading = f"Aging by {group_title.lower()} · {currency}"
    if rest:
        # A bar for "all the others" would dwarf the ones the meeting talks about.
        others = format_money(sum(r["total"] for r in rest), currency)
        heading += f" · the {len(shown)} largest; {len(rest)} others owe {others}"
    pick = alt.selection_point(name="cell", fields=["group", "bucket"], on="click")
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar(height={"band": 0.8})
        .encode(
            y=alt.Y("label:N", title=None, sort=[r["label"] for r in shown]),
            x=alt.X("amount:Q", title=f"Outstanding ({currency})", stack="zero"),
            color=_bucket_colour(labels, basis),
            order=alt.Order("bucket:Q"),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip("label:N", title=group_title),
                alt.Tooltip("bucket_label:N", title="Bucket"),
                alt.Tooltip("amount_text:N", title="Outstanding"),
            ],
        )
        .add_params(pick)
        .properties(height=rows_height(len(shown), size))
    )
    return styled(chart, size, heading)


def _cell(bucket: int, labels: list[str], amount: int, currency: str, **where: Any) -> dict:
    """One stacked piece of a bucket bar: ``where`` says which bar (group or day, order)."""
    return {
        **where,
        "bucket": bucket,
        "bucket_label": labels[bucket],
        "amount": units(amount, currency),
        "amount_text": format_money(amount, currency),
    }


def _bucket_colour(labels: list[str], basis: str) -> alt.Color:
    return alt.Color(
        "bucket_label:N",
        title="Bucket",
        sort=labels,
        scale=alt.Scale(domain=labels, range=bucket_colours(labels, basis)),
    )


def aging_trend(
    points: list[tuple[str, dict[str, list[int]]]],
    labels: list[str],
    currency: str,
    size: str = "screen",
    basis: str = "due",
) -> alt.Chart:
    """Aging at month ends for one currency: a stacked bar per date (``points`` are ISO
    date → per-currency bucket totals), oldest on the left."""
    values = []
    for order, (day, totals) in enumerate(points):
        for b, amount in enumerate(totals.get(currency, [])):
            if amount:
                values.append(_cell(b, labels, amount, currency, day=point_label(day), order=order))
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X(
                "day:O",
                title="Month end, and today",
                sort=[point_label(day) for day, _ in points],
                axis=alt.Axis(labelAngle=-35, labelOverlap=False),
            ),
            y=alt.Y("amount:Q", title=f"Outstanding ({currency})", stack="zero"),
            color=_bucket_colour(labels, basis),
            order=alt.Order("bucket:Q"),
            tooltip=[
                alt.Tooltip("day:O", title="Date"),
                alt.Tooltip("bucket_label:N", title="Bucket"),
                alt.Tooltip("amount_text:N", title="Outstanding"),
            ],
        )
        .properties(height=SIZES[size]["height"])
    )
    return styled(chart, size, f"Aging at month ends · {currency}")


def dso_chart(rows: list[dict[str, Any]], size: str = "screen") -> alt.Chart:
    """DSO (countback) per currency at each point: days, so currencies share the axis."""
    values = [{**r, "label": point_label(r["day"]), "days": r["dso"]} for r in rows]
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_line(point=alt.OverlayMarkDef(size=90), strokeWidth=3)
        .encode(
            x=alt.X(
                "label:O",
                title="Month end, and today",
                sort=[point_label(d) for d in sorted({r["day"] for r in rows})],
                axis=alt.Axis(labelAngle=-35, labelOverlap=False),
            ),
            y=alt.Y("days:Q", title="DSO (days)"),
            color=alt.Color("currency:N", title="Currency"),
            tooltip=[
                alt.Tooltip("label:O", title="Date"),
                alt.Tooltip("currency:N", title="Currency"),
                alt.Tooltip("days:Q", title="DSO (days)", format=".1f"),
            ],
        )
        .properties(height=SIZES[size]["height"])
    )
    return styled(chart, size, "DSO by the countback method")


def cei_chart(rows: list[dict[str, Any]], size: str = "screen") -> alt.Chart:
    """Collection effectiveness index per currency and month, with 100 (perfect) marked."""
    base = alt.Chart(alt.Data(values=rows))
    line = base.mark_line(point=alt.OverlayMarkDef(size=90), strokeWidth=3).encode(
        x=alt.X("month:O", title="Month", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cei:Q", title="CEI (%)", scale=alt.Scale(domainMax=100, nice=True)),
        color=alt.Color("currency:N", title="Currency"),
        tooltip=[
            alt.Tooltip("month:O", title="Month"),
            alt.Tooltip("currency:N", title="Currency"),
            alt.Tooltip("cei:Q", title="CEI (%)", format=".1f"),
        ],
    )
    perfect = (
        alt.Chart(alt.Data(values=[{"y": 100}]))
        .mark_rule(strokeDash=[6, 4], color=GREY)
        .encode(y="y:Q")
    )
    chart = alt.layer(perfect, line).properties(height=SIZES[size]["height"])
    return styled(chart, size, "Collection effectiveness index (100 is perfect)")


def collections_chart(
    rows: list[dict[str, Any]], currency: str, size: str = "screen"
) -> alt.LayerChart:
    """Cash collected per month for one currency (applied and still on account), with the
    lead's target as a tick where one is set."""
    values, targets = [], []
    for r in rows:
        if r["currency"] != currency:
            continue
        for part, label in (("applied", "Applied to invoices"), ("on_account", "On account")):
            values.append(
                {
                    "month": r["month"],
                    "part": label,
                    "amount": units(r[part], currency),
                    "amount_text": format_money(r[part], currency),
                    "total_text": format_money(r["collected"], currency),
                }
            )
        if r["target"] is not None:
            targets.append(
                {
                    "month": r["month"],
                    "target": units(r["target"], currency),
                    "target_text": format_money(r["target"], currency),
                }
            )
    s = SIZES[size]
    bars = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="Month", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("amount:Q", title=f"Collected ({currency})", stack="zero"),
            color=alt.Color(
                "part:N",
                title="",
                scale=alt.Scale(
                    domain=["Applied to invoices", "On account"], range=[BLUE, "#9DC3E6"]
                ),
            ),
            tooltip=[
                alt.Tooltip("month:O", title="Month"),
                alt.Tooltip("part:N", title="Part"),
                alt.Tooltip("amount_text:N", title="Amount"),
                alt.Tooltip("total_text:N", title="Collected in the month"),
            ],
        )
    )
    layers = [bars]
    if targets:
        layers.append(
            alt.Chart(alt.Data(values=targets))
            .mark_tick(color="#E4572E", thickness=4, size=s["bar"] * 2)
            .encode(
                x="month:O",
                y=alt.Y("target:Q"),
                tooltip=[
                    alt.Tooltip("month:O", title="Month"),
                    alt.Tooltip("target_text:N", title="Target"),
                ],
            )
        )
    chart = alt.layer(*layers).properties(height=s["height"])
    return styled(chart, size, f"Collections against target · {currency} (red tick: target)")


def unapplied_chart(rows: list[dict[str, Any]], currency: str, size: str = "screen") -> Any:
    """Unapplied cash for one currency by age, split into suspense and on account."""
    values = [
        {
            **r,
            "amount_units": units(r["amount"], currency),
            "amount_text": format_money(r["amount"], currency),
        }
        for r in rows
        if r["currency"] == currency
    ]
    order = sorted({(r["age"], r["age_label"]) for r in values})
    chart = (
        alt.Chart(alt.Data(values=values))
        .mark_bar()
        .encode(
            x=alt.X(
                "age_label:N",
                title="Days since the money came",
                sort=[b for _, b in order],
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("amount_units:Q", title=f"Not applied ({currency})", stack="zero"),
            color=alt.Color(
                "kind:N",
                title="",
                scale=alt.Scale(domain=["Suspense", "On account"], range=["#E4572E", BLUE]),
            ),
            tooltip=[
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("age_label:N", title="Age"),
                alt.Tooltip("amount_text:N", title="Amount"),
                alt.Tooltip("receipts:Q", title="Receipts"),
            ],
        )
        .properties(height=SIZES[size]["height"])
    )
    return styled(chart, size, f"Unapplied cash and suspense by age · {currency}")
