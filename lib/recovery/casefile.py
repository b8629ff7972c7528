"""The case file for the legal team or the auditors: one PDF telling the whole case, and a
zip with that PDF, every attachment, and a manifest of their SHA-256 hashes.

The PDF has a cover (case, client, stage, money per currency), the stage history, the case
log, the letters issued (their issued PDFs appended whole, with pypdf), the settlement terms
and instalment status, the receipts applied to the case's invoices, and the write-offs with
any recoveries. A file that no longer matches its hash is refused rather than packed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from typing import Any

from pypdf import PdfReader, PdfWriter
from sqlite_utils import Database

from lib.auth import Actor, require
from lib.followups import dmy
from lib.money import format_money
from lib.recovery import PRIORITIES, STAGES
from lib.recovery import attachments as att
from lib.recovery.amounts import case_money
from lib.recovery.caselog import receipts, timeline
from lib.recovery.cases import case_by_id, case_invoice_rows
from lib.recovery.details import tags_of
from lib.recovery.letters import case_letters
from lib.recovery.pdfkit import Pdf, output
from lib.recovery.recoveries import case_recoveries
from lib.recovery.settings import load as recovery_settings
from lib.recovery.settlements import STATUS, case_settlements
from lib.recovery.stages import history
from lib.recovery.writeoffs import case_write_offs

MANIFEST_HEADINGS = ("file_name", "sha256", "size", "media_type", "uploaded_by", "uploaded_at")


def _cover(pdf: Pdf, case: dict, money, as_of: date) -> None:
    pdf.add_page()
    pdf.line_of("Recovery case file", size=11, color=(95, 105, 120))
    pdf.line_of(
        f"{case['case_no']} · {case['client_name']} ({case['client_code']})", size=16, gap=3
    )
    counsel = (case["counsel_name"], case["counsel_firm"], case["counsel_email"],
               case["counsel_phone"])  # fmt: skip
    closed = f"{dmy(case['closed_on'])}: {case['close_note'] or ''}" if case["closed_on"] else "—"
    deadline = "—"
    if case["next_deadline_on"]:
        deadline = f"{dmy(case['next_deadline_on'])} {case['next_deadline_note'] or ''}"
    facts = [
        ("Stage", STAGES[case["stage"]]),
        ("Opened", f"{dmy(case['opened_on'])} by {case['created_by']}: {case['reason']}"),
        ("Closed", closed),
        ("Assignee", case["assignee"] or "—"),
        ("Priority", PRIORITIES[case["priority"]]),
        ("Tags", ", ".join(tags_of(case)) or "—"),
        ("Legal counsel", " · ".join(x for x in counsel if x) or "—"),
        ("Next deadline or hearing", deadline),
        ("Figures as of", dmy(as_of.isoformat())),
    ]
    for label, value in facts:
        pdf.paragraph(f"{label}: {value}", size=10, gap=0.8)
    pdf.heading("Money per currency")
    rows = []
    for cur, f in sorted(money.by_currency.items()):
        values = (f.at_open, f.recovered, f.written_off, f.at_stake, f.interest)
        rows.append([cur, *(format_money(v, cur) for v in values)])
    heads = ["Currency", "At opening", "Recovered", "Written off", "At stake", "Interest"]
    pdf.grid(heads, rows, (20, 30, 30, 30, 30, 30), right=range(1, 6), size=9)


def _invoices(pdf: Pdf, db: Database, case_id: int, money) -> None:
    pdf.heading("Invoices in the case")
    now = {x["invoice_id"]: x for x in money.lines}
    rows = []
    for r in case_invoice_rows(db, case_id):
        line = now.get(r["invoice_id"])
        state = f"removed {dmy(r['removed_on'])}: {r['removal_reason']}" if r["removed_on"] else ""
        rows.append([
            r["invoice_no"], dmy(r["due_date"]), format_money(r["amount"], r["currency"]),
            format_money(r["outstanding_at_open"], r["currency"]),
            format_money(line["outstanding"], r["currency"]) if line else "—",
            f"added {dmy(r['added_on'])} by {r['added_by']}" + (f"; {state}" if state else ""),
        ])  # fmt: skip
    heads = ["Invoice", "Due", "Amount", "At opening", "At stake", "History"]
    pdf.grid(heads, rows, (28, 20, 25, 25, 25, 47), right=(2, 3, 4))


def _settlements(pdf: Pdf, db: Database, case_id: int, as_of: date) -> None:
    found = case_settlements(db, case_id, as_of)
    if not found:
        return
    pdf.heading("Settlements")
    for s in found:
        cur = s["currency"]
        state = (
            f"cancelled {dmy(s['cancelled_on'])}: {s['cancel_reason']}"
            if s["cancelled_on"]
            else "live"
        )
        pdf.paragraph(
            f"Agreed {dmy(s['agreed_on'])} by {s['created_by']} ({state}): "
            f"{format_money(s['agreed_amount'], cur)} of {format_money(s['outstanding'], cur)}"
            f" outstanding, waiver {format_money(s['waiver'], cur)}. Terms: {s['terms'] or '—'}",
            size=9.5,
        )  # fmt: skip
        rows = [
            [dmy(i.due_on), format_money(i.amount, cur), format_money(i.paid, cur),
             dmy(i.paid_on) if i.paid_on else "", STATUS[i.status]]
            for i in s["instalments"]
        ]  # fmt: skip
        pdf.grid(
            ["Due", "Amount", "Paid", "Covered on", "Status"],
            rows,
            (30, 35, 35, 30, 40),
            right=(1, 2),
        )


def _ledger(pdf: Pdf, db: Database, case_id: int, as_of: date) -> None:
    money_in = receipts(db, case_id)
    pdf.heading("Receipts applied to the case's invoices")
    rows = [
        [dmy(r["effective_date"]), r["invoice_no"], r["reference"] or r["payer_name"] or "",
         r["kind"] + (" (recovery after write-off)" if r["recovery"] else ""),
         format_money(r["amount"], r["currency"])]
        for r in money_in
    ]  # fmt: skip
    if rows:
        pdf.grid(
            ["Value date", "Invoice", "Receipt", "Kind", "Amount"],
            rows,
            (22, 28, 50, 45, 25),
            right=(4,),
        )
    else:
        pdf.paragraph("No money has reached the case's invoices since they joined it.", size=9.5)
    write_offs = case_write_offs(db, case_id, as_of)
    if write_offs:
        pdf.heading("Write-offs")
        rows = [
            [dmy(w["effective_date"]), w["invoice_no"], format_money(w["amount"], w["currency"]),
             f"{w['approved_by']} ({w['approval_ref'] or '—'})", w["reason"],
             format_money(w["recovered"], w["currency"]),
             f"reversed: {w['reversal_reason']}" if w["reversed_at"] else "stands"]
            for w in write_offs
        ]  # fmt: skip
        heads = ["Effective", "Invoice", "Amount", "Approved by", "Reason", "Recovered", "State"]
        pdf.grid(heads, rows, (19, 24, 22, 28, 37, 22, 18), right=(2, 5), size=8)
    recovered = case_recoveries(db, case_id)
    if recovered:
        pdf.heading("Recoveries after write-off")
        rows = [
            [dmy(v["effective_date"]), v["invoice_no"], v["reference"] or v["payer_name"] or "",
             format_money(v["amount"], v["currency"]), "reversed" if v["reversed_at"] else "stands"]
            for v in recovered
        ]  # fmt: skip
        pdf.grid(
            ["Date", "Invoice", "Receipt", "Amount", "State"],
            rows,
            (25, 30, 55, 30, 30),
            right=(3,),
        )


def _total(totals: dict[str, dict[str, int]]) -> str:
    return " + ".join(format_money(t["total"], c) for c, t in sorted(totals.items()))


def case_file_pdf(db: Database, actor: Actor, case_id: int, as_of: date) -> bytes:
    """The case file as one PDF, the issued letters appended at the end."""
    require(actor, "recovery")
    case = case_by_id(db, case_id)
    money = case_money(db, case_id, as_of, recovery_settings(db).interest_rate_bp)
    pdf = Pdf(footer=f"{case['case_no']} case file · {dmy(as_of.isoformat())}")
    pdf.set_title(f"Case file {case['case_no']}")
    _cover(pdf, case, money, as_of)
    _invoices(pdf, db, case_id, money)
    pdf.heading("Stage history")
    rows = [
        [dmy(s["entered_on"]), STAGES.get(s["from_stage"] or "", "—"), STAGES[s["stage"]],
         s["moved_by"], s["reason"] + (f" (skipped: {', '.join(STAGES[x] for x in s['skipped'])})"
                                       if s["skipped"] else "")]
        for s in history(db, case_id)
    ]  # fmt: skip
    pdf.grid(["Date", "From", "To", "By", "Why"], rows, (20, 32, 32, 22, 64))
    letters = case_letters(db, case_id)
    if letters:
        pdf.heading("Letters issued (each appended at the end)")
        rows = [
            [x["letter_no"], dmy(x["issued_on"]), x["content"]["kind_label"], x["language"],
             dmy(x["pay_by"]), _total(x["totals"]),
             x["issued_by"]]
            for x in reversed(letters)
        ]  # fmt: skip
        heads = ["Letter", "Issued", "Kind", "Lang.", "Pay by", "Total due", "By"]
        pdf.grid(heads, rows, (36, 19, 28, 11, 19, 35, 22), right=(5,), size=8)
    _settlements(pdf, db, case_id, as_of)
    _ledger(pdf, db, case_id, as_of)
    pdf.heading("Case log")
    rows = [
        [dmy(e["date"]), e["kind"], e["who"], e["what"]] for e in reversed(timeline(db, case_id))
    ]
    pdf.grid(["Date", "What", "By", "Details"], rows, (20, 28, 22, 100), size=8)
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(output(pdf))))
    for letter in reversed(letters):
        _, data = att.read(db, letter["pdf_id"])
        writer.append(PdfReader(io.BytesIO(data)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def manifest_rows(db: Database, case_id: int) -> list[dict[str, Any]]:
    """One manifest row per attachment, with the name it has inside the zip."""
    return [
        {**a, "zip_name": f"attachments/{a['id']:05d}-{a['file_name']}"}
        for a in att.case_attachments(db, case_id)
    ]


def case_file_zip(db: Database, actor: Actor, case_id: int, as_of: date) -> bytes:
    """The zip: the case file PDF, every attachment, and manifest.csv (file name, sha256,
    size, media type, uploaded by, uploaded at)."""
    require(actor, "recovery")
    case = case_by_id(db, case_id)
    pdf_name = f"{case['case_no']}-case-file.pdf"
    buffer = io.BytesIO()
    manifest = io.StringIO()
    writer = csv.writer(manifest, lineterminator="\r\n")
    writer.writerow(MANIFEST_HEADINGS)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(pdf_name, case_file_pdf(db, actor, case_id, as_of))
        for row in manifest_rows(db, case_id):
            _, data = att.read(db, row["id"])
            archive.writestr(row["zip_name"], data)
            writer.writerow([row["zip_name"], *(row[k] for k in MANIFEST_HEADINGS[1:])])
        archive.writestr("manifest.csv", manifest.getvalue().encode("utf-8"))
    return buffer.getvalue()
