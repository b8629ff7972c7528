"""Cell parsers for the spreadsheet and CSV importers.

Cells arrive from python-calamine (float, str, date, datetime, bool, '' when empty) or from CSV
(always str). Each parser returns None for a blank cell, a clean value for a good one, and raises
:class:`ParseError` with a short reason for anything else. Money comes back as int minor units,
dates as ISO ``YYYY-MM-DD`` text. The importer calls these about a million times per file, so the
common cell types are tested first and the regexes are compiled once.
"""

from lib.parsing.amounts import parse_amount, parse_ledger_amount
from lib.parsing.cells import parse_bool, parse_int, parse_text
from lib.parsing.common import DATE_ORDERS, MAX_DIGITS, MAX_YEAR, MIN_YEAR, ParseError
from lib.parsing.dates import infer_date_order, parse_date

__all__ = [
    "DATE_ORDERS",
    "MAX_DIGITS",
    "MAX_YEAR",
    "MIN_YEAR",
    "ParseError",
    "infer_date_order",
    "parse_amount",
    "parse_bool",
    "parse_date",
    "parse_int",
    "parse_ledger_amount",
    "parse_text",
]
