"""Ten people at once for a minute, plus two real browser sessions: nothing lost, nothing
doubled, no "database is locked" reaching anyone, and the ledger still adds up.

The duration is 60 s (``KAISHU_LOAD_SECONDS`` changes it). The figures are printed (run with
``-s`` to see them, or use benchmarks/bench_load.py).
"""

from __future__ import annotations

import os
import time

import pytest

from lib.db import connect
from lib.ui.context import today
from tests.e2e.conftest import go, settle, sign_in
from tests.load import workload

SECONDS = float(os.environ.get("KAISHU_LOAD_SECONDS", "60"))
pytestmark = pytest.mark.browser


class Browsers:
    """An intern logging calls on Today and the lead paging through Home and Clients."""

    def __init__(self, browser, url: str) -> None:
        self.contexts = [browser.new_context(viewport={"width": 1400, "height": 900})]
        self.contexts.append(browser.new_context(viewport={"width": 1400, "height": 900}))
        self.intern, self.lead = (c.new_page() for c in self.contexts)
        self.url, self.saved, self.pages_seen = url, 0, 0
        for page, user in ((self.intern, workload.BROWSER_INTERN), (self.lead, "lead0")):
            page.set_default_timeout(60_000)
            page.goto(url)
            settle(page)
            sign_in(page, user, workload.PASSWORD)

    def log_one_call(self) -> None:
        page = self.intern
        page.get_by_test_id("stRadio").get_by_text("No answer", exact=True).first.click()
        settle(page, quiet=0.3)
        page.get_by_role("button", name="Save", exact=True).click()
        settle(page, quiet=0.3)
        if page.get_by_text("Saved:").count():
            self.saved += 1
        elif os.environ.get("KAISHU_LOAD_SHOTS"):
            page.screenshot(path=f"/tmp/load-{self.saved}-{time.time():.0f}.png", full_page=True)

    def look_around(self) -> None:
        go(self.lead, ["Home", "Clients", "Today"][self.pages_seen % 3])
        self.pages_seen += 1

    def drive(self, deadline: float) -> None:
        while time.time() < deadline:
            try:
                self.log_one_call()
                self.look_around()
            except Exception:
                self.intern.screenshot(path="/tmp/load-intern-failed.png", full_page=True)
                self.lead.screenshot(path="/tmp/load-lead-failed.png", full_page=True)
                raise

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def test_ten_users_and_two_browsers_for_a_minute(server, browser):
    as_of = today()
    workload.prepare(server["db"], as_of)
    browsers = Browsers(browser, server["url"])
    try:
        tally = workload.run(server["db"], SECONDS, as_of, during=browsers.drive)
    finally:
        browsers.close()

    assert not tally.errors, "\n".join(tally.errors[:10])
    db = connect(server["db"])
    for username, ids in tally.follow_ups.items():
        stored = [
            r[0]
            for r in db.execute(
                "SELECT id FROM follow_ups WHERE created_by = ? ORDER BY id", [username]
            )
        ]
        assert stored == sorted(ids), f"{username}: follow-ups lost or doubled"
    ui_calls = db.execute(
        "SELECT COUNT(*) FROM follow_ups WHERE created_by = ?", [workload.BROWSER_INTERN]
    ).fetchone()[0]
    assert ui_calls == browsers.saved and browsers.saved > 0
    imported = db.execute(
        "SELECT COUNT(*) FROM receipts WHERE account LIKE 'HDFC-collector%'"
    ).fetchone()[0]
    assert imported == tally.receipts_imported == tally.receipts_sent
    assert tally.reimports_added == 0
    assert workload.ledger_problems(db, as_of) == []
    print("\n" + workload.figures(tally, SECONDS, browsers=2, browser_writes=browsers.saved))
