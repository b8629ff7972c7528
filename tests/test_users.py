"""Accounts: first-run set-up, roles, passwords, lockout, and the audit of every change."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from lib import users
from lib.auth import (
    Actor,
    PasswordRejected,
    PermissionDenied,
    check_password,
    cookie_key,
    password_matches,
    require,
)

GOOD = "correct horse battery"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def team(db):
    lead = users.create_first_lead(db, "asha", "Asha Rao", GOOD, "asha@example.com")
    users.add_user(db, lead, "priya", "Priya Shah", "collector", GOOD)
    users.add_user(db, lead, "ravi", "Ravi Iyer", "intern", GOOD)
    return lead


def test_first_run_creates_only_one_lead(db):
    assert users.user_count(db) == 0
    lead = users.create_first_lead(db, "Asha", "Asha Rao", GOOD)
    assert (lead.username, lead.role) == ("asha", "lead")
    with pytest.raises(PermissionDenied):
        users.create_first_lead(db, "mallory", "Mallory", GOOD)
    assert users.user_count(db) == 1


@pytest.mark.parametrize(
    "password,needle",
    [
        ("short", "at least 10"),
        ("あ" * 25, "72 bytes"),
        ("x" * 73, "72 bytes"),
        (" leading space ok?", "space"),
    ],
)
def test_password_rules_explain_themselves(password, needle):
    with pytest.raises(PasswordRejected, match=needle):
        check_password(password)


def test_72_bytes_exactly_is_accepted_and_checked(db, team):
    password = "あ" * 24  # 72 bytes
    users.reset_password(db, team, "priya", password)
    assert password_matches(password, users.get_user(db, "priya")["password_hash"])
    assert not password_matches("あ" * 23 + "い", users.get_user(db, "priya")["password_hash"])


def test_only_the_lead_manages_users(db, team):
    collector = users.actor_for(db, "priya")
    with pytest.raises(PermissionDenied):
        users.add_user(db, collector, "eve", "Eve", "lead", GOOD)
    with pytest.raises(PermissionDenied):
        users.set_role(db, collector, "priya", "lead")
    with pytest.raises(PermissionDenied):
        users.reset_password(db, users.actor_for(db, "ravi"), "asha", GOOD)


def test_role_change_takes_effect_and_is_audited(db, team):
    users.set_role(db, team, "ravi", "collector")
    assert users.actor_for(db, "ravi").role == "collector"
    entry = next(db.query("SELECT * FROM audit_log WHERE action = 'change role'"))
    assert json.loads(entry["before"]) == {"role": "intern"}
    assert entry["username"] == "asha"


def test_password_hashes_never_reach_the_audit_log(db, team):
    users.reset_password(db, team, "priya", "another good one")
    text = " ".join(str(r) for r in db.query("SELECT before, after FROM audit_log"))
    assert "$2b$" not in text and "another good one" not in text


def test_deactivated_user_cannot_act_or_sign_in(db, team):
    users.set_active(db, team, "ravi", False)
    assert users.actor_for(db, "ravi") is None
    assert "ravi" not in users.authenticator_credentials(db, NOW)["usernames"]
    users.set_active(db, team, "ravi", True)
    assert users.actor_for(db, "ravi").role == "intern"


def test_the_last_lead_cannot_be_removed(db, team):
    with pytest.raises(users.UserError, match="only active lead"):
        users.set_active(db, team, "asha", False)
    with pytest.raises(users.UserError, match="only active lead"):
        users.set_role(db, team, "asha", "collector")
    users.set_role(db, team, "priya", "lead")
    users.set_role(db, team, "asha", "collector")


def test_five_failures_lock_the_account_for_a_while(db, team):
    for attempt in range(4):
        assert users.record_failed_login(db, "priya", NOW + timedelta(seconds=attempt)) is None
    until = users.record_failed_login(db, "priya", NOW + timedelta(seconds=5))
    assert until == NOW + timedelta(seconds=5, minutes=15)
    creds = users.authenticator_credentials(db, NOW + timedelta(minutes=1))
    assert creds["usernames"]["priya"]["failed_login_attempts"] == 5
    later = NOW + timedelta(minutes=30)
    assert (
        users.authenticator_credentials(db, later)["usernames"]["priya"]["failed_login_attempts"]
        == 0
    )
    assert users.record_failed_login(db, "priya", later) is None  # the count starts again
    assert users.get_user(db, "priya")["failed_logins"] == 1


def test_reset_password_lifts_the_lock(db, team):
    for i in range(5):
        users.record_failed_login(db, "priya", NOW + timedelta(seconds=i))
    users.reset_password(db, team, "priya", "a fresh password")
    row = users.get_user(db, "priya")
    assert (row["failed_logins"], row["locked_until"]) == (0, None)


def test_usernames_are_checked(db, team):
    for bad in ("a", "Has Space", "<script>", "x" * 41):
        with pytest.raises(users.UserError):
            users.add_user(db, team, bad, "Someone", "intern", GOOD)
    with pytest.raises(users.UserError, match="taken"):
        users.add_user(db, team, "PRIYA", "Priya Again", "intern", GOOD)


def test_credentials_are_a_fresh_dict_each_time(db, team):
    first = users.authenticator_credentials(db, NOW)
    first["usernames"]["priya"]["failed_login_attempts"] = 3
    assert (
        users.authenticator_credentials(db, NOW)["usernames"]["priya"]["failed_login_attempts"] == 0
    )
    assert first["usernames"]["asha"]["roles"] == ["lead"]


def test_cookie_key_is_generated_once_and_private(tmp_path):
    path = tmp_path / "data" / ".cookie_key"
    key = cookie_key(path)
    assert len(key) >= 48 and cookie_key(path) == key
    assert path.stat().st_mode & 0o077 == 0


def test_require_names_the_role_and_the_action():
    with pytest.raises(PermissionDenied, match="Interns may not import"):
        require(Actor("ravi", "intern"), "import")
    with pytest.raises(ValueError):
        require(Actor("asha", "lead"), "fly")
