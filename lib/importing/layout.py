"""Rows that are the file's layout, not its data: blank and rule lines, the header repeated at
a page break, totals, and the block a bank prints below its last line (HDFC's "STATEMENT
SUMMARY", "Generated On", legends, "End of statement").

Only a row that has already failed as data is asked about, so a real line is never lost to
these rules: at worst a layout row the rules miss is rejected with its reason.
"""

from __future__ import annotations

import re

SUMMARY = re.compile(
    r"^\W*(grand\s*total|sub\s*total|total|opening\s*balance|closing\s*balance|balance\s*[bc]/?f"
    r"|合計|小計|総計|前月繰越|次月繰越|繰越)\W*$",
    re.IGNORECASE,
)
# Words that open a line ending the table, or that it holds anywhere: everything after it
# that fails as data is the bank's footer, until a good line shows the table going on (a
# page break).
FOOTER = re.compile(
    r"^\W*(statement\s+summary|account\s+summary|summary\s+of|generated\s+(on|by)"
    r"|legends?\b|abbreviations?\b|disclaimer|requesting\s+branch|page\s+\d+\s+of\s+\d+"
    r"|以上|取引明細終了)|end\s+of\s+(the\s+)?statement|(computer|system)[\s-]+generated",
    re.IGNORECASE,
)
_RULE = re.compile(r"[\s*\-=_~.#|+]*")  # ******** or ------ between the header and the lines


def blank(row: list[object]) -> bool:
    """True when no cell of ``row`` holds anything."""
    return not any(v not in (None, "") for v in row)


def _numbers(row: list[object]) -> bool:
    return any(v not in (None, "") and v.__class__ is not str for v in row)


class Layout:
    """The layout rules for the rows below one header row (normalised once per file)."""

    def __init__(self, header: list[object]) -> None:
        # A header repeated at a page break is a copy of the first: compared as written.
        named = ((str(h).strip().casefold(), c) for c, h in enumerate(header) if h)
        self.named = [(name, c) for name, c in named if name]

    def why(self, row: list[object], in_footer: bool) -> str | None:
        """Why ``row``, which failed as data, is part of the file's layout: "blank", "rule",
        "footer" (it starts or, as ``in_footer`` says, continues the block below the last
        line), "header" (repeated at a page break), "total" — or None for a real row with a
        problem."""
        if blank(row):
            return "blank"
        texts = [t for t in (v.strip() for v in row if v.__class__ is str) if t]
        if texts and all(map(_RULE.fullmatch, texts)) and not _numbers(row):
            return "rule"
        if in_footer or any(map(FOOTER.search, texts[:3])):
            return "footer"
        if self._repeats_header(row):
            return "header"
        if len(texts) <= 3 and any(SUMMARY.match(t) for t in texts):
            return "total"
        return None

    def _repeats_header(self, row: list[object]) -> bool:
        width, same = len(row), 0
        for name, c in self.named:
            cell = row[c] if c < width else None
            same += cell.__class__ is str and cell.strip().casefold() == name
        return same >= 2 and same * 2 >= len(self.named)
