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

# The browser fixtures, registered once here so the journeys and the load test share them.
pytest_plugins = ["tests.browser"]

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


PASSWORD = "correct horse battery"
TEAM = (
    ("asha", "Asha Rao", "lead"),
    ("priya", "Priya Shah", "collector"),
    ("ravi", "Ravi Iyer", "intern"),
)


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database for AppTest runs, with a lead, a collector and an intern."""
    from lib import users

    path = tmp_path / "app" / "kaishu.db"
    monkeypatch.setenv("KAISHU_DB", str(path))
    database = connect(path)
    lead = users.create_first_lead(database, "asha", "Asha Rao", PASSWORD)
    for username, name, role in TEAM[1:]:
        users.add_user(database, lead, username, name, role, PASSWORD)
    database.close()
    return path


def open_app(username: str | None, page: str | None = None, query: dict[str, str] | None = None):
    """Run the app as ``username`` (already signed in), optionally on ``page``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if username:
        role = {u: r for u, _, r in TEAM}.get(username, "lead")
        at.session_state["authentication_status"] = True
        at.session_state["username"] = username
        at.session_state["name"] = username
        at.session_state["roles"] = [role]
        at.session_state["logout"] = None
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at
