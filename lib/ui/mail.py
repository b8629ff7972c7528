"""Where the app's SMTP settings come from: ``.streamlit/secrets.toml`` first, else the
``KAISHU_SMTP_*`` environment variables (for a server started by a script or a test).

The section in secrets.toml::

    [smtp]
    host = "smtp.example.com"
    port = 587
    security = "starttls"   # or "ssl", or "none"; starttls = true / ssl = true also work
    user = "ar@example.com"
    password = "…"
    from = "ar@example.com"

lib never reads secrets: the page passes the resulting config object in.
"""

from __future__ import annotations

import os

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from lib.followups.mailer import SmtpConfig

ENV_KEYS = ("host", "port", "security", "user", "password", "from")


def smtp_config() -> SmtpConfig | None:
    """The SMTP settings, or None when none are configured (reminders become .eml files)."""
    try:
        section = st.secrets.get("smtp")
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        section = None
    if section:
        return SmtpConfig.from_mapping(dict(section))
    values = {k: os.environ.get(f"KAISHU_SMTP_{k.upper()}") for k in ENV_KEYS}
    return SmtpConfig.from_mapping({k: v for k, v in values.items() if v})
