"""The case file: one PDF telling the case with the issued letters appended, and a zip whose
manifest hashes match the files inside."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date

import pytest
from pypdf import PdfReader
from recovery_data import LEAD, ledger, open_case, receipt

from lib.auth import PermissionDenied
from lib.matching.actions import Line, match
from lib.recovery import attachments, casefile, caselog, letters
from lib.recovery.settlements import record_settlement
from lib.recovery.writeoffs import write_off

ON = date(2026, 6, 20)
PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n0"


@pytest.fixture
def case(db):
    ids = ledger(db)
    case = open_case(db, ids, "abc")
    files = [attachments.Upload("reply.pdf", PDF), attachments.Upload("photo.png", PNG)]
    caselog.add_event(db, LEAD, case, "document_received", "Reply from the client", ON, ON, files)
    letters.issue(db, LEAD, case, "demand_letter", "ja", ON)
    record_settlement(db, LEAD, case, "JPY", 400_000, ON, [(date(2026, 7, 1), 400_000)], "one", ON)
    paid = receipt(db, 400_000, "2026-07-01", reference="UTR-SETTLE-1")
    match(db, LEAD, paid, [Line(ids["a"], 330_000), Line(ids["b"], 70_000)])
    write_off(db, LEAD, [(ids["b"], None)], "settlement waiver", "M-3", ON, date(2026, 7, 2), case)
    return case


def test_the_zip_holds_the_pdf_every_attachment_and_a_manifest_of_hashes(db, case):
    data = casefile.case_file_zip(db, LEAD, case, date(2026, 7, 2))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names[0] == "RC-2026-0001-case-file.pdf" and names[-1] == "manifest.csv"
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8"))))
    assert len(manifest) == 4  # two uploads, and the letter as .docx and PDF
    for row in manifest:
        inside = archive.read(row["file_name"])
        assert hashlib.sha256(inside).hexdigest() == row["sha256"]
        assert int(row["size"]) == len(inside)
        assert row["uploaded_by"] == "lead1" and row["media_type"]
    assert {r["file_name"].split("-", 1)[1] for r in manifest} >= {"reply.pdf", "photo.png"}


def test_the_pdf_tells_the_case_and_appends_the_issued_letter(db, case):
    pdf = PdfReader(io.BytesIO(casefile.case_file_pdf(db, LEAD, case, date(2026, 7, 2))))
    text = "\n".join(p.extract_text() for p in pdf.pages)
    expected = ["RC-2026-0001 · 株式会社山田商事", "Stage history", "RC-2026-0001/DL-1"]
    expected += ["Settlements", "Paid", "UTR-SETTLE-1", "settlement waiver", "催告書"]
    for words in [*expected, "Reply from the client"]:
        assert words in text, words
    assert "催告書" in pdf.pages[-1].extract_text()  # the issued letter comes last


def test_interns_cannot_take_the_case_file(db, case, intern):
    with pytest.raises(PermissionDenied):
        casefile.case_file_zip(db, intern, case, ON)
