"""The Recovery pages in AppTest, per role: the list and board, a case (log, stage, letters,
settlement, write-off), opening a case from Today, the bad-debt report, recovery settings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import make_client, make_invoice
from conftest import open_app

from lib.auth import Actor
from lib.db import connect
from lib.followups import settings as follow_settings
from lib.recovery import cases, details, writeoffs
from lib.ui.context import today

TODAY = today()
LEAD = Actor("asha", "lead", name="Asha Rao")
PAGE = "pages/recovery_page.py"


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@pytest.fixture
def ledger(app_db):
    """Two clients 90 and 75 days late; a case open for the first, assigned to priya."""
    db = connect(app_db)
    follow_settings.save(
        db, LEAD, follow_settings.FollowUpSettings(3, "Kaishu", {"JPY": "MUFG 1234567"})
    )
    ids = {}
    for code, name, late in (("JP0001", "株式会社山田商事", 90), ("JP0002", "Sato Shoji KK", 75)):
        client = make_client(
            db, client_code=code, name=name, currency="JPY", owner="priya", language="ja"
        )
        ids[code] = client
        ids[f"{code}-inv"] = make_invoice(
            db,
            client_id=client,
            invoice_no=f"{code}-1",
            currency="JPY",
            amount=330_000,
            tax=0,
            invoice_date=ago(late + 30),
            due_date=ago(late),
        )
    ids["case"] = cases.open_case(
        db, LEAD, ids["JP0001"], [ids["JP0001-inv"]], "90 days late", TODAY - timedelta(days=5)
    )
    db.close()
    return ids


def case_page(username: str, tab: str = "Log"):
    """The case page as ``username`` with ``tab`` open (only the open tab runs)."""
    from conftest import ROOT, TEAM
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    role = {u: r for u, _, r in TEAM}[username]
    for key, value in (("authentication_status", True), ("username", username),
                       ("name", username), ("roles", [role]), ("logout", None),
                       ("rc-tab", tab)):  # fmt: skip
        at.session_state[key] = value
    at.query_params["case"] = f"RC-{TODAY.year}-0001"
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def button(at, key: str):
    return next(b for b in at.button if b.key == key)


def has_button(at, key: str) -> bool:
    return any(b.key == key for b in at.button)


def test_the_list_shows_cases_and_the_lead_sees_the_board(ledger):
    at = open_app("asha", PAGE)
    assert at.title[0].value == "Recovery cases"
    frame = at.dataframe[-1].value
    assert list(frame["Case"]) == [f"RC-{TODAY.year}-0001"]
    assert list(frame["At stake"]) == ["¥330,000"]
    assert any(m.label == "At stake (JPY)" for m in at.metric)
    collector = open_app("priya", PAGE)
    assert not any(m.label == "At stake (JPY)" for m in collector.metric)
    assert any(e.label == "Open a case by hand" for e in collector.expander)
    intern = open_app("ravi", PAGE)
    assert not any(e.label == "Open a case by hand" for e in intern.expander)


def test_an_intern_sees_the_case_but_no_controls_and_logs_only_when_assigned(ledger, app_db):
    at = case_page("ravi")
    assert at.title[0].value.startswith(f"RC-{TODAY.year}-0001")
    controls = ("rc-move-go", "rc-close-go", "rc-l-issue", "rc-s-go", "rc-log-go", "rc-d-save")
    controls += ("rc-ww-go", "rc-wr-go", "rc-file-1-go")
    for tab in ("Log", "Letters", "Settlement", "Write-off", "Invoices", "Particulars"):
        shown = case_page("ravi", tab)
        for key in controls:
            assert not has_button(shown, key), (tab, key)
    assert any("cases assigned to you" in c.value for c in at.caption)
    db = connect(app_db)
    details.update_details(db, LEAD, ledger["case"], {"assignee": "ravi"})
    at = case_page("ravi")
    assert not has_button(at, "rc-move-go")
    at.text_area(key="rc-log-note").input("No answer; left a message with reception")
    button(at, "rc-log-go").click().run()
    assert not at.exception, at.exception
    entry = next(db.query("SELECT * FROM case_events ORDER BY id DESC"))
    assert (entry["created_by"], entry["kind"]) == ("ravi", "call")


def test_a_collector_moves_the_case_a_step_and_cannot_skip(ledger, app_db):
    at = case_page("priya")
    assert at.selectbox(key="rc-move-to").options == ["Demand letter"]
    at.text_input(key="rc-move-why").input("No reply to the notice")
    button(at, "rc-move-go").click().run()
    assert not at.exception, at.exception
    assert any("Moved to Demand letter" in s.value for s in at.success)
    db = connect(app_db)
    assert db["cases"].get(ledger["case"])["stage"] == "demand_letter"


def test_the_lead_may_skip_stages(ledger, app_db):
    at = case_page("asha")
    at.selectbox(key="rc-move-to").select("legal_referral")
    at.text_input(key="rc-move-why").input("Client absconded")
    button(at, "rc-move-go").click().run()
    assert any("skipped Demand letter" in s.value for s in at.success)


def test_a_collector_previews_and_issues_a_demand_letter(ledger, app_db):
    at = case_page("priya", "Letters")
    at.radio(key="rc-l-kind").set_value("demand_letter").run()
    assert not at.exception, at.exception
    assert any("催告書" in m.value for m in at.markdown)
    invoices = next(d for d in at.dataframe if "未払額" in d.value.columns)
    assert '"alignment": "right"' in invoices.proto.columns  # amounts line up, as in the PDF
    assert any(d.label == "Download the draft PDF" for d in at.get("download_button"))
    button(at, "rc-l-issue").click().run()
    assert not at.exception, at.exception
    assert any(f"RC-{TODAY.year}-0001/DL-1 issued" in s.value for s in at.success)
    db = connect(app_db)
    assert db["letters"].count == 1
    assert db["cases"].get(ledger["case"])["stage"] == "demand_letter"


def test_a_collector_records_a_settlement(ledger, app_db):
    at = case_page("priya", "Settlement")
    at.text_input(key="rc-s-amount-JPY").input("300000").run()
    at.number_input(key="rc-s-count").set_value(3).run()
    button(at, "rc-s-go").click().run()
    assert not at.exception, at.exception
    db = connect(app_db)
    row = next(db.query("SELECT * FROM settlements"))
    assert (row["agreed_amount"], row["waiver"]) == (300_000, 30_000)
    assert db.execute("SELECT COUNT(*) FROM settlement_instalments").fetchone()[0] == 3
    assert db["cases"].get(ledger["case"])["stage"] == "settlement"


def test_a_collector_asks_for_a_write_off_and_the_lead_approves(ledger, app_db):
    at = case_page("priya", "Write-off")
    assert not has_button(at, "rc-ww-go")
    at.text_input(key="rc-wr-why").input("Company struck off")
    button(at, "rc-wr-go").click().run()
    assert not at.exception, at.exception
    lead = open_app("asha", PAGE)
    assert any("Write-offs waiting for your approval (1)" in e.label for e in lead.expander)
    lead = case_page("asha", "Write-off")
    request = writeoffs.pending(connect(app_db))[0]["id"]
    lead.text_input(key=f"rc-wd-ref-{request}").input("CFO mail 14/07")
    button(lead, f"rc-wd-Approve-{request}").click().run()
    assert not lead.exception, lead.exception
    entry = next(connect(app_db).query("SELECT * FROM write_offs"))
    assert (entry["amount"], entry["approval_ref"], entry["approved_by"]) == (
        330_000,
        "CFO mail 14/07",
        "asha",
    )


def test_the_lead_closes_the_case_as_written_off(ledger, app_db):
    collector = case_page("priya")
    assert "written_off" not in collector.selectbox(key="rc-close-how").options
    at = case_page("asha")
    at.selectbox(key="rc-close-how").select("written_off").run()
    at.text_input(key="rc-close-why").input("Client insolvent")
    at.text_input(key="rc-close-ref").input("BOARD-7")
    button(at, "rc-close-go").click().run()
    assert not at.exception, at.exception
    db = connect(app_db)
    assert db["cases"].get(ledger["case"])["stage"] == "written_off"
    reopened = case_page("asha")
    assert has_button(reopened, "rc-reopen-go") and not has_button(
        case_page("priya"), "rc-reopen-go"
    )


def test_today_offers_to_open_a_case_and_the_form_opens_it(ledger, app_db):
    at = open_app("priya", "pages/today_page.py")
    assert not at.exception, at.exception
    assert at.subheader[0].value == "Sato Shoji KK"  # the client in a case left the list
    links = [x for x in at.get("page_link") if x.proto.label == "Open a recovery case"]
    assert links and "open=JP0002" in links[0].proto.query_string
    form = open_app("priya", PAGE, query={"open": "JP0002"})
    assert form.title[0].value == "Open a recovery case"
    assert any("1 proposed" in m.value for m in form.markdown)
    button(form, "rc-open-go").click().run()
    assert not form.exception, form.exception
    db = connect(app_db)
    assert db["cases"].count == 2
    new = next(db.query("SELECT * FROM case_invoices WHERE invoice_id = ?", [ledger["JP0002-inv"]]))
    assert new["outstanding_at_open"] == 330_000
    today_page = open_app("priya", "pages/today_page.py")
    assert not any(s.value == "Sato Shoji KK" for s in today_page.subheader)


def test_interns_cannot_open_a_case_by_url(ledger):
    at = open_app("ravi", PAGE, query={"open": "JP0002"})
    assert any("Only collectors and the lead" in e.value for e in at.error)
    assert not has_button(at, "rc-open-go")


def test_the_case_shows_on_the_client_page_and_timeline(ledger):
    at = open_app("ravi", "pages/clients_page.py", query={"client": "JP0001"})
    assert not at.exception, at.exception
    assert any(f"RC-{TODAY.year}-0001" in m.value for m in at.markdown)


def test_deadlines_and_flags_show_on_the_assignees_today(ledger, app_db):
    db = connect(app_db)
    details.update_details(
        db,
        LEAD,
        ledger["case"],
        {"next_deadline_on": TODAY + timedelta(days=2), "next_deadline_note": "Hearing"},
    )
    at = open_app("priya", "pages/today_page.py")
    assert any("Recovery cases needing you (1" in e.label for e in at.expander)
    assert any("Hearing in 2 days" in m.value for m in at.markdown)
    other = open_app("asha", "pages/today_page.py")
    assert not any("Recovery cases needing you" in e.label for e in other.expander)


def test_the_bad_debt_report_is_the_leads(ledger, app_db):
    db = connect(app_db)
    writeoffs.write_off(
        db, LEAD, [(ledger["JP0001-inv"], None)], "insolvent", "B-1", TODAY, TODAY, ledger["case"]
    )
    at = open_app("asha", "pages/bad_debt_page.py")
    assert not at.exception, at.exception
    assert any(m.label == "Net bad debt (JPY)" and m.value == "¥330,000" for m in at.metric)
    assert {d.label for d in at.get("download_button")} == {"Download (.xlsx)", "Download (.csv)"}
    refused = open_app("priya", "pages/bad_debt_page.py")
    assert any("can't open" in e.value for e in refused.error)


def test_the_lead_sets_the_interest_rate_and_edits_the_wording(ledger, app_db):
    at = open_app("asha", "pages/recovery_settings_page.py")
    assert not at.exception, at.exception
    at.number_input[0].set_value(14.6)
    at.button[0].click().run()  # the form's Save
    assert not at.exception, at.exception
    from lib.recovery.settings import load

    assert load(connect(app_db)).interest_rate_bp == 1460
    refused = open_app("ravi", "pages/recovery_settings_page.py")
    assert any("can't open" in e.value for e in refused.error)


def test_an_unknown_case_number_says_so(ledger):
    at = open_app("priya", PAGE, query={"case": "RC-1999-0001"})
    assert any("No recovery case RC\\-1999\\-0001" in e.value for e in at.error)


def test_a_hostile_client_name_is_shown_as_typed(ledger, app_db):
    db = connect(app_db)
    db["clients"].update(ledger["JP0001"], {"name": "**Bold** <b>x</b> [link](http://x)"})
    at = case_page("priya")
    assert not at.exception, at.exception
    assert "\\*\\*Bold\\*\\* \\<b\\>x" in at.title[0].value
    listed = open_app("priya", PAGE)
    assert list(listed.dataframe[-1].value["Client"]) == ["**Bold** <b>x</b> [link](http://x)"]


def test_the_board_says_who_needs_attention(ledger, app_db):
    db = connect(app_db)
    details.update_details(
        db, LEAD, ledger["case"], {"next_deadline_on": TODAY - timedelta(days=1)}
    )
    at = open_app("asha", PAGE)
    people = next(d.value for d in at.dataframe if "Needs attention" in d.value.columns)
    assert list(people["Needs attention"]) == ["1 deadline(s) passed"]


def test_a_collector_logs_with_an_attachment_and_takes_the_case_file(ledger, app_db):
    at = case_page("priya")
    at.text_area(key="rc-log-note").input("Reply received by post")
    at.file_uploader[0].upload("reply.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf").run()
    button(at, "rc-log-go").click().run()
    assert not at.exception, at.exception
    assert any("with 1 file(s)" in s.value for s in at.success)
    db = connect(app_db)
    assert next(db.query("SELECT file_name FROM attachments"))["file_name"] == "reply.pdf"
    button(at, f"rc-file-{ledger['case']}-go").click().run()
    assert not at.exception, at.exception
    assert any(d.label.startswith("Download RC-") for d in at.get("download_button"))


def test_a_fake_pdf_is_refused_with_a_clear_message(ledger, app_db):
    at = case_page("priya")
    at.text_area(key="rc-log-note").input("Scan")
    at.file_uploader[0].upload("scan.pdf", b"MZ\x90\x00 program", "application/pdf").run()
    button(at, "rc-log-go").click().run()
    assert any("does not look like a real PDF" in e.value for e in at.error)
    assert connect(app_db)["case_events"].count == 0
