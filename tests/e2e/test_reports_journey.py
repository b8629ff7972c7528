"""The weekly meeting in a real browser: projector-sized numbers, the charts drawn, the MIS
workbook downloaded (made on its own thread when clicked), and a shared Aging link that
opens on the invoices behind a cell."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from reporting_builders import AS_OF, book

from lib import users
from lib.db import connect
from tests.e2e.conftest import settle, sign_in

PASSWORD = "correct horse battery"


def _ledger(path) -> None:
    db = connect(path)
    users.create_first_lead(db, "asha", "Asha Rao", PASSWORD)
    book(db)
    db.close()


def test_meeting_on_the_projector_and_the_mis_download(server, page):
    _ledger(server["db"])
    page.goto(server["url"])
    settle(page)
    sign_in(page, "asha", PASSWORD)
    page.goto(f"{server['url']}/meeting?as_of={AS_OF.isoformat()}")
    settle(page, quiet=1.0)
    value = page.get_by_test_id("stMetricValue").first
    assert value.inner_text().startswith("₹1,18,000")
    size = value.locator("p").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 40  # projector type
    page.wait_for_selector(
        '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
    )
    assert page.get_by_test_id("stVegaLiteChart").count() >= 4
    with page.expect_download(timeout=60_000) as done:
        page.get_by_role("button", name="Download the MIS report (.xlsx)").click()
    download = done.value
    assert download.suggested_filename == f"kaishu-mis-{AS_OF.isoformat()}.xlsx"
    data = Path(download.path()).read_bytes()
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[:3] == ["Summary", "Aging by client", "Open items"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:  # drawn by the server's drawing process
        pngs = [z.read(n) for n in z.namelist() if n.startswith("xl/media/")]
    assert len(pngs) >= 3 and all(png.startswith(b"\x89PNG") for png in pngs)
    laptop = page.context.new_page()
    laptop.goto(f"{server['url']}/meeting?as_of={AS_OF.isoformat()}&size=screen")
    settle(laptop, quiet=1.0)
    small = laptop.get_by_test_id("stMetricValue").first.locator("p")
    assert small.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") < 40
    laptop.close()


def test_a_shared_aging_link_opens_on_the_invoices_behind_a_cell(server, page):
    _ledger(server["db"])
    page.goto(server["url"])
    settle(page)
    sign_in(page, "asha", PASSWORD)
    link = f"{server['url']}/aging?as_of={AS_OF.isoformat()}&group=JP0001&bucket=2&cur=JPY"
    page.goto(link)
    settle(page, quiet=1.0)
    assert page.get_by_text("1 invoices", exact=False).count() >= 1
    client = page.get_by_role("link", name="Open the client page of JP0001")
    client.click()
    settle(page, quiet=1.0)
    assert "client=JP0001" in page.url
    assert page.get_by_role("heading", name="株式会社山田商事").count() == 1
