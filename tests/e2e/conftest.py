"""Browser journeys: helpers to drive Streamlit in Debian's chromium. The fixtures (a server on
a free port, the browser, a page) live in tests/browser.py, registered in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import re
import time

import pytest

from tests.browser import ARGS, CHROMIUM, ROOT  # noqa: F401  (journeys import them from here)

pytestmark = pytest.mark.browser


def settle(page, quiet: float = 0.5, start: float = 2.0) -> None:
    """Wait for the rerun an action triggers to start (up to ``start`` s), then until
    Streamlit has finished running and stays idle for ``quiet`` s."""
    app = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    # The run may be quicker than our look, or none was triggered: both are fine.
    with contextlib.suppress(Exception):
        page.wait_for_selector(
            '[data-testid="stApp"][data-test-script-state="running"]', timeout=start * 1000
        )
    page.wait_for_selector(app, timeout=60_000)
    deadline = time.time() + 60
    calm_since = None
    while time.time() < deadline:
        busy = (
            page.locator(app).count() == 0
            or page.locator('[data-testid="stElementContainer"][data-stale="true"]').count()
            or page.locator('[data-testid="stStatusWidget"]').count()
        )
        if busy:
            calm_since = None
        elif calm_since is None:
            calm_since = time.time()
        elif time.time() - calm_since >= quiet:
            return
        time.sleep(0.1)


def sign_in(page, username: str, password: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    settle(page)


def go(page, link: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit selectbox labelled ``label``."""
    page.get_by_label(label).click()
    page.locator('[role="option"]').filter(has_text=re.compile(f"^{re.escape(option)}$")).click()
    settle(page)
