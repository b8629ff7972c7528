"""Rows that are the file's layout, not its data: blank and rule lines, the header repeated at
a page break, totals, and the block a bank prints below its last line (HDFC's "STATEMENT
SUMMARY", "Generated On", legends, "End of statement").

Only a row that has already failed as data is asked about, so a real line is never lost to
these rules: at worst a layout row the rules miss is rejected with its reason.
"""

from __future__ import annotations

import re

from lib.importing.columns import normalise_header

SUMMARY = re.compile(
    r"^\W*(grand\s*total|sub\s*total|total|opening\s*balance|closing\s*balance|balance\s*[bc]/?f"
    r"|合計|小計|総計|前月繰越|次月繰越|繰越)\W*$",
    re.IGNORECASE,
)
# The first words of a line that ends the table: everything after it that fails as data is
# the bank's footer, until a good line shows the table going on (a page break).
FOOTER = re.compile(
    r"^\W*(statement\s+summary|account\s+summary|summary\s+of|generated\s+(on|by)"
    r"|legends?\b|abbreviations?\b|disclaimer|requesting\s+branch|page\s+\d+\s+of\s+\d+"
    r"|.*end\s+of\s+(the\s+)?statement|.*(computer|system)[\s-]+generated"
    r"|以上|取引明細終了)",
    re.IGNORECASE,
)
_RULE = re.compile(r"[\s*\-=_~.#|+]*")  # ******** or ------ between the header and the lines


def blank(row: list[object]) -> bool:
    """True when no cell of ``row`` holds anything."""
    return not any(v not in (None, "") for v in row)


def layout_row(row: list[object], header: list[object], in_footer: bool) -> str | None:
    """Why ``row``, which failed as data, is part of the file's layout: "blank", "rule",
    "header" (repeated at a page break), "total", "footer" (it starts or continues the block
    below the last line, as ``in_footer`` says) — or None for a real row with a problem."""
    texts = [v.strip() for v in row if isinstance(v, str) and v.strip()]
    if blank(row):
        return "blank"
    if len(texts) == sum(v not in (None, "") for v in row) and all(map(_RULE.fullmatch, texts)):
        return "rule"
    if in_footer or any(FOOTER.match(t) for t in texts[:3]):
        return "footer"
    if _repeats_header(row, header):
        return "header"
    if len(texts) <= 3 and any(SUMMARY.match(t) for t in texts):
        return "total"
    return None


def _repeats_header(row: list[object], header: list[object]) -> bool:
    named = [(normalise_header(h), c) for c, h in enumerate(header) if normalise_header(h)]
    same = sum(1 for name, c in named if c < len(row) and normalise_header(row[c]) == name)
    return same >= 2 and same * 2 >= len(named)
