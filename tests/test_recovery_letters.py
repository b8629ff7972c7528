"""Recovery notices and demand letters: content, interest, .docx and PDF in English and
Japanese (the text comes back out of the PDF), issuing, numbering and the lead's wording."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader
from recovery_data import LEAD, ledger, open_case, set_rate

from lib.auth import PermissionDenied
from lib.followups import settings as follow_settings
from lib.recovery import RecoveryError, cases, letters, lettertext
from lib.recovery.attachments import read
from lib.recovery.letter_docx import render_docx
from lib.recovery.letter_pdf import render_pdf

ON = date(2026, 6, 20)


@pytest.fixture
def ids(db):
    return ledger(db)


@pytest.fixture
def case(db, ids):
    return open_case(db, ids, "abc")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_era_dates():
    assert letters.era_date(date(2026, 11, 20)) == "令和8年11月20日"
    assert letters.era_date(date(2019, 5, 1)) == "令和元年5月1日"
    assert letters.era_date(date(2019, 4, 30)) == "2019年4月30日"


def test_a_japanese_demand_letter_renders_to_pdf_and_the_text_comes_back(db, ids, case):
    set_rate(db, 1460)
    draft = letters.draft(db, LEAD, case, "demand_letter", "ja", ON)
    assert draft.problems == []
    assert draft.letter_no == "RC-2026-0001/DL-1"
    assert draft.totals["JPY"] == {
        "outstanding": 440_000,
        "interest": 10_692 + 2_244,
        "total": 452_936,
    }
    text = pdf_text(render_pdf(draft.content))
    expected = ["催告書", "株式会社山田商事　御中", "経理部 田中　様", "令和8年6月20日"]
    expected += ["令和8年6月27日", "三菱UFJ銀行", "遅延損害金", "¥452,936", "記", "以上"]
    for words in expected:
        assert words in text, words
    assert "₹1,18,000.00" in text or "Rs.1,18,000.00" in text


def test_an_english_notice_without_interest_has_no_interest_column(db, ids, case):
    draft = letters.draft(db, LEAD, case, "recovery_notice", "en", ON)
    assert draft.content["headings"][-1] == "Days late"
    assert draft.content["interest_note"] == ""
    text = pdf_text(render_pdf(draft.content))
    assert "Recovery notice: overdue invoices (RC-2026-0001)" in text
    assert "Dear 経理部 田中," in text
    assert "04 Jul 2026" in text  # 14 days to pay by default
    assert "JP-A" in text and "¥330,000" in text
    assert "Interest" not in text


def test_the_docx_carries_the_same_text(db, ids, case):
    set_rate(db, 1000)
    draft = letters.draft(db, LEAD, case, "demand_letter", "en", ON)
    document = Document(io.BytesIO(render_docx(draft.content)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Demand for payment: final notice before legal action (RC-2026-0001)" in text
    assert "Please pay by: 27 Jun 2026" in text
    assert "Interest is charged at 10% a year" in text
    assert "JP-B" in cells and "¥110,000" in cells and "Interest" in cells


def test_letters_need_bank_details(db, ids, case):
    follow_settings.save(db, LEAD, follow_settings.FollowUpSettings(3, "Kaishu", {"JPY": "MUFG"}))
    draft = letters.draft(db, LEAD, case, "recovery_notice", "en", ON)
    assert draft.problems == [
        "no bank details for INR: the lead sets them on Reminder policy → Our details"
    ]
    with pytest.raises(RecoveryError, match="no bank details for INR"):
        letters.issue(db, LEAD, case, "recovery_notice", "en", ON)


def test_a_client_without_a_postal_address_is_pointed_out_but_not_a_bar(db, ids, case):
    assert letters.draft(db, LEAD, case, "recovery_notice", "en", ON).cautions == []
    db["clients"].update(ids["client"], {"address": None})
    draft = letters.draft(db, LEAD, case, "recovery_notice", "en", ON)
    assert draft.content["addressee"] == ["株式会社山田商事", "Attn: 経理部 田中"]
    assert draft.cautions == [
        "the client has no postal address on file, so the letter shows only its name; "
        "add the address on the client page to print it on the letter"
    ]
    assert draft.problems == []  # it may still go by email


def test_issuing_stores_both_files_logs_and_moves_the_case(db, ids, case, collector, intern):
    with pytest.raises(PermissionDenied):
        letters.issue(db, intern, case, "demand_letter", "en", ON)
    letter_id = letters.issue(db, collector, case, "demand_letter", "ja", ON, move_stage=True)
    row = db["letters"].get(letter_id)
    assert (row["letter_no"], row["pay_by"], row["issued_by"]) == (
        "RC-2026-0001/DL-1",
        "2026-06-27",
        "priya",
    )
    meta, pdf = read(db, row["pdf_id"])
    assert meta["origin"] == "letter" and meta["file_name"] == "RC-2026-0001_DL-1.pdf"
    assert "催告書" in pdf_text(pdf)
    meta, docx = read(db, row["docx_id"])
    assert meta["media_type"].endswith("wordprocessingml.document") and docx[:2] == b"PK"
    event = db["case_events"].get(row["event_id"])
    assert event["kind"] == "letter_issued" and "RC-2026-0001/DL-1" in event["note"]
    assert cases.case_by_id(db, case)["stage"] == "demand_letter"
    second = letters.issue(db, collector, case, "demand_letter", "en", ON)
    assert db["letters"].get(second)["letter_no"] == "RC-2026-0001/DL-2"
    assert [x["letter_no"] for x in letters.case_letters(db, case)] == [
        "RC-2026-0001/DL-2",
        "RC-2026-0001/DL-1",
    ]


def test_the_move_is_offered_only_for_the_next_stage(db, ids, case):
    row = cases.case_by_id(db, case)
    assert letters.offers_move(row, "demand_letter") == "demand_letter"
    assert letters.offers_move(row, "recovery_notice") is None


def test_the_lead_rewords_a_letter_and_can_go_back_to_the_default(db, ids, case, collector):
    with pytest.raises(PermissionDenied):
        lettertext.save_template(db, collector, "recovery_notice", "en", "S", "B")
    with pytest.raises(RecoveryError, match="does not work"):
        lettertext.save_template(db, LEAD, "recovery_notice", "en", "{{ nonsense }}", "Body")
    lettertext.save_template(
        db, LEAD, "recovery_notice", "en", "Final reminder {{ case_no }}",
        "Dear {{ contact }},\n\nPlease pay {{ total_text }} by {{ pay_by }}.",
    )  # fmt: skip
    draft = letters.draft(db, LEAD, case, "recovery_notice", "en", ON)
    assert draft.content["subject"] == "Final reminder RC-2026-0001"
    assert draft.content["paragraphs"] == [
        "Dear 経理部 田中,",
        "Please pay ₹1,18,000.00 + ¥440,000 by 04 Jul 2026.",
    ]
    assert lettertext.reset_template(db, LEAD, "recovery_notice", "en")
    assert not lettertext.template(db, "recovery_notice", "en")["custom"]


def test_a_template_with_html_stays_text(db, ids, case):
    db["clients"].update(ids["client"], {"name": "<b>Acme</b> & Co"})
    draft = letters.draft(db, LEAD, case, "recovery_notice", "en", ON)
    assert draft.content["addressee"][0] == "<b>Acme</b> & Co"
