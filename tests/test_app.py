"""The router and the sign-in gate: first run, sign-in, lockout, roles and page guards."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, ROOT, open_app
from streamlit.testing.v1 import AppTest

from lib import users
from lib.auth import Actor
from lib.db import connect
from lib.ui.nav import PAGES, visible_pages

PROTECTED = {
    "pages/upload_page.py": "collector",
    "pages/reminders_page.py": "collector",
    "pages/policy_page.py": "lead",
    "pages/users_page.py": "lead",
    "pages/audit_page.py": "lead",
    "pages/backups_page.py": "lead",
    "pages/bad_debt_page.py": "lead",
    "pages/recovery_settings_page.py": "lead",
}


def fresh_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, at.exception
    return at


def test_first_run_creates_the_lead_then_asks_to_sign_in(tmp_path, monkeypatch):
    path = tmp_path / "first" / "kaishu.db"
    monkeypatch.setenv("KAISHU_DB", str(path))
    at = fresh_app()
    assert "Welcome to Kaishu" in at.title[0].value
    for field, value in zip(
        at.text_input, ["asha", "Asha Rao", "", PASSWORD, PASSWORD], strict=True
    ):
        field.input(value)
    at.button[0].click().run()
    assert not at.exception
    assert any("Account created" in s.value for s in at.success)
    assert not at.title and at.button[0].label == "Sign in"  # the set-up form is gone
    db = connect(path)
    assert [(u["username"], u["role"]) for u in users.list_users(db)] == [("asha", "lead")]
    assert (path.parent / ".cookie_key").exists()
    again = fresh_app()
    assert not again.title and "Sign in" in again.button[0].label  # no set-up a second time


def test_first_run_refuses_mismatched_or_short_passwords(tmp_path, monkeypatch):
    monkeypatch.setenv("KAISHU_DB", str(tmp_path / "kaishu.db"))
    at = fresh_app()
    for field, value in zip(at.text_input, ["asha", "Asha", "", "short", "short"], strict=True):
        field.input(value)
    at.button[0].click().run()
    assert any("at least 10" in e.value for e in at.error)
    assert users.user_count(connect(tmp_path / "kaishu.db")) == 0


def test_sign_in_with_the_right_password_opens_today(app_db):
    at = sign_in(fresh_app(), "priya", PASSWORD)
    assert at.session_state["authentication_status"] is True
    assert at.title[0].value == "Today"


def test_wrong_password_is_refused_and_five_lock_the_account(app_db):
    at = fresh_app()
    for _ in range(4):
        sign_in(at, "priya", "wrong password!")
        assert any("Wrong username or password" in e.value for e in at.error)
    sign_in(at, "priya", "wrong password!")
    assert any("locked until" in e.value for e in at.error)
    row = users.get_user(connect(app_db), "priya")
    assert row["failed_logins"] == 5 and row["locked_until"]
    locked = sign_in(fresh_app(), "priya", PASSWORD)  # even the right password waits
    assert locked.session_state["authentication_status"] is not True
    assert any("locked" in e.value for e in locked.error)


REPORTS = {"Aging", "Meeting", "Expected collections"}  # read-only: every role


@pytest.mark.parametrize(
    "role,expected",
    [
        (
            "lead",
            {
                "Today",
                "Home",
                "Clients",
                "Aging",
                "Meeting",
                "Expected collections",
                "Matching",
                "Upload",
                "Reminders",
                "Recovery",
                "Bad-debt report",
                "Reminder policy",
                "Recovery settings",
                "Report settings",
                "Users",
                "Audit log",
                "Backups",
            },
        ),
        (
            "collector",
            {"Today", "Home", "Clients", "Matching", "Upload", "Reminders", "Recovery"} | REPORTS,
        ),
        ("intern", {"Today", "Home", "Clients", "Matching", "Recovery"} | REPORTS),
    ],
)
def test_navigation_shows_only_what_the_role_may_use(role, expected):
    assert {p.title for p in visible_pages(Actor("x", role))} == expected
    assert visible_pages(None) == []


@pytest.mark.parametrize("page,least", PROTECTED.items())
def test_pages_opened_directly_refuse_roles_below_them(app_db, page, least):
    order = ["intern", "collector", "lead"]
    for username, role in (("ravi", "intern"), ("priya", "collector"), ("asha", "lead")):
        at = open_app(username, page)
        refused = any("can't open" in e.value for e in at.error)
        assert refused == (order.index(role) < order.index(least)), (page, role)


def test_every_page_runs_for_the_lead_without_error(app_db):
    for spec in PAGES:
        at = open_app("asha", spec.path)
        assert at.title, spec.path


def test_deactivated_user_is_signed_out_at_the_next_click(app_db):
    db = connect(app_db)
    users.set_active(db, users.actor_for(db, "asha"), "ravi", False)
    at = open_app("ravi")
    assert any("no longer active" in e.value for e in at.error)
    assert not at.title


def test_role_change_applies_on_the_next_run(app_db):
    db = connect(app_db)
    assert any("can't open" in e.value for e in open_app("ravi", "pages/upload_page.py").error)
    users.set_role(db, users.actor_for(db, "asha"), "ravi", "collector")
    assert not open_app("ravi", "pages/upload_page.py").error
