"""The case log and its attachments: who may log, type and size checks, storage by hash."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date

import pytest
from recovery_data import LEAD, OPENED, ledger, open_case

from lib.auth import PermissionDenied
from lib.recovery import RecoveryError, attachments, caselog, details
from lib.recovery import settings as rs

DAY = date(2026, 6, 10)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
EML = b"From: keiri@yamada.example\r\nSubject: Re: payment\r\n\r\nWe will pay next week.\r\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def ids(db):
    return ledger(db)


@pytest.fixture
def case(db, ids):
    return open_case(db, ids, "a")


def test_a_collector_logs_a_call_with_files_stored_by_hash(db, case, collector, tmp_path):
    files = [attachments.Upload("notice.pdf", PDF), attachments.Upload("reply.eml", EML)]
    event = caselog.add_event(db, collector, case, "call", "Spoke to Tanaka-san", DAY, DAY, files)
    rows = caselog.events(db, case)
    assert rows[0]["id"] == event and rows[0]["created_by"] == "priya"
    assert [f["file_name"] for f in rows[0]["files"]] == ["notice.pdf", "reply.eml"]
    stored = rows[0]["files"][0]
    assert stored["sha256"] == hashlib.sha256(PDF).hexdigest()
    path = attachments.path_for(db, stored["sha256"])
    assert path == tmp_path / "attachments" / stored["sha256"][:2] / stored["sha256"]
    assert path.read_bytes() == PDF
    assert stored["media_type"] == "application/pdf" and stored["size"] == len(PDF)
    assert attachments.read(db, stored["id"])[1] == PDF


def test_the_same_file_twice_is_stored_once(db, case, collector, tmp_path):
    for n in range(2):
        upload = [attachments.Upload(f"copy{n}.png", PNG)]
        caselog.add_event(db, collector, case, "document_received", "", DAY, DAY, upload)
    assert db["attachments"].count == 2
    assert len([p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("virus.exe", b"MZ\x90\x00", "attach a PDF"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not look like a real PDF"),
        ("photo.jpg", PNG, "does not look like a real JPG"),
        ("empty.pdf", b"", "is empty"),
        ("letter.docx", b"PK\x03\x04 not really a zip", "does not look like a real DOCX"),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_written(db, case, collector, name, data, why):
    with pytest.raises(RecoveryError, match=why):
        caselog.add_event(
            db, collector, case, "note", "x", DAY, DAY, [attachments.Upload(name, data)]
        )
    assert db["case_events"].count == 0 and db["attachments"].count == 0


def test_real_docx_msg_and_jpeg_are_accepted(db, case, collector):
    files = [
        attachments.Upload("draft.docx", docx_bytes()),
        attachments.Upload("mail.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50),
        attachments.Upload("scan.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 50),
    ]
    caselog.add_event(db, collector, case, "document_received", "", DAY, DAY, files)
    kinds = [r[0] for r in db.execute("SELECT media_type FROM attachments ORDER BY id")]
    assert kinds[1:] == ["application/vnd.ms-outlook", "image/jpeg"]


def test_files_over_the_leads_limit_are_refused(db, case, collector):
    rs.save(db, LEAD, rs.RecoverySettings(attachment_limit_mb=1))
    big = attachments.Upload("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(RecoveryError, match="the limit is 1 MB"):
        caselog.add_event(db, collector, case, "note", "x", DAY, DAY, [big])


def test_an_intern_logs_only_on_a_case_assigned_to_them(db, case, intern):
    with pytest.raises(PermissionDenied):
        caselog.add_event(db, intern, case, "call", "no answer", DAY, DAY)
    details.update_details(db, LEAD, case, {"assignee": "ravi"})
    caselog.add_event(db, intern, case, "call", "no answer", DAY, DAY)
    assert caselog.events(db, case)[0]["created_by"] == "ravi"


def test_log_entries_need_a_kind_a_note_and_a_sensible_date(db, case, collector):
    with pytest.raises(RecoveryError, match="choose what happened"):
        caselog.add_event(db, collector, case, "letter_issued", "x", DAY, DAY)
    with pytest.raises(RecoveryError, match="write what happened"):
        caselog.add_event(db, collector, case, "call", " ", DAY, DAY)
    with pytest.raises(RecoveryError, match="future"):
        caselog.add_event(db, collector, case, "call", "x", date(2026, 6, 11), DAY)
    with pytest.raises(RecoveryError, match="before the case was opened"):
        caselog.add_event(db, collector, case, "call", "x", date(2026, 5, 1), DAY)


def test_the_timeline_merges_log_stages_and_appears_on_the_client_timeline(db, ids, case):
    caselog.add_event(db, LEAD, case, "meeting", "Met the CFO", DAY, DAY)
    kinds = [e["kind"] for e in caselog.timeline(db, case)]
    assert kinds == ["Meeting", "Stage"]
    from lib.followups.timeline import client_timeline

    events = client_timeline(db, ids["client"], DAY, 3)
    assert any(e["kind"] == "Case" and "Met the CFO" in e["what"] for e in events)
    assert any("RC-2026-0001" in e["what"] and "opened at" in e["what"] for e in events)


def test_a_stored_file_that_was_changed_is_refused(db, case, collector):
    caselog.add_event(
        db, collector, case, "note", "x", OPENED, DAY, [attachments.Upload("a.pdf", PDF)]
    )
    row = next(db.query("SELECT * FROM attachments"))
    attachments.path_for(db, row["sha256"]).write_bytes(PDF + b"tampered")
    with pytest.raises(RecoveryError, match="changed"):
        attachments.read(db, row["id"])
