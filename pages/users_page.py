"""Users (lead only): add teammates, change roles, reset passwords, deactivate."""

import streamlit as st

from lib import users
from lib.auth import ROLE_LABELS, ROLES, PasswordRejected
from lib.ui import format as fmt
from lib.ui.context import db, guard

me = guard("manage_users", "Users")
st.title("Users")
everyone = users.list_users(db())
rows = [
    {**u, "role": ROLE_LABELS[u["role"]], "status": _s}
    for u in everyone
    for _s in ["Active" if u["active"] else "Deactivated"]
]
fmt.show(
    rows,
    [
        ("username", "Username", "text"),
        ("name", "Name", "text"),
        ("role", "Role", "text"),
        ("email", "Email", "text"),
        ("status", "Status", "text"),
        ("failed_logins", "Failed sign-ins", "int"),
        ("locked_until", "Locked until", "date"),
    ],
    empty="No users yet.",
)

add, change = st.columns(2)
with add.form("add_user", clear_on_submit=True):
    st.subheader("Add a teammate")
    username = st.text_input("Username", placeholder="lower case, e.g. priya")
    name = st.text_input("Full name")
    email = st.text_input("Email (optional)")
    role = st.selectbox("Role", ROLES, index=1, format_func=ROLE_LABELS.get)
    password = st.text_input(
        "First password",
        type="password",
        help="10 characters to 72 bytes; tell it to them in person",
    )
    if st.form_submit_button("Add user", type="primary"):
        try:
            users.add_user(db(), me, username, name, role, password, email or None)
        except (users.UserError, PasswordRejected) as exc:
            st.error(f"Not added: {fmt.plain(exc)}.")
        else:
            st.success(f"Added {username.strip().lower()} as {ROLE_LABELS[role]}.")
            st.rerun()

with change.container(border=True):
    st.subheader("Change a user")
    target = st.selectbox("User", [u["username"] for u in everyone])
    current = next((u for u in everyone if u["username"] == target), None)
    if current:
        new_role = st.selectbox(
            "Role",
            ROLES,
            index=ROLES.index(current["role"]),
            format_func=ROLE_LABELS.get,
            key="new_role",
        )
        new_password = st.text_input("New password (leave empty to keep)", type="password")
        active = st.toggle("Active", value=bool(current["active"]))
        if st.button("Apply changes", type="primary"):
            try:
                if new_role != current["role"]:
                    users.set_role(db(), me, target, new_role)
                if new_password:
                    users.reset_password(db(), me, target, new_password)
                if active != bool(current["active"]):
                    users.set_active(db(), me, target, active)
            except (users.UserError, PasswordRejected) as exc:
                st.error(f"Not changed: {fmt.plain(exc)}.")
            else:
                st.success(f"Updated {fmt.plain(target)}.")
                st.rerun()
