"""Shared fixtures: a fresh database per test, the three roles, and inline spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlite_utils import Database

from lib.auth import Actor
from lib.db import connect

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parent / "samples"  # copied unchanged from ../shared


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A migrated database file of its own (WAL needs a file, not :memory:)."""
    database = connect(tmp_path / "kaishu.db")
    yield database
    database.close()


@pytest.fixture
def lead() -> Actor:
    return Actor("lead1", "lead", name="Asha Lead")


@pytest.fixture
def collector() -> Actor:
    return Actor("priya", "collector", name="Priya Collector")


@pytest.fixture
def intern() -> Actor:
    return Actor("ravi", "intern", name="Ravi Intern")


def xlsx_bytes(
    rows: Sequence[Sequence[object]],
    sheet: str = "Sheet1",
    extra_sheets: dict[str, Sequence[Sequence[object]]] | None = None,
) -> bytes:
    """A workbook written inline by a test: one sheet of ``rows`` (and optional others)."""
    book = Workbook()
    first = book.active
    first.title = sheet
    for row in rows:
        first.append(list(row))
    for name, other in (extra_sheets or {}).items():
        ws = book.create_sheet(name)
        for row in other:
            ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[object]], encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    """A CSV written inline by a test, in the given encoding."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)
