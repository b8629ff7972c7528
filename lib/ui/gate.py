"""The sign-in gate: first-run set-up, the login form, lockout, and sign-out.

streamlit-authenticator draws the form and keeps the session cookie. Its credentials are a
fresh dict built from the users table on every run (the library mutates what it is given);
comparing the failure counts before and after its check tells which account just failed, so
the lockout lives in the database where every server process sees it.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from lib import users
from lib.auth import ROLE_LABELS, Actor, PasswordRejected, cookie_key, locked_until
from lib.db import db_path
from lib.ui.context import db, set_actor
from lib.ui.format import plain

COOKIE_NAME = "kaishu_session"
SESSION_DAYS = 0.5  # a working day; the cookie then expires and the user signs in again
# An open tab keeps its session past the cookie, so the session itself ends too: after a
# working day from sign-in, or after two idle hours (a shared desk left signed in).
SESSION_LIMIT = timedelta(days=SESSION_DAYS)
IDLE_LIMIT = timedelta(hours=2)


def _first_run() -> None:
    st.title("Welcome to Kaishu 回収")
    st.write(
        "No one has an account yet. Create the lead's account: the lead then adds the "
        "collectors and interns on the Users page."
    )
    with st.form("first_run"):
        username = st.text_input("Username", placeholder="e.g. asha")
        name = st.text_input("Full name")
        email = st.text_input("Email (optional)")
        password = st.text_input("Password", type="password", help="10 characters to 72 bytes")
        repeat = st.text_input("Repeat password", type="password")
        submitted = st.form_submit_button("Create lead account", type="primary")
    if not submitted:
        return
    if password != repeat:
        st.error("The two passwords differ. Type them again.")
        return
    try:
        users.create_first_lead(db(), username, name, password, email or None)
    except (users.UserError, PasswordRejected) as exc:
        st.error(f"Could not create the account: {plain(exc)}.")
        return
    except PermissionError:
        st.warning("Someone has just created the first account. Sign in instead.")
    st.session_state["kaishu_flash"] = "Account created. Sign in with it now."
    st.rerun()


def _authenticator(credentials: dict) -> stauth.Authenticate:
    return stauth.Authenticate(
        credentials,
        cookie_name=COOKIE_NAME,
        cookie_key=cookie_key(db_path().parent / ".cookie_key"),
        cookie_expiry_days=SESSION_DAYS,
        auto_hash=False,
        login_sleep_time=0,
    )


def _note_failures(before: dict, after: dict) -> str | None:
    """Persist failures the authenticator just counted; return a lock message if any."""
    message = None
    for username, entry in after["usernames"].items():
        if (
            entry.get("failed_login_attempts", 0)
            > before["usernames"][username]["failed_login_attempts"]
        ):
            until = users.record_failed_login(db(), username, datetime.now(UTC))
            if until:
                message = _lock_text(until)
    return message


def _lock_text(until: datetime) -> str:
    local = until.astimezone().strftime("%H:%M")
    return (
        f"Too many failed sign-ins: this account is locked until {local}. "
        "Wait, or ask the lead to reset the password."
    )


def _on_login(details: dict) -> None:
    users.record_login(db(), details["username"])


def signed_in() -> Actor | None:
    """The signed-in actor for this run, or None after drawing set-up or the sign-in form."""
    if users.user_count(db()) == 0:
        _first_run()
        return None
    credentials = users.authenticator_credentials(db())
    before = copy.deepcopy(credentials)
    authenticator = _authenticator(credentials)
    lock_message = None
    signed = st.session_state.get("authentication_status")
    box = st.container() if signed else st.columns([1, 2, 1])[1]
    if not signed and st.session_state.get("kaishu_flash"):
        # Kept until sign-in: the cookie component reruns the script right after a load.
        box.success(st.session_state["kaishu_flash"])
    try:
        with box:
            authenticator.login(
                location="main",
                key="Login",
                callback=_on_login,
                max_login_attempts=users.MAX_FAILED_LOGINS,
                fields={
                    "Form name": "Sign in to Kaishu 回収",
                    "Username": "Username",
                    "Password": "Password",
                    "Login": "Sign in",
                },
            )
    except LoginError as exc:
        lock_message = _login_error(str(exc))
    lock_message = _note_failures(before, credentials) or lock_message
    status = st.session_state.get("authentication_status")
    if status is False or lock_message:
        box.error(lock_message or "Wrong username or password.")
    if not status:
        box.caption("Forgotten your password? The lead can reset it on the Users page.")
        return None
    current = users.actor_for(db(), st.session_state.get("username") or "")
    if current is None:
        authenticator.logout(location="unrendered")
        st.error("This account is no longer active. Ask the lead.")
        return None
    ended = _session_ended(datetime.now(UTC))
    if ended:
        authenticator.logout(location="unrendered")
        st.info(ended, icon=":material/lock_clock:")
        st.button("Sign in again", type="primary")  # the next run draws the sign-in form
        return None
    st.session_state.pop("kaishu_flash", None)
    set_actor(current)
    return current if _sidebar(authenticator, current) else None


def _session_ended(now: datetime) -> str | None:
    """Why this session must sign in again (too long, or idle too long), else None; the
    clock starts at the first signed-in run of the session."""
    started = st.session_state.setdefault("kaishu_signed_in_at", now)
    seen = st.session_state.get("kaishu_last_seen", now)
    st.session_state["kaishu_last_seen"] = now
    if now - started > SESSION_LIMIT:
        reason = "Your session has ended after a working day"
    elif now - seen > IDLE_LIMIT:
        reason = "Your session ended after two idle hours"
    else:
        return None
    for key in ("kaishu_signed_in_at", "kaishu_last_seen", "kaishu_actor"):
        st.session_state.pop(key, None)
    return f"{reason}. Please sign in again."


def _login_error(text: str) -> str:
    if "attempts" in text:
        username = (st.session_state.get("username") or "").strip().lower()
        row = users.get_user(db(), username) if username else None
        until = locked_until(row, datetime.now(UTC)) if row else None
        return _lock_text(until) if until else "This account is locked for a while."
    return "Your session has ended. Please sign in again."


def _sidebar(authenticator: stauth.Authenticate, current: Actor) -> bool:
    """The user's name, role and a sign-out button; False once they have signed out."""
    with st.sidebar:
        st.markdown(
            f"**{current.name or current.username}**  \n"
            f"{ROLE_LABELS.get(current.role, current.role)} · `{current.username}`"
        )
        authenticator.logout("Sign out", location="sidebar")
    if st.session_state.get("authentication_status"):
        return True
    st.session_state.pop("kaishu_actor", None)
    st.info("You have signed out.")
    return False
