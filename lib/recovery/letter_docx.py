"""A recovery letter as a Word document (python-docx), from the same content as the PDF, so
the legal team can edit it before a court filing.

No font file is needed: Word or LibreOffice picks the fonts on opening. Japanese letters name
an East Asian font (Yu Gothic, else the reader's default) so the text never shows as boxes.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

GREY = RGBColor(0x5F, 0x69, 0x78)
ALIGN = {
    "L": WD_ALIGN_PARAGRAPH.LEFT,
    "R": WD_ALIGN_PARAGRAPH.RIGHT,
    "C": WD_ALIGN_PARAGRAPH.CENTER,
}


def _set_fonts(document: Any, language: str) -> None:
    style = document.styles["Normal"]
    style.font.name = "Yu Gothic" if language == "ja" else "Calibri"
    style.font.size = Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "Yu Gothic")
    style.paragraph_format.space_after = Pt(4)


def _line(document: Any, text: str, size: float = 10.5, align: str = "L", grey: bool = False,
          bold: bool = False, after: float = 0) -> None:  # fmt: skip
    paragraph = document.add_paragraph()
    paragraph.alignment = ALIGN[align]
    paragraph.paragraph_format.space_after = Pt(after)
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    if grey:
        run.font.color.rgb = GREY


def _table(document: Any, headings: list[str], rows: list[list[str]], right_from: int) -> None:
    if not rows:
        return
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for n, heading in enumerate(headings):
        cell = table.rows[0].cells[n]
        cell.text = ""
        run = cell.paragraphs[0].add_run(heading)
        run.bold = True
        run.font.size = Pt(9)
    for values in rows:
        cells = table.add_row().cells
        for n, value in enumerate(values):
            cells[n].text = ""
            paragraph = cells[n].paragraphs[0]
            paragraph.alignment = ALIGN["R"] if n >= right_from else ALIGN["L"]
            paragraph.add_run(str(value)).font.size = Pt(9)
    document.add_paragraph()


def render_docx(content: dict[str, Any]) -> bytes:
    """The letter as .docx bytes."""
    ja = content["language"] == "ja"
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin = section.bottom_margin = Mm(18)
    _set_fonts(document, content["language"])
    document.core_properties.title = f"{content['kind_label']} {content['letter_no']}"
    document.core_properties.author = content["company"]
    _line(document, content["company"], size=15, bold=True)
    for line in content["letterhead"]:
        _line(document, line, size=8.5, grey=True)
    _line(document, "", after=4)
    _line(document, content["date"], align="R")
    _line(document, content["reference"], size=9, align="R", grey=True, after=8)
    for n, line in enumerate(content["addressee"]):
        _line(document, line, size=11 if n == 0 else 10.5, bold=n == 0)
    _line(document, "", after=6)
    _line(document, content["subject"], size=16 if ja else 12.5, align="C" if ja else "L",
          bold=True, after=8)  # fmt: skip
    for text in content["paragraphs"]:
        _line(document, text, after=6)
    if ja:
        _line(document, "記", size=11, align="C", after=4)
    _table(document, content["headings"], content["rows"], content["right_from"])
    _table(
        document, content["totals_headings"], content["totals_rows"], content["totals_right_from"]
    )
    if content["interest_note"]:
        _line(document, content["interest_note"], size=9, after=6)
    _line(document, content["pay_by_line"], size=11.5, bold=True, after=6)
    _line(document, content["bank_heading"], bold=True)
    for bank in content["banks"]:
        for n, part in enumerate(bank.splitlines()):
            _line(document, part if n == 0 else f"    {part}", size=10)
    _line(document, "", after=8)
    if content["closing"]:
        _line(document, content["closing"], after=10)
    name, title, company = content["signatory"]
    lines = [company, f"{title}　{name}"] if ja else [name, title, company]
    for line in lines:
        _line(document, line, align="R" if ja else "L")
    if ja:
        _line(document, "以上", align="R")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
