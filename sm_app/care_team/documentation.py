"""Documentation notes: a completed conversation exported as a PDF for the patient's medical record.

Staff of the thread's care team only (the one access rule, `access.visible_threads`); anybody else gets
"not found", audited as a denial. Only a Completed conversation can be exported. The note holds what the
patient and the team said to each other — messages, template answers, attachment names — and nothing
staff-only: no internal notes, no hand-off history or routing reasons, no urgent-word evidence.

The service reads the thread itself rather than through `Messaging.open_thread`, which would mark
messages read and record a read; an export is recorded as `thread.export` (ids only). The PDF is built
with fpdf2 and the DejaVu fonts shipped in `sm_app/fonts`, off the event loop.
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.db import Database
from sm_app.adapters.models import Attachment, CareTeam, Message, Thread, ThreadEvent, User
from sm_app.identity.accounts import Actor
from sm_app.messaging.access import visible_threads
from sm_app.messaging.outcomes import outcome_label, outcome_status
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT_FAMILY = "DejaVu"
TITLE = "Secure messaging documentation note"
SIDES = {"patient": "Patient", "team": "Care team"}
ROLE_NAMES = {"nurse": "Nurse", "provider": "Provider", "pharmacist": "Pharmacist", "clerk": "Clerk"}
# Shown instead of a character the font has no glyph for (fpdf2 would drop it and log the text).
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


@dataclass(frozen=True)
class DocumentationNote:
    filename: str
    data: bytes
    media_type: str = "application/pdf"


@dataclass(frozen=True)
class NoteMessage:
    sender_name: str
    side: str  # "patient" | "team"
    sent_at: datetime
    body: str
    fields: tuple[tuple[str, str], ...]
    attachment_names: tuple[str, ...]


@dataclass(frozen=True)
class NoteContent:
    """Everything a documentation note shows, already opened; no staff-only information."""

    thread_id: str
    clinic_name: str
    patient_name: str
    team_name: str
    category: str
    subject: str
    started_at: datetime
    completed_at: datetime | None
    closed_at: datetime | None
    closed_reason: str
    messages: tuple[NoteMessage, ...]
    exported_by: str
    exported_by_role: str
    exported_at: datetime
    # The thread's structured outcome, when the clinic records one ("" otherwise).
    outcome: str = ""
    # The second patient identifier on the note (with the name); None when the clinic has not recorded it.
    patient_birth_date: date | None = None


class DocumentationNotes:
    def __init__(self, db: Database, keys: KeyRing, audit: AuditLog, clock: Clock, *, clinic_name: str,
                 timezone: str):
        self._db = db
        self._keys = keys
        self._audit = audit
        self._clock = clock
        self._clinic_name = clinic_name
        self._tz = timezone

    async def note_pdf(self, actor: Actor, thread_id: str) -> DocumentationNote:
        """A completed conversation as a PDF documentation note, for staff of its care team; audited.

        Raises NotFound for anyone else (patients included) and ValidationError("Export", ...) when the
        conversation is not Completed.
        """
        try:
            content = await self._content(actor, thread_id)
        except NotFound:
            await self._audit.record_alone(actor_id=actor.user_id, action="thread.export", object_type="thread",
                                           object_id=(thread_id or "")[:64], outcome="denied")
            raise
        # Recorded before the note leaves the service: every export of health data is in the audit chain.
        await self._audit.record_alone(actor_id=actor.user_id, action="thread.export", object_type="thread",
                                       object_id=content.thread_id, detail="documentation_note pdf")
        # Building a PDF is CPU work (font parsing, subsetting): keep it off the event loop.
        data = await asyncio.to_thread(render_pdf, content, self._tz)
        return DocumentationNote(f"documentation-note-{content.thread_id[:8]}.pdf", data)

    async def _content(self, actor: Actor, thread_id: str) -> NoteContent:
        if not actor.is_staff:
            raise NotFound("conversation")
        async with self._db.read() as s:
            thread = (await s.execute(select(Thread).where(Thread.id == thread_id, visible_threads(actor)))
                      ).scalar_one_or_none()
            if thread is None:
                raise NotFound("conversation")
            if thread.status != "completed":
                raise ValidationError("Export",
                                      "Only a completed conversation can be exported as a documentation note.")
            team_name = (await s.get(CareTeam, thread.team_id)).name
            patient = await s.get(User, thread.patient_id)
            rows = (await s.execute(
                select(Message, User.name).join(User, User.id == Message.sender_id)
                .where(Message.thread_id == thread.id).order_by(Message.created_at, Message.id)
            )).all()
            files = (await s.scalars(
                select(Attachment).where(Attachment.message_id.in_([m.id for m, _ in rows]))
                .order_by(Attachment.created_at, Attachment.id)
            )).all() if rows else []
            # Only the time of the last change to Completed; the rest of the history (hand-offs, reasons) stays out.
            completed_at = await self._completed_at(s, thread)
        names: dict[str, list[str]] = {}
        for f in files:
            names.setdefault(f.message_id, []).append(
                self._keys.open(f.name_enc, table="attachments", row_id=f.id, column="name"))
        messages = tuple(
            NoteMessage(sender, m.from_side, as_utc(m.created_at),
                        self._keys.open(m.body_enc, table="messages", row_id=m.id, column="body"),
                        self._fields(m), tuple(names.get(m.id, ())))
            for m, sender in rows
        )
        closed_reason = ""
        if thread.closed_at is not None and thread.closed_reason_enc is not None:
            closed_reason = self._keys.open(thread.closed_reason_enc, table="threads", row_id=thread.id,
                                            column="closed_reason")
        return NoteContent(
            thread_id=thread.id, clinic_name=self._clinic_name, patient_name=patient.name, team_name=team_name,
            patient_birth_date=patient.birth_date, outcome=self._outcome(thread),
            category=thread.category,
            subject=self._keys.open(thread.subject_enc, table="threads", row_id=thread.id, column="subject"),
            started_at=as_utc(thread.created_at), completed_at=as_utc(completed_at) if completed_at else None,
            closed_at=as_utc(thread.closed_at) if thread.closed_at else None, closed_reason=closed_reason,
            messages=messages, exported_by=actor.name, exported_by_role=ROLE_NAMES.get(actor.role, actor.role),
            exported_at=self._clock.now(),
        )

    async def _completed_at(self, s: AsyncSession, thread: Thread) -> datetime | None:
        """When the conversation last became Completed: a status change, closing, an outcome that completes it (the
        usual way; the outcome itself stays sealed and is only looked up here) or a team-started message, which
        starts Completed."""
        events = (await s.execute(
            select(ThreadEvent).where(ThreadEvent.thread_id == thread.id,
                                      ThreadEvent.kind.in_(("status", "closed", "outcome", "team_started")))
            .order_by(ThreadEvent.id.desc())
        )).scalars()
        for event in events:
            if event.kind == "status" and event.status != "completed":
                continue
            if event.kind == "outcome" and outcome_status(self._event_outcome(event)) != "completed":
                continue
            return as_utc(event.at)
        return None

    def _event_outcome(self, event: ThreadEvent) -> str | None:
        if event.outcome_enc is None:
            return event.status  # recorded before outcomes were sealed: the outcome key was kept in `status`
        return self._keys.open(event.outcome_enc, table="thread_events", row_id=str(event.id), column="outcome")

    def _outcome(self, thread: Thread) -> str:
        """The outcome's label (e.g. "Renewal approved"), "" when none was recorded."""
        key = thread.outcome
        if thread.outcome_enc is not None:
            key = self._keys.open(thread.outcome_enc, table="threads", row_id=thread.id, column="outcome")
        return outcome_label(key)

    def _fields(self, m: Message) -> tuple[tuple[str, str], ...]:
        if m.fields_enc is None:
            return ()
        raw = self._keys.open(m.fields_enc, table="messages", row_id=m.id, column="fields")
        return tuple((label, value) for label, value in json.loads(raw))


# -- rendering (pure: content in, bytes out) ----------------------------------------------------------
@lru_cache(maxsize=1)
def _font_paths() -> tuple[Path, Path]:
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    for path in (regular, bold):
        if not path.is_file():
            raise RuntimeError(f"The documentation-note font is missing: {path}")
    return regular, bold


def _when(value: datetime | None, tz: str) -> str:
    if value is None:
        return "not recorded"
    return value.astimezone(ZoneInfo(tz)).strftime("%b %d, %Y %I:%M %p %Z")


class _NotePdf(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="Letter")
        self._footer_text = footer_text
        self._covered: frozenset[int] = frozenset()
        self.replaced = False

    def load_fonts(self) -> None:
        regular, bold = _font_paths()
        self.add_font(FONT_FAMILY, "", str(regular))
        self.add_font(FONT_FAMILY, "B", str(bold))
        # Characters both faces can draw; anything else is replaced before it reaches fpdf2.
        self._covered = frozenset(self.fonts[FONT_FAMILY.lower()].cmap) & frozenset(
            self.fonts[FONT_FAMILY.lower() + "B"].cmap)

    def safe(self, text: str) -> str:
        """Text the font can draw: tabs as spaces, control characters dropped, unknown characters as �."""
        out = []
        for ch in (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "):
            if ch == "\n" or ord(ch) in self._covered:
                out.append(ch)
            elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
                continue  # invisible: control and format characters, lone surrogates
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

    def field(self, label: str, value: str) -> None:
        self.set_font(FONT_FAMILY, "B", 10)
        self.cell(42, 5.6, self.safe(label), new_x=XPos.RIGHT, new_y=YPos.TOP)
        self.set_font(FONT_FAMILY, "", 10)
        self.multi_cell(0, 5.6, self.safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rule(self) -> None:
        self.ln(2)
        self.set_draw_color(160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)


def render_pdf(content: NoteContent, tz: str) -> bytes:
    """Lay out a documentation note. Deterministic for the same content (creation date = export time)."""
    pdf = _NotePdf(f"{content.clinic_name} · {TITLE} · {content.thread_id[:8]}")
    pdf.load_fonts()
    pdf.set_creation_date(content.exported_at)
    # Metadata stays generic: file properties are often shown by tools that are not the medical record.
    pdf.set_title(TITLE)
    pdf.set_creator(content.clinic_name)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()

    pdf.para(content.clinic_name, size=11, bold=True)
    pdf.para(TITLE, size=16, bold=True, height=9)
    pdf.ln(2)
    pdf.field("Patient", content.patient_name)
    pdf.field("Date of birth", content.patient_birth_date.strftime("%b %d, %Y") if content.patient_birth_date
              else "not recorded")
    pdf.field("Care team", content.team_name)
    pdf.field("Category", content.category)
    pdf.field("Subject", content.subject)
    pdf.field("Started", _when(content.started_at, tz))
    pdf.field("Completed", _when(content.completed_at, tz))
    if content.closed_at is not None:
        closed = _when(content.closed_at, tz) + (f" — {content.closed_reason}" if content.closed_reason else "")
        pdf.field("Closed", closed)
    if content.outcome:
        pdf.field("Outcome", content.outcome)
    pdf.field("Messages", str(len(content.messages)))
    pdf.rule()

    for number, m in enumerate(content.messages, start=1):
        side = SIDES.get(m.side, m.side)
        pdf.para(f"{number}. {m.sender_name} ({side}) — {_when(m.sent_at, tz)}", size=10, bold=True)
        for label, answer in m.fields:
            pdf.para(f"{label}: {answer}")
        if m.body:
            pdf.para(m.body)
        if m.attachment_names:
            pdf.set_text_color(70)
            pdf.para("Attached files (not included in this note): " + ", ".join(m.attachment_names), size=9)
            pdf.set_text_color(0)
        pdf.ln(3)
    if not content.messages:
        pdf.para("This conversation has no messages.")

    pdf.rule()
    pdf.para(f"Exported by {content.exported_by} ({content.exported_by_role}) on {_when(content.exported_at, tz)}.",
             size=9)
    if pdf.replaced:
        pdf.para(f"Characters that cannot be printed with this note's font are shown as {REPLACEMENT}.", size=9)
    return bytes(pdf.output())
