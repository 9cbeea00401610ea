"""Personal settings: the optional signature appended to messages a person sends."""

from __future__ import annotations

from dataclasses import dataclass

from sm_app.adapters.db import Database
from sm_app.adapters.models import Preferences
from sm_app.identity.accounts import Actor
from sm_app.shared.errors import ValidationError

SIGNATURE_PART_MAX = 100


@dataclass(frozen=True)
class Signature:
    on: bool
    name: str
    title: str


class PreferencesService:
    def __init__(self, db: Database):
        self._db = db

    async def signature(self, actor: Actor) -> Signature:
        async with self._db.read() as s:
            p = await s.get(Preferences, actor.user_id)
        return Signature(p.signature_on, p.signature_name, p.signature_title) if p else Signature(False, "", "")

    async def set_signature(self, actor: Actor, *, on: bool, name: str, title: str) -> Signature:
        name, title = (name or "").strip(), (title or "").strip()
        for label, value in (("Signature name", name), ("Signature title", title)):
            if len(value) > SIGNATURE_PART_MAX or "\n" in value:
                raise ValidationError(label, f"{label} must be one line of at most {SIGNATURE_PART_MAX} characters.")
        if on and not (name or title):
            raise ValidationError("Signature name", "Enter a name or a title to use a signature.")
        async with self._db.write() as s:
            p = await s.get(Preferences, actor.user_id)
            if p is None:
                p = Preferences(user_id=actor.user_id)
                s.add(p)
            p.signature_on, p.signature_name, p.signature_title = bool(on), name, title
        return Signature(bool(on), name, title)
