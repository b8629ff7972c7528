"""Browser journeys: a real Streamlit server on a free port, driven by Debian's chromium.

Never a downloaded browser: Playwright launches /usr/bin/chromium (the Makefile installs it).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server_env() -> dict[str, str]:
    """Extra environment for the server process; a test module overrides it (e.g. SMTP)."""
    return {}


@pytest.fixture
def server(tmp_path: Path, server_env: dict[str, str]) -> Iterator[dict]:
    """A fresh Kaishu server on an empty database; yields its URL and database path."""
    port = _free_port()
    db = tmp_path / "data" / "kaishu.db"
    env = {**os.environ, "KAISHU_DB": str(db), "PYTHONPATH": str(ROOT), **server_env}
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as reply:
                if reply.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("Streamlit did not start: " + (tmp_path / "server.log").read_text())
    yield {"url": url, "db": db, "log": tmp_path / "server.log"}
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    context.close()


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
