"""A Zengin 振込入金通知 file in a real browser: uploaded, imported, then undone with a reason,
and the same file imported again."""

from __future__ import annotations

from statement_files import notice, zengin

from lib import users
from lib.db import connect
from tests.e2e.conftest import go, settle, sign_in
from tests.e2e.test_journeys import metric

PASSWORD = "correct horse battery"


def test_zengin_notice_imported_undone_and_imported_again(server, page, tmp_path):
    db = connect(server["db"])
    lead = users.create_first_lead(db, "asha", "Asha Rao", PASSWORD)
    users.add_user(db, lead, "priya", "Priya Shah", "collector", PASSWORD)
    path = tmp_path / "nyukin.txt"
    path.write_bytes(zengin("01", notice("000101", "081125", 108_890, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ")))

    page.goto(server["url"])
    settle(page)
    sign_in(page, "priya", PASSWORD)
    go(page, "Upload")
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.set_input_files(str(path))
    settle(page)
    assert page.get_by_text("read from the bank's format (Zengin 振込入金通知)").is_visible()
    page.get_by_role("button", name="Import nyukin.txt").click()
    settle(page)
    assert metric(page, "Added") == "1"

    page.get_by_text("Undo an import").click()
    settle(page)
    page.get_by_label("Why?").fill("uploaded the wrong day's notice")
    page.get_by_label("Why?").press("Enter")
    settle(page)
    page.get_by_role("button", name="Undo import #1").click()
    settle(page)
    assert page.get_by_text("Import #1 undone: 1 receipt reversed.").is_visible()
    row = db.execute("SELECT amount, payer_name, reversed_by FROM receipts").fetchone()
    assert row == (108_890, "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ", "priya")

    page.get_by_role("button", name="Import nyukin.txt").click()  # the same file, once more
    settle(page)
    assert metric(page, "Added") == "1"
    live = db.execute("SELECT COUNT(*) FROM receipts WHERE reversed_at IS NULL").fetchone()[0]
    assert live == 1
