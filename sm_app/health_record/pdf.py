"""The health record as a PDF (fpdf2 and the DejaVu fonts in sm_app/fonts, like the documentation note). Pure:
what the service read, in; bytes out. Everything people wrote is drawn as text, characters the font lacks as �."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from sm_app.health_record.sections import SECTIONS

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FAMILY = "DejaVu"
TITLE = "Personal health record"
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def _when(value: datetime, tz: str) -> str:
    return value.astimezone(ZoneInfo(tz)).strftime("%b %d, %Y %I:%M %p %Z")


class _RecordPdf(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="Letter")
        self._footer_text = footer_text
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        for path in (regular, bold):
            if not path.is_file():
                raise RuntimeError(f"The health-record font is missing: {path}")
        self.add_font(FONT_FAMILY, "", str(regular))
        self.add_font(FONT_FAMILY, "B", str(bold))
        self._covered = frozenset(self.fonts[FONT_FAMILY.lower()].cmap) & frozenset(
            self.fonts[FONT_FAMILY.lower() + "B"].cmap)
        self.replaced = False

    def safe(self, text: str) -> str:
        out = []
        for ch in (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "):
            if ch == "\n" or ord(ch) in self._covered:
                out.append(ch)
            elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
                continue
            else:
                out.append(REPLACEMENT)
                self.replaced = True
        return "".join(out)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(90)
        self.cell(0, 8, self.safe(f"{self._footer_text} · Page {self.page_no()} of {{nb}}"), align="C")
        self.set_text_color(0)

    def para(self, text: str, *, size: float = 10, bold: bool = False, height: float = 5.2) -> None:
        self.set_font(FONT_FAMILY, "B" if bold else "", size)
        self.multi_cell(0, height, self.safe(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_record_pdf(*, clinic_name: str, patient_name: str, birth_date: date | None, made_at: datetime,
                      made_by: str, sections: dict[str, Iterable], tz: str) -> bytes:
    """Lay out the whole record, section by section: each entry's summary, its fields, who entered it and whether
    it is inactive. Deterministic for the same content (creation date = the time of the download)."""
    pdf = _RecordPdf(f"{clinic_name} · {TITLE}")
    pdf.set_creation_date(made_at)
    pdf.set_title(TITLE)  # generic metadata: file properties are shown by tools that are not the record
    pdf.set_creator(clinic_name)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.para(clinic_name, size=11, bold=True)
    pdf.para(TITLE, size=16, bold=True, height=9)
    pdf.para(f"Patient: {patient_name}")
    pdf.para("Date of birth: " + (birth_date.strftime("%b %d, %Y") if birth_date else "not recorded"))
    pdf.para(f"Downloaded by {made_by} on {_when(made_at, tz)}", size=9)
    for key, section in SECTIONS.items():
        entries = list(sections.get(key, ()))
        pdf.ln(3)
        pdf.para(section.label, size=13, bold=True, height=7)
        if not entries:
            pdf.para(f"No {section.label.lower()} recorded.", size=9)
            continue
        labels = {f.key: f.label for f in section.fields}
        for entry in sorted(entries, key=lambda e: not e.active):
            pdf.para(entry.summary + ("" if entry.active else " (inactive)"), bold=True)
            for field_key, value in entry.values:
                pdf.para(f"{labels[field_key]}: {value}", size=9.5, height=4.8)
            pdf.set_text_color(80)
            pdf.para(f"Entered by {entry.entered_by.words} · {_when(entry.entered_at, tz)}", size=8, height=4.4)
            pdf.set_text_color(0)
            pdf.ln(1)
    if pdf.replaced:
        pdf.ln(2)
        pdf.para(f"Characters that cannot be printed with this file's font are shown as {REPLACEMENT}.", size=9)
    return bytes(pdf.output())
