"""Bank statements in the banks' own formats: SWIFT MT940, ISO 20022 camt.053, OFX, and the
Zengin (全銀) 振込入金通知 and 入出金取引明細 files.

Each is turned into the table a statement spreadsheet gives: a title row, then a header row of
ordinary statement headings and one row per entry. The receipts import then checks the rows,
skips the outflows and keys the receipts exactly as it does for a CSV or Excel statement, so
there is one set of rules for every statement, whatever its format. An entry by which the bank
takes a credit back (MT940 RC, a camt.053 debit marked RvslInd, a Zengin 取消) carries that
mark in the Reversal column, so the import reverses the credit's receipt instead.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

import mt940
from defusedxml import ElementTree

from lib.importing.reader import WORKBOOK_MAGIC, FileError, Recognise, Sheet, read_sheet
from lib.importing.split_dates import join_split_dates
from lib.importing.zengin import is_zengin, read_zengin

HEADER = ["Date", "Value Date", "Credit", "Debit", "Payer", "Narration", "Reference", "Currency",
          "Account", "Reversal"]  # fmt: skip
_NO_REFERENCE = {"", "NONREF", "NOTPROVIDED", "NONE", "EREF"}
# A lower-case d is a debit too. A reversal of a credit (RC) keeps the credit's amount: it is
# flagged, and reverses that credit's receipt; a reversal of a debit (RD) is money back in.
_MARKS = mt940.Options(case_insensitive_marks=True)


@dataclass
class Entry:
    """One statement entry, as text the receipts import parses (ISO dates, plain decimals)."""

    date: str
    amount: Decimal  # positive: money in; negative: money out
    currency: str | None = None
    value_date: str | None = None
    payer: str | None = None
    memo: str | None = None
    reference: str | None = None
    account: str | None = None
    # The bank's mark when the entry takes back an earlier credit: 取消, RC (MT940), RvslInd.
    reversal: str | None = None

    def row(self) -> list[object]:
        credit = _plain(self.amount) if self.amount >= 0 else None
        debit = _plain(-self.amount) if self.amount < 0 else None
        reference = self.reference if (self.reference or "").upper() not in _NO_REFERENCE else None
        return [self.date, self.value_date, credit, debit, self.payer, self.memo, reference,
                self.currency, self.account, self.reversal]  # fmt: skip


def _plain(amount: Decimal) -> str:
    return format(amount, "f")


def detect(data: bytes) -> str | None:
    """The statement format of ``data`` (``"mt940"``, ``"camt053"``, ``"ofx"``, ``"zengin"``),
    judged by its content, or None for anything else (a spreadsheet or a CSV)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if is_zengin(head):
        return "zengin"
    if head.startswith(b"OFXHEADER") or b"<OFX>" in head.upper():
        return "ofx"
    if head.startswith(b"<") and b"camt.053" in head:
        return "camt053"
    if re.search(rb"(^|\n):20:", head) and b":61:" in data[:65536]:
        return "mt940"
    return None


def read_upload(
    data: bytes, file_name: str, sheet: str | None = None, recognise: Recognise | None = None
) -> Sheet:
    """Any uploaded file as a :class:`Sheet`: a bank statement format recognised by its
    content, else a workbook or a CSV (:func:`lib.importing.reader.read_sheet`, which takes the
    first sheet whose rows ``recognise`` accepts), with a date
    split over year, month and day columns joined into one."""
    kind = detect(data) if data and not data.startswith(WORKBOOK_MAGIC) else None
    if kind:
        return read_statement(data, file_name, kind)
    table = read_sheet(data, file_name, sheet, recognise)
    table.rows = join_split_dates(table.rows)
    return table


def read_statement(data: bytes, file_name: str, kind: str) -> Sheet:
    """The entries of a statement file as a :class:`Sheet`; FileError when it cannot be read."""
    try:
        title, entries = _PARSERS[kind](data)
    except FileError as exc:
        raise FileError(f"{file_name}: {exc}") from None
    except Exception as exc:  # a parser's own error on a damaged file: say so, in one line
        reason = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise FileError(f"{file_name}: not a readable {title_of(kind)} file ({reason})") from None
    moved = [e for e in entries if e.amount]
    if not moved:
        raise FileError(f"{file_name}: the {title_of(kind)} file holds no entries with an amount")
    if len(moved) < len(entries):
        # Zero lines are balance or information codes (BAI 010, 025 …), not money.
        title += f" ({len(entries) - len(moved)} lines of zero left out)"
    return Sheet(title, [[title], HEADER, *(e.row() for e in moved)], statement=title)


def title_of(kind: str) -> str:
    return {"mt940": "MT940", "camt053": "camt.053", "ofx": "OFX", "zengin": "Zengin"}[kind]


def _mt940(data: bytes) -> tuple[str, list[Entry]]:
    text = _decode(data, "latin-1")  # SWIFT's character set is a subset of both
    entries: list[Entry] = []
    # One file may hold several accounts' statements; mt940 keeps only the last :25:, so each
    # statement (from one :20: to the next) is read on its own.
    for part in re.split(r"(?m)^(?=:20:)", text):
        if ":61:" in part:
            entries.extend(_mt940_statement(part))
    return "MT940 statement", entries


def _mt940_statement(text: str) -> list[Entry]:
    # A file object, never the text itself: mt940 would take a text naming a file as its path.
    statement = mt940.parse(io.StringIO(text), options=_MARKS)
    account = str(statement.data.get("account_identification") or "") or None
    entries = []
    for transaction in statement.transactions:
        info = transaction.data
        amount = info.get("amount")
        if amount is None or info.get("date") is None:
            continue
        # SEPA :86: fields arrive already split up; the others as one free text.
        parts = [info.get(k) for k in ("transaction_details", "posting_text", "purpose",
                                      "end_to_end_reference", "extra_details")]  # fmt: skip
        details = " ".join(" ".join(str(p).split()) for p in parts if p)
        # :61: gives the value date first, then the day it was booked (MMDD) when it differs.
        booked = info.get("entry_date") or info["date"]
        mark = str(info.get("status") or "").upper()
        entries.append(
            Entry(
                date=booked.isoformat(),
                amount=Decimal(str(amount.amount)),
                currency=info.get("currency") or amount.currency,
                value_date=info["date"].isoformat(),
                payer=info.get("applicant_name") or _sepa_name(details),
                memo=details or None,
                reference=info.get("bank_reference") or info.get("customer_reference"),
                account=account,
                reversal="RC" if mark == "RC" else None,
            )
        )
    return entries


def _decode(data: bytes, fallback: str) -> str:
    """UTF-8 when the bytes are UTF-8, else the format's own older character set."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(fallback, errors="replace")


def _sepa_name(details: str) -> str | None:
    # Dutch and SEPA :86: fields carry the other party as /NAME/…/ .
    match = re.search(r"/NAME/([^/]+)", details)
    return match.group(1).strip() if match else None


def _camt(data: bytes) -> tuple[str, list[Entry]]:
    root = ElementTree.fromstring(data)
    entries = []
    for statement in _all(root, "Stmt"):
        account = _text(statement, "Acct/Id/IBAN") or _text(statement, "Acct/Id/Othr/Id")
        for entry in _children(statement, "Ntry"):
            entries.append(_camt_entry(entry, account, _text(statement, "Acct/Ccy")))
    return "camt.053 statement", entries


def _camt_entry(entry: Element, account: str | None, currency: str | None) -> Entry:
    amount_el = _first(entry, "Amt")
    if amount_el is None or not (amount_el.text or "").strip():
        raise FileError("an entry has no amount")
    try:
        amount = Decimal(amount_el.text.strip())
    except InvalidOperation:
        raise FileError(f"entry amount {amount_el.text.strip()!r} is not a number") from None
    # A DBIT marked as a reversal takes back an earlier credit: it reverses that credit's
    # receipt, for the credit's amount (ISO 20022 RvslInd); any other DBIT is money out.
    reverses_credit = (_text(entry, "RvslInd") or "").lower() in ("true", "1")
    debit = _text(entry, "CdtDbtInd") == "DBIT"
    if debit and not reverses_credit:
        amount = -amount
    booked = _text(entry, "BookgDt/Dt") or (_text(entry, "BookgDt/DtTm") or "")[:10]
    valued = _text(entry, "ValDt/Dt") or (_text(entry, "ValDt/DtTm") or "")[:10] or None
    tx = _first(entry, "NtryDtls/TxDtls")
    payer = memo = None
    reference = _text(entry, "AcctSvcrRef")
    if tx is not None:
        payer = _text(tx, "RltdPties/Dbtr/Nm") or _text(tx, "RltdPties/Dbtr/Pty/Nm")
        reference = reference or _text(tx, "Refs/AcctSvcrRef") or _text(tx, "Refs/EndToEndId")
        notes = [el.text for el in _all(tx, "Ustrd")] + [_text(tx, "RmtInf/Strd/CdtrRefInf/Ref")]
        notes.append(_text(tx, "AddtlTxInf"))
        memo = " ".join(n.strip() for n in notes if n and n.strip()) or None
    memo = " ".join(p for p in (memo, _text(entry, "AddtlNtryInf")) if p) or None
    return Entry(
        date=booked or (valued or ""),
        amount=amount,
        currency=amount_el.get("Ccy") or currency,
        value_date=valued,
        payer=payer,
        memo=memo,
        reference=reference,
        account=account,
        reversal="RvslInd" if debit and reverses_credit else None,
    )


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child) == name]


def _all(element: Element, name: str) -> list[Element]:
    return [el for el in element.iter() if _local(el) == name]


def _first(element: Element, path: str) -> Element | None:
    found: Element | None = element
    for name in path.split("/"):
        found = next(iter(_children(found, name)), None) if found is not None else None
    return found


def _text(element: Element, path: str) -> str | None:
    found = _first(element, path)
    text = (found.text or "").strip() if found is not None else ""
    return text or None


_OFX_FIELD = re.compile(r"<([A-Z0-9.]+)>([^<\r\n]*)", re.I)


def _ofx(data: bytes) -> tuple[str, list[Entry]]:
    charset = re.search(rb"CHARSET:\s*(\d+)", data[:1024])
    text = _decode(data, f"cp{charset.group(1).decode()}" if charset else "cp1252")
    entries: list[Entry] = []
    # Each statement (bank or card) names its own account and currency.
    for statement in re.split(r"<(?:CC)?STMTRS>", text, flags=re.I)[1:]:
        currency, account = _ofx_value(statement, "CURDEF"), _ofx_value(statement, "ACCTID")
        for block in re.split(r"<STMTTRN>", statement, flags=re.I)[1:]:
            block = re.split(r"</STMTTRN>|</BANKTRANLIST>", block, flags=re.I)[0]
            entries.append(_ofx_entry(block, currency, account))
    return "OFX statement", entries


def _ofx_entry(block: str, currency: str | None, account: str | None) -> Entry:
    fields = {k.upper(): v.strip() for k, v in _OFX_FIELD.findall(block)}
    posted, amount = fields.get("DTPOSTED", ""), fields.get("TRNAMT", "")
    if not re.match(r"\d{8}", posted):
        raise FileError(f"an entry's posting date {posted!r} is not a date")
    try:
        value = Decimal(amount.replace(",", "."))
    except InvalidOperation:
        raise FileError(f"an entry's amount {amount!r} is not a number") from None
    return Entry(
        date=f"{posted[:4]}-{posted[4:6]}-{posted[6:8]}",
        amount=value,
        currency=(fields.get("CURRENCY") and _ofx_value(block, "CURSYM")) or currency,
        payer=fields.get("NAME") or fields.get("PAYEE") or None,
        memo=fields.get("MEMO") or None,
        reference=fields.get("FITID") or fields.get("REFNUM") or None,
        account=account,
    )


def _ofx_value(text: str, tag: str) -> str | None:
    match = re.search(rf"<{tag}>([^<\r\n]*)", text, re.I)
    return match.group(1).strip() or None if match else None


def _zengin(data: bytes) -> tuple[str, list[Entry]]:
    title, entries = read_zengin(data)
    return title, [Entry(**entry) for entry in entries]


_PARSERS: dict[str, Callable[[bytes], tuple[str, list[Entry]]]] = {
    "mt940": _mt940,
    "camt053": _camt,
    "ofx": _ofx,
    "zengin": _zengin,
}
