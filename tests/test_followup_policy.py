"""The escalation policy and the reminder templates, in English and Japanese."""

from __future__ import annotations

from datetime import date

import pytest
from builders import make_client, make_invoice, make_user

from lib.auth import PermissionDenied
from lib.followups import FollowUpError
from lib.followups import policy as pol
from lib.followups import templates as tpl
from lib.followups.compose import due_reminders, render_draft, statement_xlsx
from lib.followups.settings import FollowUpSettings
from lib.followups.settings import load as load_settings
from lib.followups.settings import save as save_settings

AS_OF = date(2026, 11, 20)


def test_the_default_policy_and_the_step_due_by_days_past_due(db):
    steps = pol.steps(db)
    assert [(s["code"], s["days"], s["channel"]) for s in steps] == [
        ("courtesy", -3, "email"),
        ("reminder", 1, "email"),
        ("second_reminder", 15, "email"),
        ("call", 30, "call"),
        ("final_notice", 45, "email"),
        ("recovery", 60, "recovery"),
    ]
    due = {d: (pol.step_for(steps, d) or {}).get("code") for d in (-5, -3, 0, 1, 14, 15, 44, 90)}
    assert due == {
        -5: None,
        -3: "courtesy",
        0: "courtesy",
        1: "reminder",
        14: "reminder",
        15: "second_reminder",
        44: "call",
        90: "recovery",
    }
    assert pol.step_for(steps, None) is None


def test_the_lead_edits_the_policy_and_others_cannot(db, lead, collector):
    rows = [dict(s) for s in pol.steps(db) if s["code"] != "courtesy"]
    rows[0]["days"] = 3
    rows.append({"name": "Letter by post", "days": 75, "channel": "letter"})
    assert pol.save_steps(db, lead, rows) == 3  # courtesy off, reminder moved, letter added
    steps = pol.steps(db)
    assert [(s["code"], s["days"]) for s in steps][0] == ("reminder", 3)
    assert steps[-1]["code"] == "letter_by_post" and steps[-1]["channel"] == "letter"
    assert "courtesy" in {s["code"] for s in pol.steps(db, include_inactive=True)}
    with pytest.raises(PermissionDenied):
        pol.save_steps(db, collector, rows)
    with pytest.raises(FollowUpError, match="same day"):
        pol.save_steps(db, lead, [*rows, {"name": "Twice", "days": 3, "channel": "email"}])
    with pytest.raises(FollowUpError, match="channel"):
        pol.save_steps(db, lead, [{"name": "Fax", "days": 9, "channel": "fax"}])
    audit = db.execute("SELECT COUNT(*) FROM audit_log WHERE table_name = 'escalation_steps'")
    assert audit.fetchone()[0] == 3


def test_a_broken_template_is_refused_when_saved(db, lead):
    step = pol.steps(db)[1]
    with pytest.raises(FollowUpError, match="does not work"):
        pol.save_template(db, lead, step["id"], "en", "Hi {{ client_nmae }}", "Body")
    with pytest.raises(FollowUpError, match="does not work"):
        pol.save_template(db, lead, step["id"], "en", "Hi", "{% for x in %}")
    # The sandbox refuses reaching into Python internals.
    with pytest.raises(FollowUpError, match="does not work"):
        pol.save_template(db, lead, step["id"], "en", "x", "{{ ''.__class__.__mro__ }}")
    pol.save_template(db, lead, step["id"], "en", "Dues for {{ client_name }}", "{{ total_text }}")
    assert pol.template(db, step["id"], "en")["subject"] == "Dues for {{ client_name }}"


def context(language: str) -> dict:
    return tpl.sample_context(language)


def test_english_reminder_renders_with_its_merge_fields(db):
    step = pol.steps(db)[1]
    found = pol.template(db, step["id"], "en")
    done = tpl.render(found["subject"], found["body"], context("en"))
    assert done.subject == "Payment reminder: 1 overdue invoice(s) for Sharma Traders Pvt Ltd"
    assert "Dear Accounts team," in done.text
    assert "- INV-0001, dated 01 Oct 2026, due 31 Oct 2026: ¥330,000 outstanding" in done.text
    assert "(20 days overdue)" in done.text and "Total overdue: ¥330,000" in done.text
    assert "you would pay ¥330,000 by 31 Oct 2026" in done.text
    assert "<table" in done.html and "<td" in done.html


def test_japanese_reminder_is_written_in_japanese(db):
    step = pol.steps(db)[1]
    found = pol.template(db, step["id"], "ja")
    done = tpl.render(found["subject"], found["body"], context("ja"))
    assert done.subject.startswith("【お支払いのお願い】")
    assert "株式会社山田商事\nご担当者 様" in done.text
    assert "請求書番号 INV-0001" in done.text and "支払期日 2026年10月31日" in done.text
    assert "（20日経過）" in done.text and "未払額合計：¥330,000" in done.text
    assert "2026年11月20日時点" in done.text
    assert "支払期日" in done.html and 'lang="ja"' in done.html


def test_the_html_part_escapes_what_clients_typed(db):
    step = pol.steps(db)[0]  # the courtesy reminder names the client in its body
    found = pol.template(db, step["id"], "en")
    evil = {**context("en"), "client_name": "<script>alert(1)</script> & Co"}
    done = tpl.render(found["subject"], found["body"], evil)
    assert "<script>" not in done.html and "&lt;script&gt;" in done.html
    assert "<script>alert(1)</script> & Co" in done.text  # plain text stays as typed
    crafted = {**context("en"), "client_name": "Acme\r\nBcc: everyone@example.com"}
    assert "\n" not in tpl.render("Hi {{ client_name }}", "x", crafted).subject


@pytest.fixture
def ledger(db):
    make_user(db, "priya", name="Priya Shah", email="priya@kaishu.example")
    ja = make_client(
        db,
        client_code="JP1",
        name="株式会社山田商事",
        currency="JPY",
        language="ja",
        owner="priya",
        email="keiri@yamada.example",
    )
    for no, due, disputed in [
        ("J-1", "2026-10-31", 0),
        ("J-2", "2026-11-10", 0),
        ("J-3", "2026-11-01", 1),
        ("J-4", "2026-12-31", 0),
    ]:
        make_invoice(
            db,
            client_id=ja,
            invoice_no=no,
            currency="JPY",
            amount=110_000,
            tax=10_000,
            invoice_date="2026-10-01",
            due_date=due,
            disputed=disputed,
        )
    soon = make_client(
        db,
        client_code="IN1",
        name="Sharma Traders",
        currency="INR",
        email="accounts@sharma.example",
    )
    make_invoice(
        db, client_id=soon, invoice_no="S-1", invoice_date="2026-10-22", due_date="2026-11-22"
    )
    return ja


def test_reminders_cover_overdue_undisputed_invoices_and_courtesy_ones(db, ledger):
    drafts = {d.client["client_code"]: d for d in due_reminders(db, AS_OF)}
    ja = drafts["JP1"]
    assert ja.step["code"] == "second_reminder"  # oldest undisputed is 20 days late
    assert [i["invoice_no"] for i in ja.items] == ["J-1", "J-2"]  # not J-3 (disputed), J-4
    assert ja.to == ["keiri@yamada.example"] and ja.totals == {"JPY": 220_000}
    courtesy = drafts["IN1"]
    assert courtesy.step["code"] == "courtesy" and [i["invoice_no"] for i in courtesy.items] == [
        "S-1"
    ]


def test_a_draft_is_rendered_in_the_clients_language_with_its_statement(db, ledger, lead):
    save_settings(
        db, lead, FollowUpSettings(3, "Kaishu KK", {"JPY": "三菱UFJ銀行 本店 普通 1234567"})
    )
    draft = next(d for d in due_reminders(db, AS_OF) if d.client["client_code"] == "JP1")
    sender = {"name": "Priya Shah", "email": "priya@kaishu.example"}
    render_draft(db, draft, AS_OF, load_settings(db), sender)
    assert "【再度のお願い】" in draft.subject and "Kaishu KK" in draft.subject
    assert "三菱UFJ銀行 本店 普通 1234567" in draft.text and "20日が経過" in draft.text
    assert draft.attachment_name == "statement-JP1-2026-11-20.xlsx"
    assert draft.attachment[:2] == b"PK"


def test_the_statement_attachment_has_the_running_balance(db, ledger):
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(statement_xlsx(db, ledger, AS_OF, "ja"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("日付", "区分", "参照番号", "摘要", "請求額", "入金額", "残高", "通貨")
    assert [r[1] for r in rows[1:]] == ["請求"] * 4
    assert rows[-1][6] == 440_000  # four invoices of ¥110,000, nothing paid


def test_settings_are_the_leads(db, lead, collector):
    assert load_settings(db).grace_days == 3
    with pytest.raises(PermissionDenied):
        save_settings(db, collector, FollowUpSettings(5))
    with pytest.raises(FollowUpError, match="grace"):
        save_settings(db, lead, FollowUpSettings(99))
    assert save_settings(db, lead, FollowUpSettings(5, "Kaishu KK")) == 2
    assert load_settings(db).grace_days == 5
