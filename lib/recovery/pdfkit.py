"""The PDF groundwork letters and case files share: fonts that carry Japanese, and a few
layout helpers on top of fpdf2.

IPA PGothic (Debian's ``fonts-ipafont-gothic``: TrueType files fpdf2 embeds; ipagp.ttf, the
proportional one, else ipag.ttf) carries Japanese, Latin and ¥; the rupee sign ₹ is not in
it, so DejaVu Sans (on every Debian system through fontconfig) is the fallback for missing
glyphs, and when neither has it the text says "Rs." instead of dropping the character.
Japanese paragraphs wrap at any character (they have no spaces); English wraps at words.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import Align, WrapMode, XPos, YPos

IPA_GOTHIC = Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf")
IPA_PGOTHIC = IPA_GOTHIC.with_name("ipagp.ttf")  # same package, proportional Latin: reads better
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
MAIN, FALLBACK = "ipag", "dejavu"
INK, GREY, RULE = (25, 35, 50), (95, 105, 120), (200, 209, 220)
HEAD_FILL = (31, 78, 121)


class FontMissing(RuntimeError):
    """The Japanese font is not installed (``make run`` / ``make test`` install it)."""


class Pdf(FPDF):
    """An A4 page with the fonts set up, a footer line, and an optional DRAFT band."""

    def __init__(self, footer: str = "", draft: bool = False, language: str = "en") -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        if not IPA_GOTHIC.exists():
            raise FontMissing(
                f"{IPA_GOTHIC} is missing: install Debian's fonts-ipafont-gothic (make run does)"
            )
        font = str(IPA_PGOTHIC if IPA_PGOTHIC.exists() else IPA_GOTHIC)
        self.add_font(MAIN, "", font)
        self.add_font(MAIN, "B", font)  # IPA Gothic has one weight
        self.has_fallback = DEJAVU.exists()
        if self.has_fallback:
            self.add_font(FALLBACK, "", str(DEJAVU))
            self.set_fallback_fonts([FALLBACK], exact_match=False)
        self.footer_text = footer
        self.draft = draft
        self.language = language
        self.set_margins(20, 18, 20)
        self.set_auto_page_break(True, margin=18)
        self.set_font(MAIN, size=10)
        self.set_text_color(*INK)
        self.set_creator("Kaishu")

    def safe(self, text: str) -> str:
        """Text the fonts can draw (₹ becomes Rs. when no fallback font is installed)."""
        return text if self.has_fallback else text.replace("₹", "Rs.")

    def header(self) -> None:
        if self.draft:
            self.set_font(MAIN, size=9)
            self.set_text_color(190, 30, 30)
            label = (
                "下書き（未発行）· DRAFT, NOT ISSUED"
                if self.language == "ja"
                else "DRAFT, NOT ISSUED"
            )
            self.cell(0, 5, label, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(*INK)
            self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(MAIN, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.safe(f"{self.footer_text}   {self.page_no()}/{{nb}}"), align=Align.R)
        self.set_text_color(*INK)

    def line_of(
        self, text: str, size: float = 10, align: str = "L", color=INK, gap: float = 0
    ) -> None:
        """One line of text across the page."""
        self.set_font(MAIN, size=size)
        self.set_text_color(*color)
        self.cell(0, size * 0.5, self.safe(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        if gap:
            self.ln(gap)

    def paragraph(self, text: str, size: float = 10, gap: float = 2.5, align: str = "L") -> None:
        """A wrapped paragraph; Japanese wraps at any character."""
        self.set_font(MAIN, size=size)
        wrap = WrapMode.CHAR if self.language == "ja" else WrapMode.WORD
        self.multi_cell(
            0, size * 0.52, self.safe(text), align=align, wrapmode=wrap,
            new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        )  # fmt: skip
        self.ln(gap)

    def heading(self, text: str, size: float = 12) -> None:
        """A section heading with a thin rule under it."""
        self.ln(2)
        self.line_of(text, size=size)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y() + 0.5, self.w - self.r_margin, self.get_y() + 0.5)
        self.ln(2.5)

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float] | None = None,
        right: Sequence[int] = (),
        size: float = 8.5,
    ) -> None:
        """A table with a filled heading row; columns in ``right`` are right-aligned."""
        if not rows:
            return
        self.set_font(MAIN, size=size)
        align = tuple("RIGHT" if n in right else "LEFT" for n in range(len(headings)))
        style = FontFace(color=(255, 255, 255), fill_color=HEAD_FILL)
        with self.table(
            col_widths=tuple(widths) if widths else None,
            text_align=align,
            headings_style=style,
            line_height=size * 0.55,
            padding=1.2,
            borders_layout="SINGLE_TOP_LINE",
            first_row_as_headings=True,
        ) as table:
            for values in [headings, *rows]:
                row = table.row()
                for value in values:
                    row.cell(self.safe(str(value)))
        self.ln(3)


def output(pdf: FPDF) -> bytes:
    """The document as bytes."""
    return bytes(pdf.output())
