"""Which pages exist, under which heading, and who may open each.

Page files are named ``*_page.py`` so that their names never equal their URLs: Streamlit's
older pages-folder mode would otherwise run a page file directly, skipping app.py's gate,
when a server's first request is a deep link.

Every page is registered for every role, so a page opened by its URL runs its own guard and
refuses clearly; pages a role may not use are hidden from its navigation.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager

from lib.auth import Actor


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    permission: str
    section: str
    url: str
    default: bool = False


# fmt: off
PAGES: tuple[PageSpec, ...] = (
    # Today is where everyone lands: one default for all roles, because the page a session
    # is on survives the sign-in run, so a per-role default would show the lead Today after
    # signing in and Home after a reload.
    # The default page is served at "/" but still reserves its own path; /today itself is
    # a hidden page (LANDING_LINK), so that a bookmarked or linked /today opens Today.
    PageSpec("pages/today_page.py", "Today", ":material/call:", "view", "Work", "today-page",
             True),
    PageSpec("pages/home_page.py", "Home", ":material/home:", "view", "Work", "home"),
    PageSpec("pages/clients_page.py", "Clients", ":material/groups:", "view", "Work", "clients"),
    PageSpec("pages/matching_page.py", "Matching", ":material/join_inner:", "view", "Work",
             "matching"),
    PageSpec("pages/upload_page.py", "Upload", ":material/upload_file:", "import", "Work",
             "upload"),
    PageSpec("pages/reminders_page.py", "Reminders", ":material/forward_to_inbox:",
             "send_email", "Work", "reminders"),
    PageSpec("pages/recovery_page.py", "Recovery", ":material/gavel:", "view", "Work",
             "recovery"),
    PageSpec("pages/aging_page.py", "Aging", ":material/stacked_bar_chart:", "view", "Reports",
             "aging"),
    PageSpec("pages/meeting_page.py", "Meeting", ":material/co_present:", "view", "Reports",
             "meeting"),
    PageSpec("pages/forecast_page.py", "Expected collections", ":material/trending_up:", "view",
             "Reports", "forecast"),
    PageSpec("pages/bad_debt_page.py", "Bad-debt report", ":material/money_off:", "write_off",
             "Reports", "bad-debt"),
    PageSpec("pages/policy_page.py", "Reminder policy", ":material/rule:", "settings", "Admin",
             "policy"),
    PageSpec("pages/recovery_settings_page.py", "Recovery settings", ":material/tune:",
             "settings", "Admin", "recovery-settings"),
    PageSpec("pages/report_settings_page.py", "Report settings", ":material/query_stats:",
             "settings", "Admin", "report-settings"),
    PageSpec("pages/users_page.py", "Users", ":material/manage_accounts:", "manage_users",
             "Admin", "users"),
    PageSpec("pages/audit_page.py", "Audit log", ":material/history:", "audit", "Admin",
             "audit"),
    PageSpec("pages/backups_page.py", "Backups", ":material/backup:", "settings", "Admin",
             "backups"),
)
# fmt: on
LANDING = next(spec for spec in PAGES if spec.default)
LANDING_LINK = "today"  # the landing page's own path is taken by its spec, served at "/"


def visible_pages(actor: Actor | None) -> list[PageSpec]:
    """The pages ``actor`` sees in the navigation (none while signed out)."""
    return [spec for spec in PAGES if actor is not None and actor.can(spec.permission)]


def navigation(actor: Actor | None) -> dict[str, list[st.Page]]:
    """The navigation for ``actor``: allowed pages visible, the others hidden. Signed out,
    every page is registered but none shown, so a deep link survives the sign-in."""
    sections: dict[str, list[st.Page]] = {}
    shown = visible_pages(actor)
    for spec in PAGES:
        visible = spec in shown
        page = st.Page(
            spec.path,
            title=spec.title,
            icon=spec.icon,
            url_path=spec.url,
            default=spec.default,
            visibility="visible" if visible else "hidden",
        )
        sections.setdefault(spec.section, []).append(page)
    sections[LANDING.section].append(
        st.Page(_open_landing, title=LANDING.title, url_path=LANDING_LINK, visibility="hidden")
    )
    return sections


def _open_landing() -> None:
    st.switch_page(LANDING.path)


def pages_folder_mode() -> bool:
    """True while Streamlit still runs in its old pages-folder mode: the first run after the
    server starts, before app.py has called ``st.navigation``."""
    return bool(PagesManager.uses_pages_directory)


def restart_in_navigation_mode() -> None:
    """Rerun once per session after leaving pages-folder mode.

    Without it the first browser session after a server start keeps the old mode's page
    list and its forms never submit (seen with the first-run set-up form). AppTest puts
    every run back into the old mode, consistently, so there it is not needed and would
    only change the widgets' identities between a run and the next.
    """
    if config.get_option("global.appTest"):
        return
    if not st.session_state.get("kaishu_navigation_ready"):
        st.session_state["kaishu_navigation_ready"] = True
        st.rerun()
