"""The MIS workbook's Summary sheet: the key numbers per currency, the aging by bucket and
the converted total, as formulas over the other sheets wherever a sheet holds the rows.

Figures that no sheet lists (DSO, CEI, unapplied cash, the kept rate) are values, each
labelled with how Kaishu computed it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from lib.aging import BASES, Buckets
from lib.money import exponent, format_money
from lib.reports.periods import add_months, dmy, month_key
from lib.reports.workbook import HEAD_FILL, HEAD_FONT, Sheet, Written, cell, text_cell

SECTION_FILL = PatternFill("solid", fgColor="DCE6F1")


def write_summary(
    ws: Any,
    as_of: date,
    period: Any,
    buckets: Buckets,
    currencies: list[str],
    refs: dict[str, Written],
    facts: dict[str, Any],
) -> None:
    """Fill the Summary sheet (created first, so it is the first tab)."""
    sheet = Sheet(ws, [62] + [20] * max(3, len(currencies)), freeze=None)
    sheet.title(
        f"Kaishu 回収 · MIS report as of {dmy(as_of)}",
        f"Collections period {dmy(period.first)} – {dmy(period.last)} · aging by "
        f"{BASES[buckets.basis].lower()} · amounts per currency, never added together "
        "except in the converted line below.",
    )
    sheet.append([])
    _header(sheet, "Key numbers", currencies)
    rows = _key_rows(sheet, as_of, currencies, refs, facts)
    sheet.append([])
    _header(sheet, "Aging by bucket", currencies)
    first = sheet.row + 1
    for n, label in enumerate(buckets.labels()):
        values = [f"='{_name('aging')}'!{refs['aging'].totals[c][f'b{n}']}" for c in currencies]
        _line(sheet, label, values, currencies, "formula")
    last = sheet.row
    total = [f"=SUM({_col(k)}{first}:{_col(k)}{last})" for k in range(len(currencies))]
    _line(sheet, "Total (equals open receivables)", total, currencies, "formula", bold=True)
    sheet.append([])
    _converted(sheet, as_of, currencies, rows["open"], facts)


def _name(key: str) -> str:
    from lib.reports.mis_sheets import SHEET_NAMES

    return SHEET_NAMES[key]


def _col(k: int) -> str:
    return get_column_letter(k + 2)


def _header(sheet: Sheet, title: str, currencies: list[str]) -> None:
    style = {"font": HEAD_FONT, "fill": HEAD_FILL}
    sheet.append(
        [text_cell(sheet.ws, title, **style)]
        + [text_cell(sheet.ws, c, **style) for c in currencies]
    )


def _line(
    sheet: Sheet, label: str, values: list[Any], currencies: list[str], kind: str, bold=False
) -> int:
    font = {"font": Font(bold=True)} if bold else {}
    out = [text_cell(sheet.ws, label, **font)]
    for currency, value in zip(currencies, values, strict=True):
        money = currency if kind in ("money", "formula") else ""
        out.append(cell(sheet.ws, value, kind, money, **font))
    return sheet.append(out)


def _key_rows(sheet, as_of, currencies, refs, facts) -> dict[str, int]:
    aging, items, coll = refs["aging"], refs["items"], refs["collections"]
    at: dict[str, int] = {}
    at["open"] = _line(
        sheet,
        "Open receivables",
        [f"='{_name('aging')}'!{aging.totals[c]['total']}" for c in currencies],
        currencies,
        "formula",
        bold=True,
    )
    keys = ("outstanding", "currency", "days_past_due")
    out, cur, dpd = (items.column(k, _name("items")) for k in keys)
    at["overdue"] = _line(
        sheet,
        "Overdue (past the due date)",
        [f'=SUMIFS({out},{cur},"{c}",{dpd},">0")' for c in currencies],
        currencies,
        "formula",
    )
    shares = [
        f"=IF({_col(k)}{at['open']}=0,0,{_col(k)}{at['overdue']}/{_col(k)}{at['open']})"
        for k in range(len(currencies))
    ]
    _line(sheet, "Overdue share", shares, currencies, "pct")
    counts = [f"='{_name('aging')}'!{aging.totals[c]['invoices']}" for c in currencies]
    _line(sheet, "Open invoices", counts, currencies, "int")
    dso = [_days(facts["dso"].get(c)) for c in currencies]
    _line(sheet, "DSO, countback method (days)", dso, currencies, "number")
    cei_now = [_decimal(facts["cei_month"].get(c)) for c in currencies]
    _line(sheet, f"CEI {month_key(as_of)} to date (%)", cei_now, currencies, "number")
    cei_last = [_decimal(facts["cei_last"].get(c)) for c in currencies]
    _line(sheet, f"CEI {month_key(add_months(as_of, -1))} (%)", cei_last, currencies, "number")
    for month in reversed(_months(as_of)):
        _collected(sheet, month, currencies, coll, facts)
    cash = facts["cash"]
    kinds = (
        ("On account", "Unapplied, client known (on account)"),
        ("Suspense", "Suspense (payer unknown)"),
    )
    for kind, label in kinds:
        amounts = [cash.get(c, {}).get(kind, 0) for c in currencies]
        _line(sheet, label, amounts, currencies, "money")
    rate, judged = facts["kept"]
    label = f"Promises kept, last 90 days (%, {judged} fell due; all currencies)"
    _line(sheet, label, [rate] + [None] * (len(currencies) - 1), currencies, "number")
    cases = refs["cases"]
    owed = [
        f"=SUMIFS({cases.column('outstanding', _name('cases'))},"
        f'{cases.column("currency", _name("cases"))},"{c}",'
        f'{cases.column("status", _name("cases"))},"Open")'
        if cases.totals
        else 0
        for c in currencies
    ]
    _line(sheet, "Still owed in open recovery cases", owed, currencies, "formula")
    offs = refs["write_offs"]
    net = [
        f"='{_name('write_offs')}'!{offs.totals[c]['net']}" if c in offs.totals else 0
        for c in currencies
    ]
    _line(sheet, "Written off in the period (net of recoveries)", net, currencies, "formula")
    return at


def _months(as_of: date) -> list[str]:
    return [month_key(add_months(as_of, -1)), month_key(as_of)]


def _collected(sheet, month, currencies, coll: Written, facts) -> None:
    name = _name("collections")
    if coll.totals:
        values = [
            f'=SUMIFS({coll.column("amount", name)},{coll.column("currency", name)},"{c}",'
            f'{coll.column("month", name)},"{month}")'
            for c in currencies
        ]
    else:
        values = [0] * len(currencies)
    row = _line(sheet, f"Collected in {month}", values, currencies, "formula", bold=True)
    targets = [facts["targets"].get((month, c)) for c in currencies]
    goal = _line(sheet, f"Target for {month}", targets, currencies, "money")
    share = [
        f'=IF(N({_col(k)}{goal})>0,{_col(k)}{row}/{_col(k)}{goal},"no target")'
        for k in range(len(currencies))
    ]
    _line(sheet, f"Share of the {month} target", share, currencies, "pct")


def _days(value: Any) -> float | None:
    return None if value is None else float(value.days)


def _decimal(value: Any) -> float | None:
    return None if value is None else float(value)


def _converted(sheet: Sheet, as_of: date, currencies: list[str], open_row: int, facts) -> None:
    converted, reporting = facts["converted"], facts["reporting"]
    heading = text_cell(sheet.ws, f"Converted total in {reporting}", font=HEAD_FONT, fill=HEAD_FILL)
    sheet.append([heading])
    if converted.total is None:
        why = converted.label[0].upper() + converted.label[1:]
        sheet.append([text_cell(sheet.ws, f"{why} ({dmy(as_of)}).")])
        sheet.append([text_cell(sheet.ws, "The lead enters rates on the Report settings page.")])
        return
    parts = []
    for k, currency in enumerate(currencies):
        if currency == reporting:
            parts.append(f"{_col(k)}{open_row}")
            continue
        rate = facts["rates"][currency]
        label = text_cell(sheet.ws, f"Rate {currency}→{reporting} of {dmy(rate.rate_date)}")
        value = cell(sheet.ws, float(rate.rate), "number", number_format="0.000000")
        row = sheet.append([label, value])
        parts.append(f"ROUND({_col(k)}{open_row}*B{row},{exponent(reporting)})")
    formula = "=" + "+".join(parts)
    bold = Font(bold=True)
    label = text_cell(sheet.ws, f"Open receivables in {reporting} ({converted.label})", font=bold)
    sheet.append([label, cell(sheet.ws, formula, "formula", reporting, font=bold)])
    figure = format_money(converted.total, reporting)
    sheet.append(
        [text_cell(sheet.ws, f"Kaishu's figure: {figure} (the formula above recomputes it)")]
    )
