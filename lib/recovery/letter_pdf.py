"""A recovery letter as PDF (fpdf2, IPA Gothic embedded), drawn from the letter's content.

The layout follows the letter: letterhead, date and reference on the right, the addressee,
the subject, the body, the invoice table and the totals per currency, the interest note, the
payment deadline, the bank details and the signature. Japanese letters put 記 before the
table and 以上 at the end, as a formal 督促状 or 催告書 does.
"""

from __future__ import annotations

from typing import Any

from lib.recovery.pdfkit import GREY, RULE, Pdf, output

TABLE_WIDTHS = {
    6: (34, 24, 24, 30, 30, 18),
    7: (28, 21, 21, 27, 27, 15, 23),
}


def draw_letter(pdf: Pdf, content: dict[str, Any]) -> None:
    """Add the letter's pages to ``pdf`` (the case file reuses this)."""
    ja = content["language"] == "ja"
    pdf.add_page()
    pdf.line_of(content["company"], size=15)
    for line in content["letterhead"]:
        pdf.line_of(line, size=8.5, color=GREY)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y() + 1.5, pdf.w - pdf.r_margin, pdf.get_y() + 1.5)
    pdf.ln(5)
    pdf.line_of(content["date"], size=10, align="R")
    pdf.line_of(content["reference"], size=9, align="R", color=GREY, gap=4)
    for n, line in enumerate(content["addressee"]):
        pdf.line_of(line, size=11 if n == 0 else 10)
    pdf.ln(6)
    pdf.line_of(content["subject"], size=16 if ja else 12.5, align="C" if ja else "L", gap=5)
    for text in content["paragraphs"]:
        pdf.paragraph(text, size=10)
    if ja:
        pdf.line_of("記", size=11, align="C", gap=2)
    widths = TABLE_WIDTHS.get(len(content["headings"]))
    money_cols = range(content["right_from"], len(content["headings"]))
    pdf.grid(content["headings"], content["rows"], widths, right=money_cols)
    totals_cols = range(content["totals_right_from"], len(content["totals_headings"]))
    widths_t = (30, 40, 40, 40) if len(content["totals_headings"]) == 4 else (30, 50)
    pdf.grid(
        content["totals_headings"], content["totals_rows"], widths_t, right=totals_cols, size=9
    )
    if content["interest_note"]:
        pdf.paragraph(content["interest_note"], size=8.5)
    pdf.line_of(content["pay_by_line"], size=11.5, gap=3)
    pdf.line_of(content["bank_heading"], size=10)
    for bank in content["banks"]:
        pdf.paragraph(bank, size=9.5, gap=1)
    pdf.ln(6)
    if content["closing"]:
        pdf.line_of(content["closing"], size=10, gap=6)
    name, title, company = content["signatory"]
    align = "R" if ja else "L"
    lines = [company, f"{title}　{name}"] if ja else [name, title, company]
    for line in lines:
        pdf.line_of(line, size=10, align=align)
    if ja:
        pdf.ln(4)
        pdf.line_of("以上", size=10, align="R")


def render_pdf(content: dict[str, Any], draft: bool = False) -> bytes:
    """The letter as PDF bytes; ``draft`` marks every page DRAFT, NOT ISSUED."""
    pdf = Pdf(footer=content["letter_no"], draft=draft, language=content["language"])
    pdf.set_title(f"{content['kind_label']} {content['letter_no']}")
    pdf.set_author(content["company"])
    draw_letter(pdf, content)
    return output(pdf)
