"""Patient message templates: structured request forms whose answers are kept as fields.

Standard templates ship in data/templates.json and are inserted when missing; a clinic admin adds
or edits templates through `save_template`. Field definitions are not health information; the
answers are, and messaging seals them with the message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from sm_app.adapters.clock import Clock
from sm_app.adapters.db import Database
from sm_app.adapters.models import MessageTemplate
from sm_app.health_record.sections import SECTIONS
from sm_app.identity.accounts import Actor
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

TEMPLATES_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "templates.json"
QUICK_REPLIES_FILE = TEMPLATES_FILE.with_name("quick_replies.json")


@dataclass(frozen=True)
class QuickReply:
    name: str
    text: str


def quick_replies(path: Path = QUICK_REPLIES_FILE) -> list[QuickReply]:
    """Staff quick replies (data/quick_replies.json): text a care team inserts into a reply and then edits."""
    return [QuickReply(q["name"], q["text"]) for q in json.loads(path.read_text())["quick_replies"]]
KINDS = ("text", "textarea", "date", "choice")
ANSWER_MAX = 1000
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True)
class TemplateField:
    label: str
    kind: str
    required: bool
    options: tuple[str, ...] = ()
    hint: str = ""
    # "section.field" of the patient's health record this field may be filled from ("medications.name": the
    # patient picks one of their active medications); empty for a field typed in only.
    from_record: str = ""


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    category: str
    fields: tuple[TemplateField, ...]


def _fields_from_json(raw: str) -> tuple[TemplateField, ...]:
    return tuple(TemplateField(f["label"], f["kind"], bool(f.get("required")), tuple(f.get("options", ())),
                               f.get("hint", ""), f.get("from_record", "")) for f in json.loads(raw))


def _fields_to_json(fields: list[TemplateField] | tuple[TemplateField, ...]) -> str:
    return json.dumps([{"label": f.label, "kind": f.kind, "required": f.required, "options": list(f.options),
                        "hint": f.hint, **({"from_record": f.from_record} if f.from_record else {})}
                       for f in fields])


class Templates:
    def __init__(self, db: Database, clock: Clock, categories: tuple[str, ...]):
        self._db = db
        self._clock = clock
        self._categories = categories
        self._standard_checked = False

    async def ensure_standard(self) -> None:
        """Insert the shipped templates that are missing (never overwrites a clinic's edits)."""
        if self._standard_checked:
            return
        data = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
        async with self._db.write() as s:
            existing = {r.key: r for r in (await s.scalars(select(MessageTemplate))).all()}
            for order, t in enumerate(data["templates"]):
                row = existing.get(t["key"])
                if row is not None:
                    # A shipped template nobody edited gains what the shipped one has since gained (the health
                    # record source of its fields); one a clinic changed is left as it is.
                    plain = [{k: v for k, v in f.items() if k != "from_record"} for f in t["fields"]]
                    if json.loads(row.fields_json) == plain and plain != t["fields"]:
                        row.fields_json = json.dumps(t["fields"])
                    continue
                s.add(MessageTemplate(key=t["key"], name=t["name"], category=t["category"],
                                      fields_json=json.dumps(t["fields"]), active=True, sort_order=order,
                                      updated_at=self._clock.now()))
        self._standard_checked = True

    async def list_templates(self) -> list[TemplateInfo]:
        await self.ensure_standard()
        async with self._db.read() as s:
            rows = (await s.scalars(select(MessageTemplate).where(MessageTemplate.active.is_(True))
                                    .order_by(MessageTemplate.sort_order, MessageTemplate.name))).all()
            return [TemplateInfo(r.key, r.name, r.category, _fields_from_json(r.fields_json)) for r in rows]

    async def get(self, key: str) -> TemplateInfo:
        await self.ensure_standard()
        async with self._db.read() as s:
            r = await s.get(MessageTemplate, key or "")
            if r is None or not r.active:
                raise NotFound("template")
            return TemplateInfo(r.key, r.name, r.category, _fields_from_json(r.fields_json))

    async def save_template(self, actor: Actor, *, key: str, name: str, category: str,
                            fields: list[TemplateField], active: bool = True) -> TemplateInfo:
        """Add or edit a clinic template (clinic admins only)."""
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can change templates.")
        if not _KEY.match(key or ""):
            raise ValidationError("Key", "Key must be 2-40 lower-case letters, digits or underscores.")
        name = (name or "").strip()
        if not name or len(name) > 100:
            raise ValidationError("Name", "Name must be 1 to 100 characters.")
        if category not in self._categories:
            raise ValidationError("Category", "Choose a category.")
        if not fields:
            raise ValidationError("Fields", "A template needs at least one field.")
        labels = [f.label.strip() for f in fields]
        if any(not x or len(x) > 60 for x in labels) or len(set(labels)) != len(labels):
            raise ValidationError("Fields", "Field labels must be 1 to 60 characters and different from each other.")
        for f in fields:
            if f.kind not in KINDS:
                raise ValidationError("Fields", f"Field kind must be one of: {', '.join(KINDS)}.")
            if f.kind == "choice" and not f.options:
                raise ValidationError("Fields", f"The choice field {f.label!r} needs options.")
            if f.from_record and not record_source(f.from_record):
                raise ValidationError("Fields", f"The field {f.label!r} names no part of the health record.")
        await self.ensure_standard()
        async with self._db.write() as s:
            row = await s.get(MessageTemplate, key)
            if row is None:
                row = MessageTemplate(key=key, sort_order=100)
                s.add(row)
            row.name, row.category, row.fields_json, row.active = name, category, _fields_to_json(fields), active
            row.updated_at = self._clock.now()
        return TemplateInfo(key, name, category, tuple(fields))


def record_source(source: str) -> tuple[str, str] | None:
    """("medications", "name") for "medications.name" when the health record has that section and field."""
    section, _, key = (source or "").partition(".")
    if section in SECTIONS and key in {f.key for f in SECTIONS[section].fields}:
        return section, key
    return None


def check_answers(template: TemplateInfo, answers: dict[str, str]) -> list[tuple[str, str]]:
    """Validate answers against the template; returns (label, answer) pairs in the template's order."""
    result = []
    for f in template.fields:
        value = (answers.get(f.label) or "").strip()
        if f.required and not value:
            raise ValidationError(f.label, f"{f.label} is required.")
        if len(value) > ANSWER_MAX:
            raise ValidationError(f.label, f"{f.label} must be at most {ANSWER_MAX} characters.")
        if value and f.kind == "choice" and value not in f.options:
            raise ValidationError(f.label, f"Choose one of: {', '.join(f.options)}.")
        if value and f.kind == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ValidationError(f.label, f"{f.label} must be a date (YYYY-MM-DD).") from None
        if value:
            result.append((f.label, value))
    return result
