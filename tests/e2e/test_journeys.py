"""The main journeys in a real browser: set-up, sign-in, uploads, a client, sign-out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import choose, go, settle, sign_in

PASSWORD = "correct horse battery"
SHOTS = Path(os.environ.get("KAISHU_SHOTS", "")) if os.environ.get("KAISHU_SHOTS") else None


def shot(page, name: str) -> None:
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ledger_file(folder: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["Invoice ledger — November"])
    sheet.append([])
    sheet.append(
        [
            "Invoice No",
            "Customer Code",
            "Customer",
            "Invoice Date",
            "Due Date",
            "Amount",
            "Tax",
            "Currency",
        ]
    )
    sheet.append(
        [
            "INV2511-0001",
            "JP0001",
            "株式会社山田商事",
            "2026-11-01",
            "2026-11-30",
            110000,
            10000,
            "JPY",
        ]
    )
    sheet.append(
        [
            "INV2511-0002",
            "JP0001",
            "株式会社山田商事",
            "2026-10-01",
            "2026-10-31",
            55000,
            5000,
            "JPY",
        ]
    )
    sheet.append(
        [
            "INV2511-0003",
            "IN0001",
            "Sharma Traders Pvt Ltd",
            "2026-10-05",
            "2026-11-04",
            118000.00,
            18000.00,
            "INR",
        ]
    )
    path = folder / "ledger.xlsx"
    book.save(path)
    return path


def statement_file(folder: Path) -> Path:
    lines = [
        "口座番号,普通 1234567",
        "取引日,摘要,振込依頼人名,出金額,入金額,残高",
        '2026/11/02,ﾌﾘｺﾐ,ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ,,"54,890","54,890"',
        '2026/11/03,ﾃｽｳﾘﾖｳ,,440,,"54,450"',
    ]
    path = folder / "mufg.csv"
    path.write_bytes("\r\n".join(lines).encode("cp932"))
    return path


def metric(page, label: str) -> str:
    box = page.get_by_test_id("stMetric").filter(has_text=label).last
    return box.get_by_test_id("stMetricValue").inner_text()


def test_first_run_sign_in_upload_client_and_sign_out(server, page, tmp_path):
    page.goto(server["url"])
    settle(page)
    page.get_by_label("Username").fill("asha")
    page.get_by_label("Full name").fill("Asha Rao")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create lead account").click()
    settle(page)
    assert page.get_by_text("Account created").is_visible()
    sign_in(page, "asha", PASSWORD)
    assert page.get_by_role("heading", name="Today").is_visible()  # where everyone lands
    go(page, "Home")
    assert page.get_by_role("heading", name="Home").is_visible()
    shot(page, "home-empty")

    go(page, "Upload")
    choose(page, "Currency when the file has no currency column", "JPY")  # for the bank CSV
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    uploader.set_input_files(str(ledger_file(tmp_path)))
    settle(page)
    page.get_by_role("button", name="Import ledger.xlsx").click()
    settle(page)
    assert metric(page, "Added") == "3"
    shot(page, "upload-ledger")

    uploader.set_input_files(str(statement_file(tmp_path)))
    settle(page)
    page.get_by_role("button", name="Import mufg.csv").click()
    settle(page)
    assert metric(page, "Added") == "1"
    assert metric(page, "Outflows skipped") == "1"
    shot(page, "upload-statement")

    page.goto(server["url"] + "/clients?client=JP0001")  # a reload: the cookie keeps us in
    settle(page)
    assert page.get_by_role("heading", name="株式会社山田商事").is_visible()
    assert "¥165,000" in metric(page, "Outstanding (JPY)")
    shot(page, "client")

    page.get_by_role("button", name="Sign out").click()
    settle(page)
    assert page.get_by_role("button", name="Sign in", exact=True).is_visible()
    page.reload()
    settle(page)
    assert page.get_by_role("button", name="Sign in", exact=True).is_visible()


def test_intern_sees_only_their_pages_and_a_deep_link_refuses(server, page):
    from lib import users
    from lib.db import connect

    db = connect(server["db"])
    lead = users.create_first_lead(db, "asha", "Asha Rao", PASSWORD)
    users.add_user(db, lead, "ravi", "Ravi Iyer", "intern", PASSWORD)
    page.goto(server["url"])
    settle(page)
    sign_in(page, "ravi", PASSWORD)
    nav = page.get_by_test_id("stSidebarNav")
    links = {t.split("\n")[-1].strip() for t in nav.get_by_role("link").all_inner_texts()}
    assert links == {"Today", "Home", "Clients", "Aging", "Meeting", "Expected collections",
                     "Matching", "Recovery"}  # fmt: skip
    page.goto(server["url"] + "/upload")
    settle(page)
    assert page.get_by_text("Interns can't open Upload").is_visible()
    assert page.get_by_test_id("stFileUploaderDropzoneInput").count() == 0
    shot(page, "intern-refused")
    page.goto(server["url"] + "/today")  # a bookmark or a link in a note
    settle(page)
    assert page.get_by_role("heading", name="Today").is_visible()
    assert page.get_by_text("Page not found").count() == 0


@pytest.mark.parametrize("attempts", [5])
def test_lockout_after_failed_sign_ins(server, page, attempts):
    from lib import users
    from lib.db import connect

    users.create_first_lead(connect(server["db"]), "asha", "Asha Rao", PASSWORD)
    page.goto(server["url"])
    settle(page)
    for _ in range(attempts):
        sign_in(page, "asha", "not the password")
    assert page.get_by_text("locked until").is_visible()
    sign_in(page, "asha", PASSWORD)
    assert page.get_by_text("locked").first.is_visible()
    assert page.get_by_role("heading", name="Today").count() == 0
