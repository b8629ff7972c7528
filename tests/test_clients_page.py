"""Clients page: search and filters, the client page, statement, and master-data edits."""

from __future__ import annotations

import json

import pytest
from builders import make_allocation, make_client, make_invoice, make_receipt
from conftest import open_app

from lib.db import connect


@pytest.fixture
def ledger(app_db):
    db = connect(app_db)
    head = make_client(
        db,
        client_code="JP0001",
        name="株式会社山田商事",
        name_kana="ヤマダショウジ",
        currency="JPY",
        owner="priya",
        segment="client",
    )
    branch = make_client(
        db,
        client_code="JP0002",
        name="山田商事 大阪支店",
        currency="JPY",
        owner="priya",
        segment="franchisee",
        parent_id=head,
    )
    make_client(
        db,
        client_code="IN0001",
        name="<script>alert(1)</script> Traders",
        currency="INR",
        owner="rahul",
    )
    paid = make_invoice(
        db,
        client_id=head,
        invoice_no="INV-1",
        amount=110000,
        tax=10000,
        currency="JPY",
        invoice_date="2026-09-01",
        due_date="2026-09-30",
    )
    make_invoice(
        db,
        client_id=head,
        invoice_no="INV-2",
        amount=55000,
        tax=5000,
        currency="JPY",
        invoice_date="2026-10-01",
        due_date="2026-10-31",
    )
    make_invoice(
        db,
        client_id=branch,
        invoice_no="INV-3",
        amount=22000,
        tax=2000,
        currency="JPY",
        invoice_date="2026-11-01",
        due_date="2099-12-01",
    )
    receipt = make_receipt(
        db,
        currency="JPY",
        amount=110000,
        value_date="2026-10-02",
        receipt_date="2026-10-02",
        payer_name="ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",
    )
    make_allocation(db, receipt, paid, 110000, effective_date="2026-10-02")
    return app_db


def test_list_filters_and_search(ledger):
    at = open_app("ravi", "pages/clients_page.py")
    frame = at.dataframe[0].value
    assert list(frame["Code"]) == ["IN0001", "JP0001", "JP0002"]
    row = frame[frame["Code"] == "JP0001"].iloc[0]
    assert (row["Outstanding"], row["Overdue"]) == ("¥55,000", "¥55,000")
    # Nothing late: the days column stays numeric (it sorts) and shows a blank, not "None".
    late = frame.set_index("Code")["Oldest (days late)"]
    assert late["JP0001"] > 0 and late.isna()["IN0001"]
    assert at.dataframe[0].proto.HasField("placeholder") and at.dataframe[0].proto.placeholder == ""
    at.text_input[0].input("ヤマダ").run()
    assert list(at.dataframe[0].value["Code"]) == ["JP0001"]
    at.text_input[0].input("").run()
    at.toggle[0].set_value(True).run()
    assert list(at.dataframe[0].value["Code"]) == ["JP0001"]


def test_names_are_shown_literally_never_as_html(ledger):
    at = open_app("ravi", "pages/clients_page.py")
    assert "<script>alert(1)</script> Traders" in set(at.dataframe[0].value["Name"])
    page = open_app("ravi", "pages/clients_page.py", query={"client": "IN0001"})
    # Markdown escapes, so the browser shows the name as typed (tests/e2e/test_hostile_names.py)
    assert page.title[0].value == r"\<script\>alert\(1\)\</script\> Traders"
    assert all("<script>" not in m.value for m in page.markdown)


def test_client_page_shows_statement_with_running_balance(ledger):
    at = open_app("ravi", "pages/clients_page.py", query={"client": "JP0001"})
    assert at.title[0].value == "株式会社山田商事"
    assert any("JP0002" in m.value for m in at.markdown)  # its branch
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Outstanding (JPY)"] == "¥55,000"
    statement = next(d.value for d in at.dataframe if "Balance" in d.value.columns)
    assert list(statement["Type"]) == ["Invoice", "Invoice", "Payment"]
    assert list(statement["Balance"]) == ["¥110,000", "¥165,000", "¥55,000"]
    assert any(b.label.startswith("Download statement JPY") for b in at.download_button)


def test_collector_edits_master_data_and_the_change_is_audited(ledger):
    at = open_app("priya", "pages/clients_page.py", query={"client": "JP0001"})
    email = next(t for t in at.text_input if t.label == "Email")
    email.input("ar@yamada.example")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception
    db = connect(ledger)
    assert (
        db.execute("SELECT email FROM clients WHERE client_code='JP0001'").fetchone()[0]
        == "ar@yamada.example"
    )
    entry = next(db.query("SELECT * FROM audit_log WHERE action = 'edit'"))
    assert entry["username"] == "priya" and json.loads(entry["after"]) == {
        "email": "ar@yamada.example"
    }


def test_bad_email_is_refused_with_a_reason(ledger):
    at = open_app("priya", "pages/clients_page.py", query={"client": "JP0001"})
    next(t for t in at.text_input if t.label == "Email").input("not an email")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert any("not an email address" in e.value for e in at.error)


def test_interns_see_master_data_but_cannot_save(ledger):
    at = open_app("ravi", "pages/clients_page.py", query={"client": "JP0001"})
    assert next(b for b in at.button if b.label == "Save changes").disabled


def test_unknown_client_code(ledger):
    at = open_app("ravi", "pages/clients_page.py", query={"client": "NOPE"})
    assert any("No client with code NOPE" in e.value for e in at.error)
