"""Taking the health record out (a PDF, a FHIR Bundle) and bringing one in (a FHIR Bundle the patient reviews before
anything is saved). Downloads pass the one access rule through `HealthRecord.whole` (the patient, or staff under a
read grant) and are audited as `record.export`; an import is the patient's own and is audited per entry as
`record.import`. Building a file is CPU work and runs off the event loop."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sm_app.adapters.clock import Clock
from sm_app.health_record.fhir import MEDIA_TYPE, ImportPlan, bundle_json, read_bundle
from sm_app.health_record.pdf import render_record_pdf
from sm_app.health_record.record import HealthRecord
from sm_app.identity.accounts import Actor
from sm_app.shared.audit import AuditLog
from sm_app.shared.errors import NotFound, ValidationError


@dataclass(frozen=True)
class RecordFile:
    filename: str
    data: bytes
    media_type: str


class RecordTransfer:
    def __init__(self, record: HealthRecord, audit: AuditLog, clock: Clock, *, clinic_name: str, tz: str):
        self._record = record
        self._audit = audit
        self._clock = clock
        self._clinic_name = clinic_name
        self._tz = tz

    async def pdf(self, actor: Actor, patient_id: str) -> RecordFile:
        """The whole record as a PDF. NotFound for anyone the record is not shared with (audited as a denial)."""
        whole = await self._record.whole(actor, patient_id, purpose="pdf")
        data = await asyncio.to_thread(
            render_record_pdf, clinic_name=self._clinic_name, patient_name=whole.patient_name,
            birth_date=whole.birth_date, made_at=whole.made_at,
            made_by=actor.name + (f", {whole.access.team_name}" if whole.access.team_name else ""),
            sections=whole.sections, tz=self._tz)
        return RecordFile(f"health-record-{whole.made_at:%Y-%m-%d}.pdf", data, "application/pdf")

    async def fhir(self, actor: Actor, patient_id: str) -> RecordFile:
        """The whole record as a FHIR R4 Bundle (validated with fhir.resources' R4B models before it leaves)."""
        whole = await self._record.whole(actor, patient_id, purpose="fhir")
        data = await asyncio.to_thread(bundle_json, patient_id, whole.patient_name, whole.birth_date, whole.made_at,
                                       whole.sections, self._tz)
        return RecordFile(f"health-record-{whole.made_at:%Y-%m-%d}.fhir.json", data, MEDIA_TYPE)

    async def _own(self, actor: Actor, patient_id: str) -> None:
        """An import is the patient's own act: the one access rule must answer "the patient" (write, under no team).
        Staff — even with a read & write grant — and everyone else are told the record does not exist."""
        access = await self._record.access(actor, patient_id)
        if access is None or not access.can_write or access.team_id is not None:
            await self._audit.record_alone(actor_id=actor.user_id, action="record.import", object_type="health_record",
                                           object_id=(patient_id or "")[:64], outcome="denied")
            raise NotFound("health record")

    async def review_import(self, actor: Actor, patient_id: str, data: bytes) -> ImportPlan:
        """What a FHIR Bundle the patient brings would add, by section; nothing is saved. A ValidationError says
        what is wrong with a file that cannot be read (too large, not JSON, not a valid Bundle, nothing to add)."""
        await self._own(actor, patient_id)
        today = self._clock.now().astimezone(ZoneInfo(self._tz)).date()
        return await asyncio.to_thread(read_bundle, data, today, self._tz)

    async def confirm_import(self, actor: Actor, patient_id: str, plan: ImportPlan) -> int:
        """Save what the patient reviewed: every entry or none (each passes the same checks as one typed in)."""
        await self._own(actor, patient_id)
        if not plan.entries:
            raise ValidationError("File", "There is nothing to add.")
        return await self._record.add_many(actor, patient_id,
                                           [(e.section, dict(e.values), e.active) for e in plan.entries])
