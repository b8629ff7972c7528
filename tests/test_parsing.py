"""Tests for lib.parsing: every accepted cell form, the refusals and their reasons, and fuzzing
that each parser answers with its own type or ParseError, whatever it is given."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.money import decimal_text, format_money, units_text
from lib.parsing import (
    ParseError,
    infer_date_order,
    parse_amount,
    parse_bool,
    parse_date,
    parse_int,
    parse_ledger_amount,
    parse_text,
)

CURRENCIES = ["JPY", "INR", "USD"]
ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
EXCEL_EPOCH = dt.date(1899, 12, 30)

# ------------------------------------------------------------------------------------ amounts


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        # numbers from calamine
        (1234.0, "JPY", 1234),
        (55.94, "USD", 5594),
        (1234567.89, "INR", 123456789),
        (-0.01, "INR", -1),
        (-0.0, "JPY", 0),
        (0.1 + 0.2, "INR", 30),  # float noise from a formula
        (1100.0000000000002, "JPY", 1100),
        (12345678901.23, "INR", 1234567890123),
        (1234, "JPY", 1234),
        (1234, "INR", 123400),
        (-7, "USD", -700),
        (Decimal("1.50"), "INR", 150),
        (Decimal("1234.000"), "JPY", 1234),
        (Decimal("-2E+3"), "JPY", -2000),
        (Decimal("0E-30"), "JPY", 0),
        # plain text
        ("1234", "JPY", 1234),
        ("1234", "INR", 123400),
        ("  1234.5  ", "INR", 123450),
        ("0.05", "USD", 5),
        (".5", "USD", 50),
        ("5.", "USD", 500),
        ("-0", "JPY", 0),
        ("000123", "JPY", 123),
        # grouping
        ("1,234,567.89", "INR", 123456789),
        ("1,23,456.78", "INR", 12345678),
        ("12,34,567", "INR", 123456700),
        ("1,234", "JPY", 1234),
        ("1 234", "JPY", 1234),
        ("1 234 567.50", "USD", 123456750),
        ("1\u00a0234", "JPY", 1234),  # no-break space, NFKC makes it a space
        # full width (NFKC)
        ("１２３", "JPY", 123),
        ("￥１，２３４", "JPY", 1234),
        ("１，２３４円", "JPY", 1234),
        ("－１，２３４", "JPY", -1234),
        # currency marks and codes, before or after, with or without a space
        ("¥1,234", "JPY", 1234),
        ("¥ 1,234", "JPY", 1234),
        ("￥1,234", "JPY", 1234),
        ("1,234円", "JPY", 1234),
        ("1,234 円", "JPY", 1234),
        ("JPY 1,234", "JPY", 1234),
        ("1,234JPY", "JPY", 1234),
        ("₹1,23,456.78", "INR", 12345678),
        ("Rs 1,234", "INR", 123400),
        ("Rs. 1,234.50", "INR", 123450),
        ("Rs.1,234", "INR", 123400),
        ("rs 10", "INR", 1000),
        ("INR 1,234.00", "INR", 123400),
        ("1,234.00 INR", "INR", 123400),
        ("₨ 100", "INR", 10000),  # the old rupee sign is "Rs" after NFKC
        ("$5.00", "USD", 500),
        ("5.00 USD", "USD", 500),
        ("usd5", "USD", 500),
        ("100 USD", "USD", 10000),  # the D of USD is not a debit mark
        # signs
        ("-5", "USD", -500),
        ("+5", "USD", 500),
        ("- 5", "USD", -500),
        ("−500", "JPY", -500),  # U+2212 minus sign
        ("1,234-", "JPY", -1234),
        ("1,234 -", "JPY", -1234),
        ("(1,234)", "JPY", -1234),
        ("( 1,234.50 )", "INR", -123450),
        ("(¥1,234)", "JPY", -1234),
        ("¥(1,234)", "JPY", -1234),
        ("△1,234", "JPY", -1234),
        ("▲1,234", "JPY", -1234),
        ("△ 1,234円", "JPY", -1234),
        ("-¥1,234", "JPY", -1234),
        ("¥-1,234", "JPY", -1234),
        ("-$5.00", "USD", -500),
        ("12,000 Cr", "INR", 1200000),
        ("12,000 CR", "INR", 1200000),
        ("12,000Cr", "INR", 1200000),
        ("12,000 C", "INR", 1200000),
        ("12,000.00Dr", "INR", -1200000),
        ("12,000.00 DR", "INR", -1200000),
        ("12,000 D", "INR", -1200000),
        ("12,000.00 Dr.", "INR", -1200000),
        ("INR 1,234.00 Dr", "INR", -123400),
        ("₹ 1,234.00 Cr", "INR", 123400),
        # extra decimals that are zeros
        ("1,234.00", "JPY", 1234),
        ("1.500", "INR", 150),
        ("1234.0000", "USD", 123400),
        # the largest accepted magnitudes
        ("999999999999999", "JPY", 999999999999999),
        ("9999999999999.99", "INR", 999999999999999),
        (999999999999999.0, "JPY", 999999999999999),
    ],
)
def test_parse_amount(value: object, currency: str, expected: int) -> None:
    assert parse_amount(value, currency) == expected


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n", "-", "—", "–", " - ", "－", "\u3000"])
def test_parse_amount_blank(value: object) -> None:
    assert parse_amount(value, "JPY") is None


@pytest.mark.parametrize(
    ("value", "currency", "reason"),
    [
        ("abc", "JPY", "not a number: 'abc'"),
        ("1,,2", "JPY", "not a number: '1,,2'"),
        (",12", "JPY", "not a number: ',12'"),
        ("12,", "JPY", "not a number"),
        ("1,2", "JPY", "not a number"),
        ("1234,567", "JPY", "not a number"),
        ("1,234,56", "INR", "not a number"),
        ("1.234.567", "JPY", "not a number"),
        ("1.234,56", "INR", "not a number"),
        ("12 34", "JPY", "not a number"),
        ("1e5", "JPY", "not a number"),
        ("0x10", "JPY", "not a number"),
        (".", "INR", "not a number"),
        ("¥", "JPY", "not a number"),
        ("5 apples", "JPY", "not a number"),
        ("1.005", "INR", "has 3 decimals; INR allows 2"),
        (1.005, "INR", "has 3 decimals; INR allows 2"),
        (Decimal("1.005"), "INR", "has 3 decimals; INR allows 2"),
        ("1,234.50", "JPY", "has 2 decimals; JPY allows 0"),
        ("1,234.5", "JPY", "has 1 decimal; JPY allows 0"),
        (1234.5, "JPY", "has 1 decimal; JPY allows 0"),
        (0.001, "USD", "has 3 decimals; USD allows 2"),
        (float("nan"), "JPY", "not a number: nan"),
        (float("inf"), "INR", "not a number: inf"),
        (float("-inf"), "INR", "not a number: -inf"),
        (Decimal("NaN"), "JPY", "not a number"),
        (Decimal("sNaN"), "JPY", "not a number"),
        (Decimal("Infinity"), "JPY", "not a number"),
        ("1234567890123456", "JPY", "too large (over 15 digits)"),
        ("12345678901234.00", "INR", "too large (over 15 digits)"),
        (1e15, "JPY", "too large"),
        (1e300, "INR", "too large"),
        (10**15, "JPY", "too large"),
        (10**13, "INR", "too large"),
        (Decimal("1E+15"), "JPY", "too large"),
        (
            "9" * 5000,
            "JPY",
            "too large (over 15 digits): '9999999999999999999999999999999999999999…'",
        ),
        ("x" * 5000, "JPY", "not a number: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'"),
        (True, "JPY", "not an amount: True"),
        (False, "JPY", "not an amount: False"),
        (b"12", "JPY", "not an amount: bytes"),
        (dt.date(2024, 4, 1), "JPY", "not an amount: date"),
        (object(), "JPY", "not an amount: object"),
        ("$5", "INR", "currency mark '$' is not INR"),
        ("¥100", "USD", "currency mark '¥' is not USD"),
        ("100円", "INR", "currency mark '円' is not INR"),
        ("Rs 100", "JPY", "is not JPY"),
        ("--5", "JPY", "more than one sign"),
        ("-(5)", "JPY", "more than one sign"),
        ("-5-", "JPY", "more than one sign"),
        ("(5) Dr", "INR", "more than one sign"),
        ("△-5", "JPY", "more than one sign"),
        ("100 USDD", "USD", "not a number"),
    ],
)
def test_parse_amount_refuses(value: object, currency: str, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_amount(value, currency)


def test_parse_amount_error_names_the_cell() -> None:
    with pytest.raises(ParseError) as caught:
        parse_amount("12.345", "INR")
    assert str(caught.value) == "has 3 decimals; INR allows 2: '12.345'"


@given(st.integers(-(10**15) + 1, 10**15 - 1), st.sampled_from(CURRENCIES))
def test_amount_round_trips_through_money_text(minor: int, currency: str) -> None:
    assert parse_amount(units_text(minor, currency), currency) == minor
    assert parse_amount(format_money(minor, currency), currency) == minor
    assert parse_amount(format_money(minor, currency, symbol=False), currency) == minor


def test_decimal_text_shifts_by_the_exponent_given() -> None:
    assert [decimal_text(5594, 2), decimal_text(-5, 2), decimal_text(597650, 0)] == [
        "55.94",
        "-0.05",
        "597650",
    ]


@given(st.integers(-(10**15) + 1, 10**15 - 1), st.sampled_from(CURRENCIES))
def test_amount_round_trips_through_a_float_cell(minor: int, currency: str) -> None:
    assert parse_amount(float(units_text(minor, currency)), currency) == minor
    assert parse_amount(Decimal(units_text(minor, currency)), currency) == minor


# -------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2024, 4, 1), "2024-04-01"),
        (dt.datetime(2024, 4, 1, 10, 15), "2024-04-01"),
        (45383.0, "2024-04-01"),
        (45383.75, "2024-04-01"),  # the time of day is dropped
        (45383, "2024-04-01"),
        (Decimal("45383.5"), "2024-04-01"),
        (32874.0, "1990-01-01"),
        (73415.0, "2100-12-31"),
        ("45383", "2024-04-01"),
        ("45383.0", "2024-04-01"),
        # ISO-like
        ("2024-04-01", "2024-04-01"),
        ("2024/04/01", "2024-04-01"),
        ("2024.4.1", "2024-04-01"),
        ("2024-4-1", "2024-04-01"),
        ("20240401", "2024-04-01"),
        ("2024-04-01 10:15:00", "2024-04-01"),
        ("2024-04-01T10:15", "2024-04-01"),
        ("2024-04-01T10:15:00.123+05:30", "2024-04-01"),
        ("2024-04-01T10:15:00Z", "2024-04-01"),
        # day first (the default order)
        ("01/04/2024", "2024-04-01"),
        ("1-4-2024", "2024-04-01"),
        ("01.04.2024", "2024-04-01"),
        ("01/04/24", "2024-04-01"),
        ("01/04/69", "2069-04-01"),
        ("01/04/99", "1999-04-01"),
        ("13/01/2024", "2024-01-13"),
        ("01/13/2024", "2024-01-13"),  # only month-day can be right
        ("01/04/2024 10:15", "2024-04-01"),
        ("01/04/2024 10:15:00 PM", "2024-04-01"),
        # month names
        ("01-Apr-2024", "2024-04-01"),
        ("1 Apr 2024", "2024-04-01"),
        ("01-APR-24", "2024-04-01"),
        ("1-apr-24", "2024-04-01"),
        ("01Apr2024", "2024-04-01"),
        ("1st April 2024", "2024-04-01"),
        ("30 Sept 2024", "2024-09-30"),
        ("Apr 1, 2024", "2024-04-01"),
        ("April 1 2024", "2024-04-01"),
        ("Apr. 1, 2024", "2024-04-01"),
        ("December 31st, 2099", "2099-12-31"),
        # Japanese
        ("2024年4月1日", "2024-04-01"),
        ("2024年04月01日", "2024-04-01"),
        ("２０２４年４月１日", "2024-04-01"),
        ("令和6年4月1日", "2024-04-01"),
        ("令和元年5月1日", "2019-05-01"),
        ("令和 6 年 4 月 1 日", "2024-04-01"),
        ("平成31年4月30日", "2019-04-30"),
        ("平成2年1月1日", "1990-01-01"),
        ("㋿6年4月1日", "2024-04-01"),  # the one-character era sign, NFKC makes it 令和
        ("R6.4.1", "2024-04-01"),
        ("R06/04/01", "2024-04-01"),
        ("R6/4/1", "2024-04-01"),
        ("R6-4-1", "2024-04-01"),
        ("H31.4.30", "2019-04-30"),
        ("r6.4.1", "2024-04-01"),
        ("Ｒ６．４．１", "2024-04-01"),
        ("令和6.4.1", "2024-04-01"),
        ("R6年4月1日", "2024-04-01"),
    ],
)
def test_parse_date(value: object, expected: str) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "dmy", "mdy"),
    [
        ("01/04/2024", "2024-04-01", "2024-01-04"),
        ("1-4-2024", "2024-04-01", "2024-01-04"),
        ("01.04.24", "2024-04-01", "2024-01-04"),
        ("13/01/2024", "2024-01-13", "2024-01-13"),
        ("01/13/2024", "2024-01-13", "2024-01-13"),
        ("2024-04-01", "2024-04-01", "2024-04-01"),
        ("R06/04/01", "2024-04-01", "2024-04-01"),
        ("01-Apr-2024", "2024-04-01", "2024-04-01"),
    ],
)
def test_parse_date_order_decides_only_ambiguous_dates(value: str, dmy: str, mdy: str) -> None:
    assert parse_date(value, "DMY") == dmy
    assert parse_date(value, order="MDY") == mdy


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_parse_date_blank(value: object) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("30/02/2024", "no such date: 30/02/2024"),
        ("29/02/2023", "no such date: 29/02/2023"),
        ("13/13/2024", "no such date: 13/13/2024"),
        ("2024-02-30", "no such date: 2024-02-30"),
        ("2024-13-01", "no such date"),
        ("20241301", "no such date"),
        ("31-Apr-2024", "no such date"),
        ("2024年2月30日", "no such date"),
        ("00/04/2024", "no such date"),
        ("1899-12-31", "date out of range (1990–2100): 1899-12-31"),
        ("2101-01-01", "date out of range (1990–2100): 2101-01-01"),
        ("01/04/75", "date out of range (1990–2100): 1975-04-01"),
        (dt.date(1989, 12, 31), "date out of range (1990–2100): 1989-12-31"),
        (dt.datetime(2200, 1, 1), "date out of range (1990–2100): 2200-01-01"),
        (1.0, "date out of range (1990–2100): 1899-12-31"),
        (0, "date out of range (1990–2100): 1899-12-30"),
        (-5.5, "date out of range (1990–2100): 1899-12-24"),
        (1234567.0, "date out of range (1990–2100)"),
        (1e300, "date out of range (1990–2100): Excel serial number"),
        (Decimal("1E+999999"), "date out of range"),
        ("12345", "date out of range (1990–2100): 1933-10-18"),
        (float("nan"), "not a date: nan"),
        (float("inf"), "not a date: inf"),
        (Decimal("sNaN"), "not a date: sNaN"),
        (True, "not a date: True"),
        (b"2024-04-01", "not a date: bytes"),
        (dt.time(10, 15), "not a date: time"),
        (object(), "not a date: object"),
        ("abc", "not a date: 'abc'"),
        ("2024-04-01-", "not a date"),
        ("Foo 1, 2024", "not a date"),
        ("1234567", "not a date"),
        ("01/04/2024/5", "not a date"),
        ("x" * 1000, "not a date"),
        ("令和1年4月30日", "not a 令和 date (from 2019-05-01): 令和1年4月30日"),
        ("R1.4.30", "not a 令和 date"),
        ("平成31年5月1日", "not a 平成 date (1989-01-08 to 2019-04-30)"),
        ("H32.1.1", "not a 平成 date"),
        ("令和0年5月1日", "not a 令和 date"),
        ("昭和64年1月8日", "not a 昭和 date"),
        ("昭和60年1月1日", "date out of range (1990–2100): 1985-01-01"),
        ("令和6年2月30日", "no such date: 令和6年2月30日"),
    ],
)
def test_parse_date_refuses(value: object, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_date(value)


def test_parse_date_rejects_an_unknown_order() -> None:
    with pytest.raises(ValueError, match="date order"):
        parse_date("01/04/2024", "YMD")


def test_parse_date_does_not_cache_across_orders() -> None:
    assert parse_date("02/03/2024", "DMY") == "2024-03-02"
    assert parse_date("02/03/2024", "MDY") == "2024-02-03"
    assert parse_date("02/03/2024", "DMY") == "2024-03-02"


dates_in_range = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))


@given(dates_in_range)
def test_date_round_trips(d: dt.date) -> None:
    iso = d.isoformat()
    serial = (d - EXCEL_EPOCH).days
    assert parse_date(iso) == iso
    assert parse_date(d.strftime("%d/%m/%Y"), "DMY") == iso
    assert parse_date(d.strftime("%m/%d/%Y"), "MDY") == iso
    assert parse_date(d.strftime("%d-%b-%Y")) == iso
    assert parse_date(d.strftime("%Y%m%d")) == iso
    assert parse_date(float(serial)) == iso
    assert parse_date(serial + 0.999) == iso
    assert parse_date(serial) == iso
    assert parse_date(d) == iso
    assert parse_date(dt.datetime.combine(d, dt.time(23, 59))) == iso


@given(st.dates(dt.date(2019, 5, 1), dt.date(2100, 12, 31)))
def test_reiwa_dates_round_trip(d: dt.date) -> None:
    year = d.year - 2018
    kanji_year = "元" if year == 1 else str(year)
    assert parse_date(f"令和{kanji_year}年{d.month}月{d.day}日") == d.isoformat()
    assert parse_date(f"R{year}.{d.month}.{d.day}") == d.isoformat()
    assert parse_date(f"R{year:02d}/{d.month:02d}/{d.day:02d}") == d.isoformat()


@given(st.dates(dt.date(1990, 1, 1), dt.date(2019, 4, 30)))
def test_heisei_dates_round_trip(d: dt.date) -> None:
    assert parse_date(f"平成{d.year - 1988}年{d.month}月{d.day}日") == d.isoformat()
    assert parse_date(f"H{d.year - 1988}.{d.month}.{d.day}") == d.isoformat()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["13/01/2024", "01/02/2024"], "DMY"),
        (["01/13/2024", "01/02/2024"], "MDY"),
        (["31-12-2024"], "DMY"),
        (["12.31.2024"], "MDY"),
        (["1/2/24", "25/2/24"], "DMY"),
        (["01/02/2024", "03/04/2024"], None),  # all ambiguous: the caller's default decides
        ([], None),
        (["13/01/2024", "01/13/2024"], None),  # tied evidence
        (["13/01/2024", "14/01/2024", "01/13/2024"], "DMY"),  # the majority wins
        (["01/13/2024", "01/14/2024", "13/01/2024"], "MDY"),
        ([45383.0, dt.date(2024, 1, 13), None, "13/01/2024"], "DMY"),  # non-text ignored
        (["2024-01-13", "13-Jan-2024", "R6.1.13", ""], None),  # not shaped a/b/y
        (["13/13/2024"], None),
        (["１３/０１/２０２４"], "DMY"),
        (["13/01/2024 10:15"], "DMY"),
        (iter(["01/13/2024"]), "MDY"),  # any iterable, read once
    ],
)
def test_infer_date_order(values: list[object], expected: str | None) -> None:
    assert infer_date_order(values) == expected


# -------------------------------------------------------------------------------- other cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Yamada Shoji  ", "Yamada Shoji"),
        ("ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ"),  # half-width kana kept as written
        ("ＡＢＣ", "ＡＢＣ"),  # no NFKC
        ("株式会社　山田", "株式会社　山田"),
        ("a\tb", "a\tb"),
        ("a\x00b\x1bc\x7fd\x85e", "abcde"),
        ("line1\nline2\r\n", "line1line2"),
        ("\ufeffName", "Name"),
        ("\u200bName\u200b", "Name"),
        ("नमस्ते", "नमस्ते"),  # combining marks are not control characters
        (1234.0, "1234"),
        (-0.0, "0"),
        (919876543210.0, "919876543210"),
        (1.5, "1.5"),
        (0.1, "0.1"),
        (1e-07, "1e-07"),
        (12, "12"),
        (Decimal("1.50"), "1.5"),
        (Decimal("100"), "100"),
        (Decimal("100.00"), "100"),
        (True, "TRUE"),
        (False, "FALSE"),
        (dt.date(2024, 4, 1), "2024-04-01"),
        (dt.datetime(2024, 4, 1), "2024-04-01"),
        (dt.datetime(2024, 4, 1, 10, 15), "2024-04-01 10:15:00"),
        (dt.time(10, 15), "10:15:00"),
    ],
)
def test_parse_text(value: object, expected: str) -> None:
    assert parse_text(value) == expected


@pytest.mark.parametrize("value", [None, "", "  ", "\x00", "\n\t", "\ufeff"])
def test_parse_text_blank(value: object) -> None:
    assert parse_text(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (float("nan"), "not a value: nan"),
        (float("inf"), "not a value: inf"),
        (Decimal("NaN"), "not a value: NaN"),
        (b"abc", "not text: bytes"),
        (object(), "not text: object"),
        (1e300, "not text: 1e+300"),
        pytest.param(10**5000, "not text: a number of more than 64 digits", id="huge-int"),
    ],
)
def test_parse_text_refuses(value: object, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_text(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *[(v, True) for v in ["Yes", "YES", "y", "Y", "True", "TRUE", "t", "1", " yes "]],
        *[(v, False) for v in ["No", "NO", "n", "N", "False", "false", "f", "0"]],
        *[
            (v, True)
            for v in ["有", "有り", "あり", "はい", "○", "◯", "〇", "disputed", "Disputed"]
        ],
        *[(v, False) for v in ["無", "無し", "なし", "いいえ", "×", "✕", "—", "–", "-"]],
        ("ＹＥＳ", True),
        ("ｎｏ", False),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (1.0, True),
        (0.0, False),
        (Decimal("1"), True),
    ],
)
def test_parse_bool(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_bool_blank(value: object) -> None:
    assert parse_bool(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("maybe", "not yes/no: 'maybe'"),
        ("2", "not yes/no: '2'"),
        (2, "not yes/no: 2"),
        (0.5, "not yes/no: 0.5"),
        (float("nan"), "not yes/no: nan"),
        (Decimal("sNaN"), "not yes/no: sNaN"),
        (b"1", "not yes/no: bytes"),
        (dt.date(2024, 4, 1), "not yes/no: date"),
    ],
)
def test_parse_bool_refuses(value: object, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_bool(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("30", 30),
        (30.0, 30),
        (30, 30),
        (Decimal("30"), 30),
        ("30 days", 30),
        ("30 Days", 30),
        ("1 day", 1),
        ("30days", 30),
        ("30d", 30),
        ("30日", 30),
        ("３０日", 30),
        ("Net 30", 30),
        ("net30", 30),
        ("30.0", 30),
        ("1,000", 1000),
        ("-5", -5),
        ("+5", 5),
        ("007", 7),
        ("0", 0),
    ],
)
def test_parse_int(value: object, expected: int) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_int_blank(value: object) -> None:
    assert parse_int(value) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("abc", "not a whole number: 'abc'"),
        ("30.5", "not a whole number: '30.5'"),
        (30.5, "not a whole number: 30.5"),
        (Decimal("30.5"), "not a whole number: 30.5"),
        ("1,00", "not a whole number"),
        ("30 weeks", "not a whole number"),
        ("1234567890123456", "not a whole number"),
        (1e15, "not a whole number"),
        (float("nan"), "not a whole number: nan"),
        (float("-inf"), "not a whole number: -inf"),
        (Decimal("sNaN"), "not a whole number: sNaN"),
        (True, "not a whole number: True"),
        (b"30", "not a whole number: bytes"),
        pytest.param(10**5000, "not a whole number: a number of more than 64 digits", id="huge"),
    ],
)
def test_parse_int_refuses(value: object, reason: str) -> None:
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_int(value)


# ------------------------------------------------------------------------------------ fuzzing

any_cell = st.one_of(
    st.text(),
    st.floats(),
    st.integers(),
    st.none(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.binary(),
    st.decimals(),
    st.times(),
    st.builds(object),
    st.text(alphabet="0123456789,.-+ ()¥￥円₹$RsINRJPYUSDCrDr△▲１２３，．").map(str.strip),
    st.text(alphabet="0123456789/-.年月日令和平成元RHAprJan: T"),
)


def _answers(parser: Callable[[object], object], value: object, *types: type) -> None:
    try:
        result = parser(value)
    except ParseError as exc:
        assert str(exc)
        return
    assert result is None or type(result) in types, (value, result)


@given(any_cell, st.sampled_from(CURRENCIES))
def test_parse_amount_answers_int_or_parse_error(value: object, currency: str) -> None:
    _answers(lambda v: parse_amount(v, currency), value, int)


@given(any_cell, st.sampled_from(CURRENCIES))
def test_a_ledger_amount_is_the_statement_amount_or_its_opposite(value: object, currency: str):
    _answers(lambda v: parse_ledger_amount(v, currency), value, int)
    try:
        statement = parse_amount(value, currency)
    except ParseError:
        return
    assert parse_ledger_amount(value, currency) in (statement, -statement if statement else None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,18,000.00 Dr", 11_800_000),  # Tally: the customer owes it
        ("5,000.00 Cr", -500_000),  # a credit to the customer: an advance or a credit note
        ("5,000 cr.", -500_000),
        ("１，０００ Ｄｒ", 100_000),
        ("(1,234.00)", -123_400),  # brackets keep their meaning
        ("59,000.00", 5_900_000),
        (59000.0, 5_900_000),
        ("-", None),
    ],
)
def test_ledger_amounts_read_dr_and_cr_as_bookkeeping(value: object, expected: int | None):
    assert parse_ledger_amount(value, "INR") == expected


@given(any_cell, st.sampled_from(["DMY", "MDY"]))
def test_parse_date_answers_iso_or_parse_error(value: object, order: str) -> None:
    try:
        result = parse_date(value, order)
    except ParseError:
        return
    assert result is None or (type(result) is str and ISO.fullmatch(result)), (value, result)
    assert result is None or "1990-01-01" <= result <= "2100-12-31"


@given(any_cell)
def test_parse_text_answers_str_or_parse_error(value: object) -> None:
    _answers(parse_text, value, str)


@given(any_cell)
def test_parse_bool_answers_bool_or_parse_error(value: object) -> None:
    _answers(parse_bool, value, bool)


@given(any_cell)
def test_parse_int_answers_int_or_parse_error(value: object) -> None:
    _answers(parse_int, value, int)


@given(st.lists(any_cell))
def test_infer_date_order_answers_an_order_or_none(values: list[object]) -> None:
    assert infer_date_order(values) in ("DMY", "MDY", None)
