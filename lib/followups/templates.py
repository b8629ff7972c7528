"""Reminder templates: Jinja2 in a sandbox, rendered to a plain-text and an HTML part.

Templates come from the database (the lead edits them), so they run in Jinja's sandbox with
strict undefined names: a typo in a merge field is refused when the template is saved, never
discovered by a client. The HTML part renders the same template with autoescape on, so a
client name such as ``<b>Acme</b>`` arrives as text; only the invoice table, built here, is
trusted markup. Subjects are folded to one line (a line break in a header is an injection).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from lib.followups import FollowUpError

_TEXT = SandboxedEnvironment(
    autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
)
_HTML = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)

MERGE_FIELDS: dict[str, str] = {
    "client_name": "the client's name",
    "client_code": "the client's code",
    "contact": "the contact person (or 'Accounts team' / 'ご担当者')",
    "invoices": "the invoices: invoice_no, invoice_date, due_date, outstanding, days_overdue",
    "invoice_table": "the invoices as a table (a list in the text part)",
    "totals": "the total per currency, e.g. ['¥330,000']",
    "total_text": "the totals joined: ¥330,000 + ₹1,20,000.00",
    "oldest_due_date": "the earliest due date among the invoices",
    "days_overdue": "days past due of the oldest invoice",
    "as_of": "today's date",
    "reply_by": "a week from today",
    "bank_details": "where to pay, per currency (set on the Reminder policy page)",
    "promise": "the open promise: amount, due_on, made_on (or nothing)",
    "company_name": "our company's name",
    "sender_name": "the collector who owns the client",
    "sender_email": "the collector's email",
    "step_name": "the escalation step",
}

LABELS = {
    "en": {
        "contact": "Accounts team",
        "headings": ("Invoice", "Invoice date", "Due date", "Days overdue", "Outstanding"),
    },
    "ja": {
        "contact": "ご担当者",
        "headings": ("請求書番号", "請求日", "支払期日", "経過日数", "未払額"),
    },
}


@dataclass(frozen=True)
class Rendered:
    """One reminder, ready to put in a message."""

    subject: str
    text: str
    html: str


def long_date(iso: str | date, language: str) -> str:
    """A date as clients read it: ``20 Nov 2026`` or ``2026年11月20日``."""
    day = date.fromisoformat(iso) if isinstance(iso, str) else iso
    if language == "ja":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.strftime("%d %b %Y")


def _late(days: int, language: str) -> str:
    if language == "ja":
        return f"{days}日経過" if days > 0 else ("本日期日" if days == 0 else f"あと{-days}日")
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} overdue"
    return "due today" if days == 0 else f"due in {-days} day{'s' if days != -1 else ''}"


def text_table(invoices: list[dict[str, Any]], language: str) -> str:
    """The invoices as lines that survive any mail program's font."""
    lines = []
    for inv in invoices:
        late = _late(inv["days_overdue_n"], language)
        if language == "ja":
            lines.append(
                f"・請求書番号 {inv['invoice_no']}　請求日 {inv['invoice_date']}　"
                f"支払期日 {inv['due_date']}　未払額 {inv['outstanding']}（{late}）"
            )
        else:
            lines.append(
                f"- {inv['invoice_no']}, dated {inv['invoice_date']}, due {inv['due_date']}: "
                f"{inv['outstanding']} outstanding ({late})"
            )
    return "\n".join(lines)


def html_table(invoices: list[dict[str, Any]], language: str) -> Markup:
    """The invoices as an HTML table, every value escaped; on one line for pre-wrap."""
    cell = 'style="border:1px solid #c8d1dc;padding:4px 8px"'
    head = "".join(f"<th {cell}>{escape(h)}</th>" for h in LABELS[language]["headings"])
    rows = []
    for inv in invoices:
        values = (
            inv["invoice_no"],
            inv["invoice_date"],
            inv["due_date"],
            _late(inv["days_overdue_n"], language),
            inv["outstanding"],
        )
        tds = "".join(f"<td {cell}>{escape(v)}</td>" for v in values[:-1])
        tds += f'<td {cell} align="right">{escape(values[-1])}</td>'
        rows.append(f"<tr>{tds}</tr>")
    return Markup(
        f'<table style="border-collapse:collapse;white-space:normal"><tr>{head}</tr>'
        + "".join(rows)
        + "</table>"
    )


def render(subject: str, body: str, context: dict[str, Any]) -> Rendered:
    """Render a template pair with ``context`` (see :data:`MERGE_FIELDS`); raises
    FollowUpError with the template's own error message when it cannot be rendered."""
    language = context.get("language", "en")
    try:
        title = _TEXT.from_string(subject).render(context)
        text = _TEXT.from_string(body).render(
            {**context, "invoice_table": text_table(context["invoices"], language)}
        )
        html_body = _HTML.from_string(body).render(
            {**context, "invoice_table": html_table(context["invoices"], language)}
        )
    except TemplateError as exc:
        raise FollowUpError(f"the template does not work: {exc}") from None
    html = (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"></head><body>'
        '<div style="font-family:sans-serif;font-size:14px;white-space:pre-wrap">'
        f"{html_body.strip()}</div></body></html>"
    )
    return Rendered(re.sub(r"\s+", " ", title).strip(), text.strip() + "\n", html)


def sample_context(language: str) -> dict[str, Any]:
    """A made-up client and invoice for checking a template when it is saved."""
    invoice = {
        "invoice_no": "INV-0001",
        "invoice_date": long_date("2026-10-01", language),
        "due_date": long_date("2026-10-31", language),
        "outstanding": "¥330,000",
        "amount": "¥330,000",
        "currency": "JPY",
        "days_overdue": 20,
        "days_overdue_n": 20,
    }
    return {
        "language": language,
        "client_name": "株式会社山田商事" if language == "ja" else "Sharma Traders Pvt Ltd",
        "client_code": "C0001",
        "contact": LABELS[language]["contact"],
        "invoices": [invoice],
        "totals": ["¥330,000"],
        "total_text": "¥330,000",
        "oldest_due_date": invoice["due_date"],
        "days_overdue": 20,
        "as_of": long_date("2026-11-20", language),
        "reply_by": long_date("2026-11-27", language),
        "bank_details": "MUFG 本店 普通 1234567",
        "promise": {"amount": "¥330,000", "due_on": invoice["due_date"], "made_on": "x"},
        "company_name": "Kaishu Collections",
        "sender_name": "Priya Shah",
        "sender_email": "priya@example.com",
        "step_name": "First reminder",
    }


def check(subject: str, body: str) -> None:
    """Refuse a template that does not render for both a promise and no promise."""
    if not subject.strip() or not body.strip():
        raise FollowUpError("a template needs a subject and a body")
    for language in ("en", "ja"):
        render(subject, body, sample_context(language))
        render(subject, body, {**sample_context(language), "promise": None})
