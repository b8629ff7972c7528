"""Hostile text in a real browser: a client and a payer whose names are HTML, script and
Markdown are shown literally, and nothing in them runs."""

from __future__ import annotations

from datetime import timedelta

from tests.builders import make_client, make_invoice, make_receipt
from tests.e2e.conftest import go, settle, sign_in
from tests.e2e.test_journeys import PASSWORD, shot

NAME = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> **Bold** Ltd'
PAYER = '<b onmouseover="window.__pwned=3">PAYER</b> [pay here](javascript:window.__pwned=4)'


def hostile_ledger(path) -> None:
    from lib import users
    from lib.db import connect
    from lib.ui.context import today

    db = connect(path)
    users.create_first_lead(db, "asha", "Asha Rao", PASSWORD)
    client = make_client(db, client_code="EVIL1", name=NAME, currency="INR", owner="asha")
    day = today() - timedelta(days=20)
    make_invoice(
        db,
        client_id=client,
        invoice_no="<i>INV-1</i>",
        invoice_date=(day - timedelta(days=30)).isoformat(),
        due_date=day.isoformat(),
    )
    make_receipt(db, payer_name=PAYER, memo="=HYPERLINK(1)", value_date=day.isoformat())
    db.close()


def test_names_made_of_html_script_and_markdown_are_shown_as_typed(server, page):
    hostile_ledger(server["db"])
    page.goto(server["url"])
    settle(page)
    sign_in(page, "asha", PASSWORD)
    go(page, "Today")
    assert page.get_by_text(NAME, exact=True).first.is_visible()
    shot(page, "hostile-today")
    page.goto(server["url"] + "/clients?client=EVIL1")
    settle(page)
    assert page.get_by_role("heading", name=NAME).is_visible()
    shot(page, "hostile-client")
    go(page, "Matching")
    shot(page, "hostile-matching")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script", has_text="__pwned").count() == 0
    assert page.locator("img[onerror]").count() == 0
