"""Patient message templates: structured request forms whose answers are kept as fields.

Standard templates ship in data/templates.json and are inserted when missing; a clinic admin adds, edits (each save
a new version, kept in message_template_versions) and retires templates at /admin/templates. Field definitions are not
health information; the answers are, and messaging seals them with the message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.db import Database
from sm_app.adapters.models import MessageTemplate, MessageTemplateVersion
from sm_app.health_record.sections import SECTIONS
from sm_app.identity.accounts import Actor
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

TEMPLATES_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "templates.json"
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


@dataclass(frozen=True)
class TemplateSummary:
    """A template as the admin's list shows it: retired ones too, with the version now in use."""

    key: str
    name: str
    category: str
    fields: tuple[TemplateField, ...]
    active: bool
    version: int
    updated_at: datetime


class Templates:
    def __init__(self, db: Database, clock: Clock, categories: tuple[str, ...], audit: AuditLog | None = None):
        self._db = db
        self._clock = clock
        self._categories = categories
        self._audit = audit
        self._standard_checked = False

    @property
    def categories(self) -> tuple[str, ...]:
        return self._categories

    async def ensure_standard(self) -> None:
        """Insert the shipped templates that are missing (never overwrites a clinic's edits; a retired one stays
        retired, since its row is kept)."""
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
                                      version=1, updated_at=self._clock.now()))
        self._standard_checked = True

    async def list_templates(self) -> list[TemplateInfo]:
        """The templates a patient may choose from (retired ones are hidden)."""
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

    # -- the clinic admin's side ------------------------------------------------------------------------------
    @staticmethod
    def _require_admin(actor: Actor) -> None:
        if actor.role != "admin":
            raise NotAllowed("Only a clinic admin can change templates.")

    async def all_templates(self, actor: Actor) -> list[TemplateSummary]:
        """Every template, in use first then retired (clinic admins only)."""
        self._require_admin(actor)
        await self.ensure_standard()
        async with self._db.read() as s:
            rows = (await s.scalars(select(MessageTemplate).order_by(MessageTemplate.active.desc(),
                                                                     MessageTemplate.sort_order,
                                                                     MessageTemplate.name))).all()
            return [_summary(r) for r in rows]

    async def template_for_admin(self, actor: Actor, key: str) -> TemplateSummary:
        self._require_admin(actor)
        await self.ensure_standard()
        async with self._db.read() as s:
            row = await s.get(MessageTemplate, key or "")
            if row is None:
                raise NotFound("template")
            return _summary(row)

    def _check(self, key: str, name: str, category: str, fields: list[TemplateField]) -> tuple[str, list]:
        problems: list[tuple[str, str]] = []
        if not _KEY.match(key or ""):
            problems.append(("Key", "Key must be 2-40 lower-case letters, digits or underscores, starting with a "
                                    "letter."))
        name = (name or "").strip()
        if not name or len(name) > 100:
            problems.append(("Name", "Name must be 1 to 100 characters."))
        if category not in self._categories:
            problems.append(("Category", "Choose a category."))
        cleaned: list[TemplateField] = []
        if not fields:
            problems.append(("Fields", "A template needs at least one field."))
        labels = [(f.label or "").strip() for f in fields]
        if any(not x or len(x) > 60 for x in labels) or len(set(labels)) != len(labels):
            problems.append(("Fields", "Field labels must be 1 to 60 characters and different from each other."))
        for f, label in zip(fields, labels, strict=True):
            options = tuple(o.strip() for o in f.options if o.strip())
            if f.kind not in KINDS:
                problems.append(("Fields", f"Field kind must be one of: {', '.join(KINDS)}."))
            elif f.kind == "choice" and len(options) < 2:
                problems.append(("Fields", f"The choice field {label!r} needs at least two options."))
            if f.from_record and not record_source(f.from_record):
                problems.append(("Fields", f"The field {label!r} names no part of the health record."))
            if len((f.hint or "").strip()) > 120:
                problems.append(("Fields", f"The hint of {label!r} must be at most 120 characters."))
            cleaned.append(TemplateField(label, f.kind, bool(f.required), options if f.kind == "choice" else (),
                                         (f.hint or "").strip(), f.from_record))
        if problems:
            (field, message), *more = problems
            raise ValidationError(field, message, more=tuple(more))
        return name, cleaned

    async def save_template(self, actor: Actor, *, key: str, name: str, category: str,
                            fields: list[TemplateField], active: bool = True, expected_version: int | None = None,
                            new: bool = False) -> TemplateInfo:
        """Add (`new`) or edit a clinic template (clinic admins only). An edit is a new version: patients choose
        from it at once, and messages already sent keep the answers (with their labels) they were sent with.
        `expected_version` refuses an edit made on a form someone else saved since."""
        self._require_admin(actor)
        name, fields = self._check(key, name, category, fields)
        await self.ensure_standard()
        now = self._clock.now()
        async with self._db.write() as s:
            row = await s.get(MessageTemplate, key)
            if new and row is not None:
                raise ValidationError("Key", "A template with this key exists already; choose another key.")
            if row is None:
                if not new and expected_version is not None:
                    raise NotFound("template")
                order = (await s.scalar(select(func.max(MessageTemplate.sort_order)))) or 0
                row = MessageTemplate(key=key, sort_order=order + 1, version=0)
                s.add(row)
            else:
                if expected_version is not None and row.version != expected_version:
                    raise ValidationError("Name", "Someone else changed this template since you opened it. "
                                                  "Open it again to see their version; your text is still here.")
                if await s.get(MessageTemplateVersion, (key, row.version)) is None:
                    # A shipped template's first edit: keep the version patients used until now in the history.
                    s.add(MessageTemplateVersion(key=key, version=row.version, name=row.name, category=row.category,
                                                 fields_json=row.fields_json, active=row.active,
                                                 saved_at=row.updated_at, saved_by_id=None))
            row.name, row.category, row.fields_json, row.active = name, category, _fields_to_json(fields), active
            row.version = (row.version or 0) + 1
            row.updated_at = now
            s.add(MessageTemplateVersion(key=key, version=row.version, name=name, category=category,
                                         fields_json=row.fields_json, active=active, saved_at=now,
                                         saved_by_id=actor.user_id))
            if self._audit is not None:
                await self._audit.record(s, actor_id=actor.user_id, action="template.save", object_type="template",
                                         object_id=key, detail=f"version={row.version}")
        return TemplateInfo(key, name, category, tuple(fields))

    async def set_retired(self, actor: Actor, key: str, retired: bool) -> None:
        """Retire a template (hidden from compose, kept with its history) or put it back in use."""
        self._require_admin(actor)
        await self.ensure_standard()
        async with self._db.write() as s:
            row = await s.get(MessageTemplate, key or "")
            if row is None:
                raise NotFound("template")
            if row.active == (not retired):
                return
            row.active = not retired
            row.updated_at = self._clock.now()
            if self._audit is not None:
                await self._audit.record(s, actor_id=actor.user_id, action="template.retire" if retired else
                                         "template.restore", object_type="template", object_id=key)

    async def versions(self, actor: Actor, key: str) -> list[tuple[int, datetime, str]]:
        """(version, saved at, name) newest first: the template's history."""
        self._require_admin(actor)
        async with self._db.read() as s:
            rows = (await s.scalars(select(MessageTemplateVersion).where(MessageTemplateVersion.key == key)
                                    .order_by(MessageTemplateVersion.version.desc()))).all()
            return [(r.version, as_utc(r.saved_at), r.name) for r in rows]


def _summary(r: MessageTemplate) -> TemplateSummary:
    return TemplateSummary(r.key, r.name, r.category, _fields_from_json(r.fields_json), bool(r.active),
                           r.version or 1, as_utc(r.updated_at))


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
