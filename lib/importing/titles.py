"""What a statement says about itself above and in its header row: the account number and
the currency. Indian banks print "Account No : 5020…" and "(INR)" in the title rows, or
"Deposit Amount (INR )" in the header; Japanese ones "入出金(円)".
"""

from __future__ import annotations

import re
import unicodedata

from lib.importing.columns import header_currency

MONEY_FIELDS = ("amount", "debit", "gross", "fee", "balance")
_ACCOUNT = re.compile(r"(?:account|a/c|acct|口座)[^0-9]{0,20}([0-9][0-9 \-]{4,24}[0-9])", re.I)
_CURRENCY = re.compile(
    r"(?:currency|通貨)\s*(?:code)?\s*[:\-]?\s*(INR|JPY|USD)\b|\(\s*(INR|JPY|USD)\s*\)", re.I
)  # on NFKC text, so a full-width ： or （ reads as its ASCII twin


def account_from_titles(rows: list[list[object]]) -> str | None:
    """The account number the title rows name ("Account No : 5020 0012 345"), if any."""
    for row in rows:
        match = _ACCOUNT.search(_line(row))
        if match:
            return re.sub(r"[ \-]", "", match.group(1))
    return None


def currency_named(
    titles: list[list[object]], headers: list[str], mapping: dict[int, str]
) -> tuple[str | None, str]:
    """The one currency the file names, in its money columns' headers or its title rows, and
    where (for the import's warning); ``(None, "")`` when it names none, or more than one."""
    found: dict[str, str] = {}
    money = sorted((MONEY_FIELDS.index(n), c) for c, n in mapping.items() if n in MONEY_FIELDS)
    for _, col in money:
        code = header_currency(headers[col]) if col < len(headers) else None
        if code:
            found.setdefault(code, f"the header {headers[col].strip()!r}")
    for row in titles:
        for match in _CURRENCY.finditer(unicodedata.normalize("NFKC", _line(row))):
            found.setdefault((match.group(1) or match.group(2)).upper(), "the title rows")
    if len(found) != 1:
        return None, ""
    return next(iter(found.items()))


def _line(row: list[object]) -> str:
    return " ".join(str(c) for c in row if c not in (None, ""))
