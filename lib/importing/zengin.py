"""Zengin (全銀協) files from Japanese banks: fixed 200-byte CP932 records.

Two kinds carry money received: 振込入金通知 (kind 01, a notice per incoming transfer) and
入出金取引明細 (kind 03, every movement on the account; withdrawals become debits, which the
import skips as outflows). A notice marked 取消 cancels the receipt of the notice it repeats
(:mod:`lib.importing.reversals`). Transfer and debit *requests* (総合振込 21, 給与 11, 賞与 12,
口座振替 91) list payments the company makes, so they are refused with a message saying what
to ask the bank for instead. Dates are YYMMDD in the Japanese era (令和, or 平成 before it).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lib.importing.reader import FileError

RECORD = 200
RECEIPT_KINDS = {b"01": "振込入金通知", b"03": "入出金取引明細"}
REQUEST_KINDS = {b"11": "給与振込", b"12": "賞与振込", b"21": "総合振込", b"91": "口座振替"}

# (start, end) byte offsets of the fields Kaishu reads in each kind's data record.
NOTICE = {"ref": (1, 7), "date": (7, 13), "value": (13, 19), "amount": (19, 29),
          "payer": (49, 97), "bank": (97, 112), "branch": (112, 127), "cancel": (127, 128),
          "edi": (128, 148)}  # fmt: skip
MOVEMENT = {"ref": (1, 9), "date": (9, 15), "value": (15, 21), "in_out": (21, 22),
            "amount": (24, 36), "payer": (81, 129), "bank": (129, 144), "branch": (144, 159),
            "memo": (159, 179), "edi": (179, 199)}  # fmt: skip
ACCOUNT = (63, 70)


def is_zengin(head: bytes) -> bool:
    """Whether ``head`` (a file's first bytes) starts with a Zengin header record."""
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if first[:1] != b"1" or first[3:4] not in (b"0", b"1") or b"," in first or b"\t" in first:
        return False
    kind = first[1:3]
    if kind in REQUEST_KINDS:
        return first[4:14].isdigit()
    return kind in RECEIPT_KINDS and first[4:10].isdigit() and len(first) >= 120


def records(data: bytes) -> list[bytes]:
    """The file's records: one per line, and a line holding several records (banks also send
    them back to back, with one line break at the end or none) cut every 200 bytes."""
    out = []
    for line in data.split(b"\n"):
        line = line.rstrip(b"\r")
        parts = [line[k : k + RECORD] for k in range(0, len(line), RECORD)] if line else []
        out.extend(part for part in parts if part.strip(b"\x1a "))
    return out


def era_date(text: str) -> str | None:
    """YYMMDD in the Japanese era as an ISO date; None for zeros or blanks (no date)."""
    text = text.strip()
    if not text or set(text) == {"0"}:
        return None
    if len(text) != 6 or not text.isdigit():
        raise ValueError(f"date {text!r} is not YYMMDD")
    year = int(text[:2])
    # 令和 from 2019; a two-digit era year above 30 can only be 平成 (1989–2019).
    western = 2018 + year if year <= 30 else 1988 + year
    return date(western, int(text[2:4]), int(text[4:6])).isoformat()


def read_zengin(data: bytes) -> tuple[str, list[dict]]:
    """The title and entries (as dicts of Entry fields) of a receipt-kind Zengin file."""
    lines = records(data)
    header = lines[0]
    kind = header[1:3]
    if kind in REQUEST_KINDS:
        raise FileError(
            f"this is a Zengin {REQUEST_KINDS[kind]} file: it lists payments the company "
            "sends, not money received. Ask the bank for the 振込入金通知 or 入出金取引明細 file"
        )
    if header[3:4] == b"1":
        raise FileError("this Zengin file is in EBCDIC; ask the bank for the JIS (CP932) version")
    account = _text(header, ACCOUNT) or None
    layout = NOTICE if kind == b"01" else MOVEMENT
    entries = []
    for number, line in enumerate(lines[1:], start=2):
        if line[:1] != b"2":
            continue  # 8 trailer, 9 end
        try:
            entries.append(_entry(line, layout, account))
        except ValueError as exc:
            raise FileError(f"record {number}: {exc}") from None
    return f"Zengin {RECEIPT_KINDS[kind]}", entries


def _entry(line: bytes, layout: dict[str, tuple[int, int]], account: str | None) -> dict:
    if len(line) < RECORD - 1:
        raise ValueError(f"{len(line)} bytes where a data record has {RECORD}")
    amount_text = _text(line, layout["amount"])
    if not amount_text.isdigit():
        raise ValueError(f"amount {amount_text!r} is not a whole number of yen")
    amount = int(amount_text)
    memo = [_text(line, layout[k]) for k in ("memo", "edi") if k in layout]
    outgoing = _text(line, layout["in_out"]) == "2" if "in_out" in layout else False
    # 取消: the bank withdraws a notice it sent; the record repeats the notice it cancels.
    cancels = "cancel" in layout and _text(line, layout["cancel"]) == "1"
    bank = " ".join(p for p in (_text(line, layout["bank"]), _text(line, layout["branch"])) if p)
    if bank:
        memo.append(f"from {bank}")
    booked = era_date(_text(line, layout["date"])) or ""
    ref = _text(line, layout["ref"])
    return {
        "date": booked,
        "value_date": era_date(_text(line, layout["value"])),
        "amount": Decimal(-amount if outgoing else amount),
        "currency": "JPY",
        "payer": _text(line, layout["payer"]) or None,
        "memo": " ".join(m for m in memo if m) or None,
        # 照会番号 counts up and starts again, so the day it was booked makes it unique.
        "reference": f"{booked}:{ref}" if ref.strip("0") else None,
        "account": account,
        "reversal": "取消" if cancels else None,
    }


def _text(line: bytes, span: tuple[int, int]) -> str:
    return line[span[0] : span[1]].decode("cp932", errors="replace").strip()
