"""A recovery case in a real browser: a collector proposes the case from Today, issues a
demand letter, records a settlement, the instalment arrives on a bank statement and is
matched, and the case is closed as recovered."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.builders import make_client, make_invoice
from tests.e2e.conftest import choose, go, settle, sign_in
from tests.e2e.test_journeys import PASSWORD, shot


def ledger(path) -> None:
    """A client 90 days late (the policy proposes a case at 60), owned by priya."""
    from lib import users
    from lib.auth import Actor
    from lib.db import connect
    from lib.followups import settings as follow_settings
    from lib.ui.context import today

    db = connect(path)
    lead = users.create_first_lead(db, "asha", "Asha Rao", PASSWORD)
    users.add_user(db, lead, "priya", "Priya Shah", "collector", PASSWORD)
    banks = {"JPY": "三菱UFJ銀行 本店 普通 1234567 ｶｲｼﾕｺﾚｸｼﾖﾝｽﾞ"}
    follow_settings.save(
        db, Actor("asha", "lead"), follow_settings.FollowUpSettings(3, "Kaishu", banks)
    )
    client = make_client(
        db,
        client_code="JP0001",
        name="株式会社山田商事",
        name_kana="ヤマダショウジ",
        currency="JPY",
        owner="priya",
        language="ja",
        contact_name="経理部 田中",
    )
    make_invoice(
        db,
        client_id=client,
        invoice_no="Q-2601",
        currency="JPY",
        amount=330_000,
        tax=30_000,
        invoice_date=(today() - timedelta(days=120)).isoformat(),
        due_date=(today() - timedelta(days=90)).isoformat(),
    )
    db.close()


def statement(folder, day) -> str:
    path = folder / "mufg.csv"
    rows = ["取引日,摘要,振込依頼人名,出金額,入金額", f'{day:%Y/%m/%d},Q-2601,ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ,,"330,000"']
    path.write_bytes("\r\n".join(rows).encode("cp932"))
    return str(path)


def test_propose_letter_settle_receive_and_close(server, page, tmp_path):
    from lib.db import connect
    from lib.ui.context import today

    ledger(server["db"])
    case_no = f"RC-{today().year}-0001"
    page.goto(server["url"])
    settle(page)
    sign_in(page, "priya", PASSWORD)
    go(page, "Today")
    assert page.get_by_role("heading", name="株式会社山田商事").is_visible()
    page.get_by_role("link", name="Open a recovery case").click()
    settle(page)
    assert page.get_by_role("heading", name="Open a recovery case").is_visible()
    shot(page, "recovery-open")
    page.get_by_role("button", name="Open the case").click()
    settle(page)
    assert page.get_by_text(f"Case {case_no} opened").is_visible()

    page.get_by_role("tab", name="Letters").click()
    settle(page)
    page.get_by_test_id("stRadio").get_by_text("Demand letter", exact=True).click()
    settle(page)
    assert page.get_by_text("催告書").first.is_visible()
    shot(page, "recovery-letter-preview")
    page.get_by_role("button", name=re.compile(r"^Issue RC-")).click()
    settle(page)
    assert page.get_by_text(f"{case_no}/DL-1 issued").is_visible()

    page.get_by_role("tab", name="Settlement").click()
    settle(page)
    amount = page.get_by_role("textbox", name="Agreed amount")
    amount.fill("330000")
    amount.press("Tab")
    settle(page)
    page.get_by_role("button", name="Record the settlement").click()
    settle(page)
    assert page.get_by_text("Settlement of ¥330,000 recorded").is_visible()

    go(page, "Upload")
    choose(page, "Currency when the file has no currency column", "JPY")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(statement(tmp_path, today()))
    settle(page)
    page.get_by_role("button", name="Import mufg.csv").click()
    settle(page)
    go(page, "Matching")
    page.get_by_role("button", name="Run auto-match").click()
    settle(page)
    assert page.get_by_text("1 applied").is_visible()

    page.goto(f"{server['url']}/recovery?case={case_no}")
    settle(page)
    page.get_by_role("tab", name="Settlement").click()
    settle(page)
    shot(page, "recovery-instalment-paid")
    page.get_by_text("Move or close the case").click()
    settle(page)
    page.get_by_role("textbox", name="Closing note").fill("Paid in full under the settlement")
    page.get_by_role("textbox", name="Closing note").press("Tab")
    settle(page)
    page.get_by_role("button", name="Close the case").click()
    settle(page)
    assert page.get_by_text("Case closed: Closed: recovered").is_visible()
    shot(page, "recovery-closed")

    db = connect(server["db"])
    case = next(db.query("SELECT * FROM cases"))
    assert (case["stage"], case["closed_on"]) == ("closed_recovered", today().isoformat())
    assert db["letters"].count == 1 and db["settlements"].count == 1
    stages = [r[0] for r in db.execute("SELECT stage FROM case_stages ORDER BY id")]
    assert stages == ["pre_legal_notice", "demand_letter", "settlement", "closed_recovered"]
