"""Matching in a real browser: upload a statement, auto-match, accept a suggestion, clear a
suspense item."""

from __future__ import annotations

from builders import make_client, make_invoice

from lib import users
from lib.db import connect
from tests.e2e.conftest import choose, go, settle, sign_in

PASSWORD = "correct horse battery"


def pick_first_row(page, table_index: int = 0) -> None:
    """Tick the first row of a dataframe (drawn on a canvas: click where the box is)."""
    box = page.get_by_test_id("stDataFrame").nth(table_index).bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
    settle(page)


def test_statement_to_matched_and_suspense_cleared(server, page, tmp_path):
    db = connect(server["db"])
    lead = users.create_first_lead(db, "asha", "Asha Rao", PASSWORD)
    users.add_user(db, lead, "priya", "Priya Shah", "collector", PASSWORD)
    yamada = make_client(
        db,
        client_code="JP0001",
        name="株式会社山田商事",
        name_kana="ヤマダショウジ",
        currency="JPY",
    )
    for no, amount in (("Q-1", 10000), ("Q-2", 20000), ("F-1", 55000)):
        make_invoice(
            db,
            client_id=yamada,
            invoice_no=no,
            amount=amount,
            tax=0,
            currency="JPY",
            invoice_date="2026-09-01",
            due_date="2026-09-30",
        )
    statement = tmp_path / "mufg.csv"
    statement.write_bytes(
        "\r\n".join(
            [
                "取引日,摘要,振込依頼人名,出金額,入金額",
                '2026/09/30,F-1,ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ,,"55,000"',
                '2026/10/01,ﾌﾘｺﾐ,ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ,,"17,000"',
                '2026/10/02,ﾌﾘｺﾐ,ﾀﾞﾚｶ ﾀﾛｳ,,"4,321"',
            ]
        ).encode("cp932")
    )

    page.goto(server["url"])
    settle(page)
    sign_in(page, "priya", PASSWORD)
    go(page, "Upload")
    choose(page, "Currency when the file has no currency column", "JPY")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(statement))
    settle(page)
    page.get_by_role("button", name="Import mufg.csv").click()
    settle(page)

    go(page, "Matching")
    page.get_by_role("button", name="Run auto-match").click()
    settle(page)
    assert page.get_by_text("1 applied, 1 to review, 1 in suspense").is_visible()
    pick_first_row(page)
    page.get_by_role("button", name="Accept 1").click()
    settle(page)
    assert page.get_by_text("1 suggestion(s) accepted").is_visible()

    page.goto(server["url"] + "/matching?section=suspense")
    settle(page)
    pick_first_row(page)
    page.get_by_role("button", name="Put on this client's account").click()
    settle(page)
    assert page.get_by_text("Receipt put on account").is_visible()
    applied = db.execute("SELECT COUNT(*), SUM(amount) FROM allocations").fetchone()
    assert applied == (3, 55000 + 17000)
    assert db.execute("SELECT COUNT(*) FROM receipts WHERE client_id IS NULL").fetchone()[0] == 0
