"""Which statement lines are already in the ledger, so that a file twice, or statements whose
periods overlap, add each bank line once.

A line is keyed by its bank reference when that is unique in the file, else by a fingerprint
of account, date, amount, payer, memo and its occurrence in the file. A reference is not
always unique across files, though: SBI prints "TRANSFER FROM <payer's account>" in that
column for every transfer from one payer, and cheque numbers restart with each chequebook.
So a line is only "already there" when the receipt under its key, or another with the same
reference, is the same line: same amount, on the same day.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlite_utils import Database

from lib.db import lookup

_COLUMNS = "id, fingerprint, account, currency, reference, receipt_date, value_date, amount"


def receipt_keys(records: list[dict]) -> list[str]:
    """The idempotency key of each receipt: its bank reference when that identifies it,
    else a fingerprint of account, date, amount, payer, memo and occurrence in the file."""
    return [key for key, _ in _keyed(records)]


def _keyed(records: list[dict]) -> list[tuple[str, str | None]]:
    # Each record's key, with its usable reference (None for none).
    refs = [usable_ref(r) for r in records]
    repeated = _repeats(refs)
    seen: dict[tuple, int] = {}
    keys = []
    for rec, ref in zip(records, refs, strict=True):
        if ref and ref not in repeated:
            raw = f"ref|{rec['account']}|{rec['currency']}|{ref}"
        else:
            content = (
                rec["account"],
                rec["currency"],
                rec["date"],
                rec["amount"],
                rec["payer_name"] or "",
                rec["memo"] or "",
            )
            seen[content] = seen.get(content, 0) + 1
            raw = "row|" + "|".join(map(str, content)) + f"|{seen[content]}"
        keys.append((_digest(raw), ref))
    return keys


def new_lines(db: Database, records: list[dict]) -> tuple[list[tuple[dict, str]], int]:
    """The lines of ``records`` the ledger does not hold yet, each with the fingerprint to
    store it under, and how many are already there. Each receipt in the ledger stands for
    one line at most, so two equal lines in a file with one already imported add one."""
    keyed = _keyed(records)
    stored = _receipts(db, "fingerprint", [key for key, _ in keyed])
    used: set[int] = set()
    pending = []  # lines their key does not settle: a reference may still find them
    for rec, (key, ref) in zip(records, keyed, strict=True):
        old = stored.get(key)
        if old is not None and (ref is None or _same_line(old, rec)) and old["id"] not in used:
            used.add(old["id"])
        else:
            pending.append((rec, key, ref))
    by_ref: dict[tuple, list[dict]] = {}
    for row in _receipts(db, "reference", {ref for _, _, ref in pending if ref}).values():
        by_ref.setdefault((row["account"], row["currency"], row["reference"]), []).append(row)
    fresh, taken = [], set(stored)
    for rec, key, ref in pending:
        twin = _twin(by_ref.get((rec["account"], rec["currency"], ref), []), rec, used)
        if twin is not None:
            used.add(twin["id"])
            continue
        if key in taken:  # a reference used again, by another line: key it by its content too
            raw = f"ref|{rec['account']}|{rec['currency']}|{ref}|{rec['date']}|{rec['amount']}"
            key = _free(db, raw, taken)
        taken.add(key)
        fresh.append((rec, key))
    return fresh, len(records) - len(fresh)


def usable_ref(rec: dict) -> str | None:
    """The line's bank reference, unless it is a placeholder (000000, "-") or missing."""
    ref = (rec.get("reference") or "").strip()
    if len(ref) < 4 or not ref.strip("0-xX* "):
        return None
    return ref


def _receipts(db: Database, column: str, values: Any) -> dict[str, dict]:
    # Receipts (reversed ones too, not those of an undone import) whose ``column`` is one of
    # ``values``, keyed by their fingerprint.
    live = "instr(fingerprint, ':undone:') = 0"
    return lookup(db, "receipts", column, values, _COLUMNS, live, by="fingerprint")


def _same_line(old: dict, rec: dict) -> bool:
    # One bank line read twice has one amount and one day, booked or valued.
    days = {rec["date"], rec["value_date"] or rec["date"]}
    return old["amount"] == rec["amount"] and bool(days & {old["receipt_date"], old["value_date"]})


def _twin(rows: list[dict], rec: dict, used: set[int]) -> dict | None:
    return next((r for r in rows if r["id"] not in used and _same_line(r, rec)), None)


def _free(db: Database, raw: str, taken: set[str]) -> str:
    n = 1
    while (key := _digest(f"{raw}|{n}")) in taken or db.execute(
        "SELECT 1 FROM receipts WHERE fingerprint = ?", [key]
    ).fetchone():
        n += 1
    return key


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def _repeats(refs: list[str | None]) -> set[str]:
    counts: dict[str, int] = {}
    for ref in refs:
        if ref:
            counts[ref] = counts.get(ref, 0) + 1
    return {k for k, n in counts.items() if n > 1}
