"""The row rules of each import kind: client master, invoice ledger, statement.

Each builder converts the columns it needs once (see :class:`lib.importing.rows.Columns`) and
returns a function that makes the record of row ``i``, raising ``Bad`` (with the field and the
reason) or ``Skip`` (an outflow, a total line, a note).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from lib.importing.columns import field as field_decl
from lib.importing.layout import Layout, blank
from lib.importing.rows import Bad, Columns, Context, Parsed, RowError, Skip
from lib.parsing import parse_ledger_amount

Builder = Callable[[int], dict[str, Any]]

_SEGMENTS = {
    "client": "client",
    "customer": "client",
    "顧客": "client",
    "得意先": "client",
    "franchisee": "franchisee",
    "franchise": "franchisee",
    "フランチャイズ": "franchisee",
    "加盟店": "franchisee",
    "partner": "partner",
    "business partner": "partner",
    "パートナー": "partner",
    "取引先": "partner",
}
_CARD_WORDS = ("card", "credit card", "カード", "クレジット")
_CLIENT_TEXT = ("client_code", "name", "name_kana", "owner", "phone", "parent_code", "address")


def clients(cols: Columns) -> Builder:
    """Client master rows → records of the clients table (the head office still as a code)."""
    text = {name: cols.text(name) for name in _CLIENT_TEXT}
    email, segment, language = cols.text("email"), cols.text("segment"), cols.text("language")
    terms = cols.integer("terms")
    currency = cols.currency()

    def build(i: int) -> dict[str, Any]:
        record = {name: values[i] for name, values in text.items()}
        if record["client_code"] is None:
            raise Bad("client_code", "missing client code")
        if record["name"] is None:
            raise Bad("name", "missing client name")
        if email[i] and "@" not in email[i]:
            raise Bad("email", f"not an email address: {email[i]!r}")
        kind = _SEGMENTS.get((segment[i] or "client").strip().lower())
        if kind is None:
            raise Bad("segment", f"segment {segment[i]!r} is not client, franchisee or partner")
        if terms[i] is not None and not 0 <= terms[i] <= 366:
            raise Bad("terms", f"payment terms of {terms[i]} days are out of range (0–366)")
        lang = (language[i] or "").lower()[:2] or None
        if lang not in (None, "en", "ja"):
            raise Bad("language", "language must be en or ja")
        record.update(
            segment=kind, email=email[i], terms_days=terms[i], language=lang, currency=currency[i]
        )
        return record

    return build


def invoices(cols: Columns) -> Builder:
    """Invoice ledger rows → records with int minor-unit amounts and ISO dates."""
    number, code, name = cols.text("invoice_no"), cols.text("client_code"), cols.text("client_name")
    by_name = cols.ctx.client_names  # a row that names the party without a code (Tally)
    code = [c or by_name.get(n.casefold()) if n else c for c, n in zip(code, name, strict=True)]
    known = [cols.ctx.clients.get(c) if c else None for c in code]
    currency = cols.currency([k.currency if k else None for k in known])
    invoice_date, due, sent = (
        cols.date("invoice_date"),
        cols.date("due_date"),
        cols.date("sent_date"),
    )
    amount = cols.money("amount", currency, parse_ledger_amount)  # Dr owed, Cr a credit
    before_tax = cols.money("amount_before_tax", currency, parse_ledger_amount)
    tax = cols.money("tax", currency, parse_ledger_amount)
    disputed, description = cols.boolean("disputed"), cols.text("description")
    channel, credits = cols.text("sent_channel"), cols.text("credits_invoice")

    def build(i: int) -> dict[str, Any]:
        if number[i] is None:
            raise Bad("invoice_no", "missing invoice number")
        if code[i] is None and name[i] is None:
            raise Bad("client_code", "missing client code and client name")
        credit = (amount[i] if amount[i] is not None else before_tax[i] or 0) < 0
        if code[i] is None and not credit:  # said first: the client would also give a currency
            raise Bad("client_name", _unknown_name(name[i], by_name))
        if currency[i] is None:
            raise Bad(
                "currency", "no currency: add a Currency column or choose the file's currency"
            )
        if invoice_date[i] is None:
            raise Bad("invoice_date", "missing invoice date")
        if credit:
            return _credit_note(number[i], credits[i], code[i], name[i], invoice_date[i],
                                currency[i], amount[i], before_tax[i], tax[i])  # fmt: skip
        due_date = due[i] or _due_from_terms(invoice_date[i], known[i])
        if due_date < invoice_date[i]:
            raise Bad(
                "due_date", f"due date {due_date} is before the invoice date {invoice_date[i]}"
            )
        total, tax_amount = _amounts(amount[i], before_tax[i], tax[i])
        return {
            "invoice_no": number[i],
            "client_code": code[i],
            "client_name": name[i],
            "invoice_date": invoice_date[i],
            "due_date": due_date,
            "currency": currency[i],
            "amount": total,
            "tax": tax_amount,
            "disputed": 1 if disputed[i] else 0,
            "description": description[i],
            "sent_date": sent[i],
            "sent_channel": channel[i],
        }

    return build


def _credit_note(
    number: str,
    credits: str | None,
    code: str | None,
    name: str | None,
    on: str,
    currency: str,
    amount: int | None,
    before_tax: int | None,
    tax: int | None,
) -> dict[str, Any]:
    # A negative line is a credit note (赤伝, GST credit note): it lowers the invoice it names.
    if not credits:
        raise Bad("amount", "a negative amount (or Cr) is a credit, not an invoice: a credit "
                  "note needs a column naming the invoice it credits (e.g. 'Against invoice'); "
                  "an advance comes in as a receipt, with the bank statement")  # fmt: skip
    total = -amount if amount is not None else -(before_tax or 0) - (tax or 0)
    return {"invoice_no": number, "credits_invoice": credits, "client_code": code,
            "client_name": name, "invoice_date": on, "currency": currency,
            "amount": total}  # fmt: skip


def _unknown_name(name: str, by_name: dict[str, str | None]) -> str:
    where = "the name of two clients" if name.casefold() in by_name else "not in the client master"
    return f"client {name!r} is {where}; add a client code column"


def _due_from_terms(invoice_date: str, known: Any) -> str:
    if not known or known.terms_days is None:
        raise Bad("due_date", "missing due date, and the client has no payment terms")
    return (date.fromisoformat(invoice_date) + timedelta(days=known.terms_days)).isoformat()


def _amounts(amount: int | None, before_tax: int | None, tax: int | None) -> tuple[int, int]:
    if amount is None and before_tax is not None:
        amount = before_tax + (tax or 0)
    if amount is None:
        raise Bad("amount", "missing amount")
    if amount <= 0:
        raise Bad("amount", "amount must be above zero")
    if tax is None:
        tax = amount - before_tax if before_tax is not None else 0
    if tax < 0 or tax > amount:
        raise Bad("tax", "tax must be between zero and the invoice amount")
    return amount, tax


def receipts(cols: Columns) -> Builder:
    """Statement and payout lines → receipt records; outflows, totals and notes are skipped."""
    ctx = cols.ctx
    when, value_date = cols.date("date"), cols.date("value_date")
    currency = cols.currency()
    credit, debit = cols.money("amount", currency), cols.money("debit", currency)
    gross, fee = cols.money("gross", currency), cols.money("fee", currency)
    direction = cols.text("dr_cr")
    text = {name: cols.text(name) for name in ("payer_name", "memo", "reference", "account")}
    channel, reversal = cols.text("channel"), cols.text("reversal")
    date_failed = {i for i, (name, _) in cols.failed.items() if name == "date"}
    no_money = [all(v is None for v in vals) for vals in zip(credit, debit, gross, strict=True)]

    def build(i: int) -> dict[str, Any]:
        if when[i] is None and i not in date_failed:
            if no_money[i]:
                raise Skip("note")
            raise Bad("date", "missing date")
        if currency[i] is None:
            raise Bad("currency", "no currency: choose the statement's currency")
        amount = _received(credit[i], debit[i], gross[i], fee[i], (direction[i] or "").upper())
        fee_paid = abs(fee[i]) if fee[i] is not None else max(0, (gross[i] or 0) - amount)
        record = {name: values[i] for name, values in text.items()}
        record.update(
            date=when[i],
            value_date=value_date[i] or when[i],
            currency=currency[i],
            amount=amount,
            fee=fee_paid if gross[i] or fee[i] else 0,
            account=record["account"] or ctx.account,
            channel=_channel(channel[i], ctx.channel),
            reversal=reversal[i] if _flagged(reversal[i]) else None,
        )
        return record

    return build


def _received(
    credit: int | None, debit: int | None, gross: int | None, fee: int | None, direction: str
) -> int:
    if direction.startswith(("D", "出", "支")) or (credit is not None and credit < 0 and not debit):
        raise Skip("outflow")
    if credit is None and gross is not None:
        credit = gross - abs(fee or 0)
    if debit and credit:
        raise Bad("debit", "a line with both a debit and a credit")
    if not credit:
        if debit:
            raise Skip("outflow")
        raise Bad("amount", "no amount received on this line")
    return abs(credit)


def _flagged(raw: str | None) -> bool:
    return bool(raw) and raw.strip().lower() not in ("0", "no", "n", "false", "-")


def _channel(raw: str | None, default: str) -> str:
    if not raw:
        return default
    return "card" if any(w in raw.lower() for w in _CARD_WORDS) else "bank"


BUILDERS: dict[str, Callable[[Columns], Builder]] = {
    "clients": clients,
    "invoices": invoices,
    "receipts": receipts,
}


def parse_rows(
    rows: list[list[object]], header_row: int, mapping: dict[int, str], ctx: Context
) -> Parsed:
    """Convert every data row below ``header_row``; good rows become records, bad ones errors."""
    headers, labels = _headers(rows, header_row, mapping)
    layout, body = Layout(rows[header_row]), rows[header_row + 1 :]
    cols = Columns(body, mapping, ctx)
    build = BUILDERS[ctx.kind](cols)
    out = Parsed()
    footer = False  # inside the block a bank prints below its last line
    for i in range(cols.n):
        row = body[i]
        try:
            if i in cols.failed:
                raise Bad(*cols.failed[i])
            record = build(i)
        except (Skip, Bad) as exc:
            why = _left_out(exc, row, layout, footer)
            footer = why == "footer" or (footer and why != "outflow")
            if why is None and isinstance(exc, Bad):
                column = labels.get(exc.field) or _label(ctx.kind, exc.field)
                out.errors.append(
                    RowError(header_row + 2 + i, column, exc.reason, _raw(headers, row))
                )
            elif why not in ("blank", "rule"):
                out.skipped[why] = out.skipped.get(why, 0) + 1
            continue
        footer = False
        record["source_row"] = header_row + 2 + i
        out.records.append(record)
    return out


def _left_out(exc: Skip | Bad, row: list[object], layout: Layout, footer: bool) -> str | None:
    # Why a row that gave no record is left out ("outflow", "note", "total", "footer", ...),
    # or None for a bad row, to be rejected with its reason.
    if isinstance(exc, Bad):
        return layout.why(row, footer)
    if blank(row):
        return "blank"
    if exc.why == "note" and layout.why(row, footer) == "footer":
        return "footer"
    return exc.why


def name_store_errors(
    errors: list[RowError], rows: list[list[object]], header_row: int, mapping: dict[int, str],
    kind: str,
) -> list[RowError]:  # fmt: skip
    """Errors the writers found (they know fields and row numbers) in the words of the file:
    the column's own header and the row as it was, like the errors found while reading."""
    headers, labels = _headers(rows, header_row, mapping)
    named = []
    for error in errors:
        column = labels.get(error.column) or _label(kind, error.column)
        row = rows[error.row - 1] if 0 < error.row <= len(rows) else []
        named.append(RowError(error.row, column, error.reason, error.values or _raw(headers, row)))
    return named


def _headers(
    rows: list[list[object]], header_row: int, mapping: dict[int, str]
) -> tuple[list[str], dict[str, str]]:
    # The file's headers (a blank one named by its place), and each mapped field's header.
    headers = [
        str(h) if h not in (None, "") else f"column {i + 1}" for i, h in enumerate(rows[header_row])
    ]
    return headers, {name: headers[col] for col, name in mapping.items() if col < len(headers)}


def _label(kind: str, name: str) -> str:
    try:
        return field_decl(kind, name).label
    except StopIteration:  # already in words ("invoice number")
        return name


def _raw(headers: list[str], row: list[object]) -> dict[str, str]:
    width = max(len(headers), len(row))
    names = headers + [f"column {i + 1}" for i in range(len(headers), width)]
    return {names[i]: "" if i >= len(row) or row[i] is None else str(row[i]) for i in range(width)}
