"""Users page (lead): add a teammate, change a role, reset a password, deactivate."""

from __future__ import annotations

from conftest import open_app

from lib import users
from lib.auth import password_matches
from lib.db import connect


def field(at, label):
    return next(t for t in at.text_input if t.label == label)


def test_lead_adds_a_teammate(app_db):
    at = open_app("asha", "pages/users_page.py")
    field(at, "Username").input("Meera")
    field(at, "Full name").input("Meera Nair")
    field(at, "First password").input("a long first password")
    next(b for b in at.button if b.label == "Add user").click().run()
    assert not at.exception
    row = users.get_user(connect(app_db), "meera")
    assert (row["name"], row["role"]) == ("Meera Nair", "collector")
    assert "meera" in set(at.dataframe[0].value["Username"])


def test_too_long_password_is_refused_with_the_reason(app_db):
    at = open_app("asha", "pages/users_page.py")
    field(at, "Username").input("meera")
    field(at, "Full name").input("Meera Nair")
    field(at, "First password").input("パスワード" * 6)
    next(b for b in at.button if b.label == "Add user").click().run()
    assert any("72 bytes" in e.value for e in at.error)
    assert users.get_user(connect(app_db), "meera") is None


def test_lead_changes_role_resets_password_and_deactivates(app_db):
    at = open_app("asha", "pages/users_page.py")
    at.selectbox[1].select("ravi").run()
    at.selectbox(key="new_role").select("collector").run()
    field(at, "New password (leave empty to keep)").input("brand new password")
    at.toggle[0].set_value(False).run()
    next(b for b in at.button if b.label == "Apply changes").click().run()
    assert not at.exception
    row = users.get_user(connect(app_db), "ravi")
    assert (row["role"], row["active"]) == ("collector", 0)
    assert password_matches("brand new password", row["password_hash"])


def test_only_the_lead_opens_users(app_db):
    for who in ("priya", "ravi"):
        at = open_app(who, "pages/users_page.py")
        assert any("can't open Users" in e.value for e in at.error)
        assert not at.button or all(b.label != "Add user" for b in at.button)
