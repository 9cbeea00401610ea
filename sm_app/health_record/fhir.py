"""The health record as a FHIR Bundle, and a Bundle the patient brings, read back into entries for review.

Pure functions (no database, no access rule: the service runs it first). Both directions validate with PyPI
`fhir.resources` (pinned in pyproject). Its 8.x line holds FHIR R5 at the top level and R4B (4.3.0) under
`fhir.resources.R4B`; there is no plain R4 (4.0.1) package in it. Every resource used here (Patient, Condition,
MedicationStatement, AllergyIntolerance, Immunization, Procedure, FamilyMemberHistory, Observation, Bundle) has the
same structure in R4 and R4B, so the export is an R4 Bundle that validates as R4B, and an R4 Bundle from elsewhere
is read with the R4B models.

Where an entry's field has no FHIR element of its own (a medication's prescriber, a "since" that is not a date) it is
kept as an annotation "Label: value", and read back from one. Notes (the record's free-text section) have no
resource in the list the clinic agreed on and are left out of the Bundle (they are in the PDF).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from fhir.resources.R4B.bundle import Bundle

from sm_app.health_record.sections import SECTIONS, clean, section_of, summary
from sm_app.shared.errors import ValidationError

FHIR_VERSION = "4.3.0"  # R4B; the resources used are R4's (4.0.1) unchanged
MEDIA_TYPE = "application/fhir+json"
IMPORT_MAX_BYTES = 2 * 1024 * 1024
IMPORT_MAX_ENTRIES = 2000
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# The readings and their LOINC codes (blood pressure: a panel with systolic and diastolic components).
READING_CODES = {"Blood pressure": ("85354-9", "Blood pressure panel with all children optional"),
                 "Glucose": ("2339-0", "Glucose [Mass/volume] in Blood"),
                 "Weight": ("29463-7", "Body weight"),
                 "Pulse": ("8867-4", "Heart rate"),
                 "Temperature": ("8310-5", "Body temperature")}
SYSTOLIC, DIASTOLIC = ("8480-6", "Systolic blood pressure"), ("8462-4", "Diastolic blood pressure")
# Codes other systems use for the same measurements, read on import.
READING_ALIASES = {"55284-4": "Blood pressure", "2345-7": "Glucose", "15074-8": "Glucose", "41653-7": "Glucose",
                   "3141-9": "Weight", "8310-5": "Temperature", "8331-1": "Temperature"}
UCUM_CODES = {"mmHg": "mm[Hg]", "mg/dL": "mg/dL", "mmol/L": "mmol/L", "lb": "[lb_av]", "kg": "kg",
              "beats/min": "/min", "°F": "[degF]", "°C": "Cel"}
UNIT_ALIASES = {**{code.lower(): unit for unit, code in UCUM_CODES.items()}, **{u.lower(): u for u in UCUM_CODES},
                "mm hg": "mmHg", "lbs": "lb", "bpm": "beats/min", "{beats}/min": "beats/min", "/min": "beats/min",
                "beats/minute": "beats/min", "degf": "°F", "f": "°F", "degc": "°C", "c": "°C", "cel": "°C"}

# The resource types the record can take in, and the section each fills.
SECTION_OF_RESOURCE = {"Condition": "conditions", "MedicationStatement": "medications",
                       "AllergyIntolerance": "allergies", "Immunization": "immunizations", "Procedure": "procedures",
                       "FamilyMemberHistory": "family_history", "Observation": "readings"}
_FHIR_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# -- export ---------------------------------------------------------------------------------------------------------
def bundle_json(patient_id: str, patient_name: str, birth_date: date | None, made_at: datetime,
                sections: dict[str, Iterable], tz: str) -> bytes:
    """The record as a FHIR Bundle (type collection), validated before it leaves: a Bundle that does not validate is
    a bug here, never something the patient is handed."""
    bundle = _bundle(patient_id, patient_name, birth_date, made_at, sections, ZoneInfo(tz))
    Bundle.model_validate(bundle)
    return json.dumps(bundle, ensure_ascii=False, indent=2).encode()


def _urn(hex_id: str) -> str:
    return f"urn:uuid:{uuid.UUID(hex=hex_id)}" if re.fullmatch(r"[0-9a-f]{32}", hex_id or "") else \
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, hex_id)}"


def _bundle(patient_id: str, patient_name: str, birth_date: date | None, made_at: datetime,
            sections: dict[str, Iterable], tz: ZoneInfo) -> dict:
    patient_ref = {"reference": _urn(patient_id)}
    patient: dict[str, Any] = {"resourceType": "Patient", "id": patient_id, "name": [{"text": patient_name}]}
    if birth_date is not None:
        patient["birthDate"] = birth_date.isoformat()
    entries = [{"fullUrl": _urn(patient_id), "resource": patient}]
    for section, rows in sections.items():
        make = _EXPORTERS.get(section)
        if make is None:
            continue
        for entry in rows:
            resource = make(dict(entry.values), entry.active, patient_ref, tz)
            entries.append({"fullUrl": _urn(entry.id), "resource": {"id": entry.id, **resource}})
    return {"resourceType": "Bundle", "id": uuid.uuid4().hex, "type": "collection",
            "timestamp": made_at.isoformat(timespec="seconds"), "entry": entries}


def _notes(values: dict, *labelled: tuple[str, str], free: str = "notes") -> dict:
    """Fields without an element of their own, as annotations "Label: value"; the free-text notes as themselves."""
    notes = [{"text": f"{label}: {values[key]}"} for key, label in labelled if values.get(key)]
    if values.get(free):
        notes.append({"text": values[free]})
    return {"note": notes} if notes else {}


def _concept(text: str) -> dict:
    return {"text": text}


def _status(system: str, active: bool) -> dict:
    return {"coding": [{"system": system, "code": "active" if active else "inactive"}]}


def _condition(v: dict, active: bool, ref: dict, tz: ZoneInfo) -> dict:
    out = {"resourceType": "Condition", "clinicalStatus": _status(CONDITION_CLINICAL, active),
           "code": _concept(v["name"]), "subject": ref}
    if v.get("since"):
        out["onsetDateTime" if _FHIR_DATE.match(v["since"]) else "onsetString"] = v["since"]
    return {**out, **_notes(v)}


def _medication(v: dict, active: bool, ref: dict, tz: ZoneInfo) -> dict:
    out: dict[str, Any] = {"resourceType": "MedicationStatement", "status": "active" if active else "stopped",
                           "medicationCodeableConcept": _concept(v["name"]), "subject": ref}
    since_is_date = bool(v.get("since") and _FHIR_DATE.match(v["since"]))
    if since_is_date:
        out["effectiveDateTime"] = v["since"]
    dosage: dict[str, Any] = {}
    if v.get("dose"):
        dosage["text"] = v["dose"]
    if v.get("how_often"):
        dosage["timing"] = {"code": _concept(v["how_often"])}
    if dosage:
        out["dosage"] = [dosage]
    labelled = [("prescriber", "Prescriber")] + ([] if since_is_date else [("since", "Since")])
    return {**out, **_notes(v, *labelled)}


def _allergy(v: dict, active: bool, ref: dict, tz: ZoneInfo) -> dict:
    out: dict[str, Any] = {"resourceType": "AllergyIntolerance", "clinicalStatus": _status(ALLERGY_CLINICAL, active),
                           "code": _concept(v["substance"]), "patient": ref}
    severity = v.get("severity", "")
    coded = severity.lower() in ("mild", "moderate", "severe")
    if v.get("reaction"):
        reaction: dict[str, Any] = {"manifestation": [_concept(v["reaction"])]}
        if coded:
            reaction["severity"] = severity.lower()
        out["reaction"] = [reaction]
    # A severity with no reaction to hang it on, or "Not sure": an annotation.
    return {**out, **_notes(v, *([("severity", "Severity")] if severity and not (coded and v.get("reaction"))
                                 else []))}


def _done_status(active: bool) -> str:
    # Marked inactive in the record means "this should not be here" for something that happened once.
    return "completed" if active else "entered-in-error"


def _immunization(v: dict, active: bool, ref: dict, tz: ZoneInfo) -> dict:
    out = {"resourceType": "Immunization", "status": _done_status(active), "vaccineCode": _concept(v["vaccine"]),
           "patient": ref}
    out.update({"occurrenceDateTime": v["given_on"]} if v.get("given_on") else {"occurrenceString": "Not recorded"})
    return {**out, **_notes(v)}


def _procedure(v: dict, active: bool, ref: dict, tz: ZoneInfo) -> dict:
    out = {"resourceType": "Procedure", "status": _done_status(active), "code": _concept(v["name"]), "subject": ref}
    if v.get("done_on"):
        out["performedDateTime"] = v["done_on"]
    return {**out, **_notes(v)}


def _family(v: dict, active: bool, ref: dict, tz: ZoneInfo) -> dict:
    return {"resourceType": "FamilyMemberHistory", "status": "completed" if active else "entered-in-error",
            "patient": ref, "relationship": _concept(v["relative"]),
            "condition": [{"code": _concept(v["condition"])}], **_notes(v)}


def _quantity(value: str, unit: str) -> dict:
    return {"value": float(value), "unit": unit, "system": UCUM, "code": UCUM_CODES[unit]}


def _observation(v: dict, active: bool, ref: dict, tz: ZoneInfo) -> dict:
    kind = v["kind"]
    code, display = READING_CODES[kind]
    out: dict[str, Any] = {"resourceType": "Observation", "status": "final" if active else "entered-in-error",
                           "code": {"coding": [{"system": LOINC, "code": code, "display": display}], "text": kind},
                           "subject": ref}
    if kind != "Glucose":
        out["category"] = [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "vital-signs"}]}]
    when = date.fromisoformat(v["taken_on"])
    if v.get("taken_at"):
        local = datetime.combine(when, time.fromisoformat(v["taken_at"]), tzinfo=tz)
        out["effectiveDateTime"] = local.isoformat(timespec="seconds")
    else:
        out["effectiveDateTime"] = when.isoformat()
    if kind == "Blood pressure":
        out["component"] = [
            {"code": {"coding": [{"system": LOINC, "code": SYSTOLIC[0], "display": SYSTOLIC[1]}]},
             "valueQuantity": _quantity(v["value"], v["unit"])},
            {"code": {"coding": [{"system": LOINC, "code": DIASTOLIC[0], "display": DIASTOLIC[1]}]},
             "valueQuantity": _quantity(v["second_value"], v["unit"])}]
    else:
        out["valueQuantity"] = _quantity(v["value"], v["unit"])
    return out


_EXPORTERS = {"conditions": _condition, "medications": _medication, "allergies": _allergy,
              "immunizations": _immunization, "procedures": _procedure, "family_history": _family,
              "readings": _observation}


# -- import ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportEntry:
    section: str
    values: dict[str, str]
    active: bool
    summary: str


@dataclass(frozen=True)
class ImportPlan:
    """What a Bundle would add, by section, before anything is saved; and what it leaves out, with why."""

    entries: tuple[ImportEntry, ...]
    left_out: tuple[str, ...] = field(default=())  # sentences for the review ("2 Encounter resources: ...")

    def by_section(self) -> dict[str, tuple[ImportEntry, ...]]:
        return {key: tuple(e for e in self.entries if e.section == key) for key in SECTIONS
                if any(e.section == key for e in self.entries)}


def read_bundle(data: bytes, today: date, tz: str) -> ImportPlan:
    """Read a FHIR R4 (or R4B) Bundle into the entries it would add. A file that is too large, not JSON, not a
    Bundle, not valid FHIR, or with nothing the record holds is refused with a ValidationError saying which."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ValidationError("File", f"The file is too large: a FHIR file can be at most "
                                      f"{IMPORT_MAX_BYTES // (1024 * 1024)} MB.")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: nested deeper than any FHIR file
        raise ValidationError("File", "This file is not JSON. Choose a FHIR Bundle saved as a .json file.") from None
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        found = raw.get("resourceType") if isinstance(raw, dict) else None
        raise ValidationError("File", "This file is not a FHIR Bundle" + (
            f" (it holds one {found} resource)." if isinstance(found, str) and found.isalnum() and len(found) < 40
            else ".") + " Choose a file that holds a Bundle.")
    if len(raw.get("entry") or []) > IMPORT_MAX_ENTRIES:
        raise ValidationError("File", f"The Bundle has more than {IMPORT_MAX_ENTRIES:,} entries; import it in parts.")
    try:
        bundle = Bundle.model_validate(raw)
    except Exception as exc:  # pydantic's ValidationError, or an unknown resource type (KeyError) from fhir.resources
        raise ValidationError("File", "This Bundle is not valid FHIR R4: " + _first_problem(exc)) from None
    zone = ZoneInfo(tz)
    entries: list[ImportEntry] = []
    skipped: dict[str, int] = {}
    refused: list[str] = []
    for number, item in enumerate(bundle.entry or [], start=1):
        resource = item.resource
        if resource is None:
            continue
        kind = resource.get_resource_type()
        section = SECTION_OF_RESOURCE.get(kind)
        if section is None:
            skipped[kind] = skipped.get(kind, 0) + 1
            continue
        try:
            values, active = _IMPORTERS[section](resource, zone)
            kept = clean(section_of(section), values, today)
        except ValidationError as exc:
            refused.append(f"Entry {number} ({kind}): {exc.message}")
            continue
        entries.append(ImportEntry(section, kept, active, summary(section, kept)))
    left_out = []
    if skipped.pop("Patient", 0):
        left_out.append("Your name and date of birth in the file: your account keeps the ones the clinic has.")
    if skipped:
        left_out.append("Resources this record does not hold: " + ", ".join(
            f"{n} {kind}" for kind, n in sorted(skipped.items())) + ".")
    left_out.extend(refused)
    if not entries:
        raise ValidationError("File", "This Bundle holds nothing this health record can take in (conditions, "
                                      "medications, allergies, immunizations, procedures, family history or "
                                      "readings)." + (" " + " ".join(left_out) if refused else ""))
    return ImportPlan(tuple(entries), tuple(left_out))


def _first_problem(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        try:
            first = errors()[0]
            where = ".".join(str(p) for p in first.get("loc", ()))[:120]
            return f"{first.get('msg', 'not valid')[:160]} (at {where})." if where else f"{first.get('msg')}."
        except Exception:  # noqa: BLE001 - any shape of error still gets a sentence
            pass
    if isinstance(exc, KeyError):
        return "it names a resource type FHIR R4 does not have."
    return "it does not follow the FHIR structure."


def _text(concept) -> str:
    """A CodeableConcept's words: its text, else the first coding's display, else its code."""
    if concept is None:
        return ""
    if concept.text:
        return str(concept.text).strip()
    for coding in concept.coding or ():
        if coding.display:
            return str(coding.display).strip()
    for coding in concept.coding or ():
        if coding.code:
            return str(coding.code).strip()
    return ""


def _code(concept) -> str:
    for coding in (concept.coding if concept is not None else None) or ():
        if coding.code:
            return str(coding.code)
    return ""


def _annotations(resource, labels: dict[str, str]) -> tuple[dict[str, str], str]:
    """Annotations "Label: value" for the labelled fields, and the rest as free text."""
    found: dict[str, str] = {}
    free = []
    for note in resource.note or ():
        text = str(note.text or "").strip()
        label, sep, rest = text.partition(": ")
        if sep and label in labels and labels[label] not in found:
            found[labels[label]] = rest.strip()
        elif text:
            free.append(text)
    return found, "\n\n".join(free)


def _day(value) -> str:
    """A FHIR date or dateTime as the record's date (full dates only; "2019" is not a day)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}", text) else ""


def _since(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _is_active(concept, *, default: bool = True) -> bool:
    code = _code(concept)
    return default if not code else code in ("active", "recurrence", "relapse")


def _read_condition(r, tz) -> tuple[dict, bool]:
    values = {"name": _text(r.code), "since": _since(r.onsetDateTime) or str(r.onsetString or "")}
    _, values["notes"] = _annotations(r, {})
    return values, _is_active(r.clinicalStatus)


def _read_medication(r, tz) -> tuple[dict, bool]:
    labelled, _ = _annotations(r, {"Prescriber": "prescriber", "Since": "since"})
    name = _text(r.medicationCodeableConcept) or (str(r.medicationReference.display or "")
                                                  if r.medicationReference else "")
    dosage = (r.dosage or [None])[0]
    dose = str(dosage.text or "") if dosage is not None else ""
    how_often = _text(dosage.timing.code) if dosage is not None and dosage.timing and dosage.timing.code else ""
    since = _since(r.effectiveDateTime) or (_since(r.effectivePeriod.start) if r.effectivePeriod else "")
    values = {"name": name, "dose": dose, "how_often": how_often, **labelled}
    if since:
        values["since"] = since
    return values, r.status not in ("stopped", "completed", "entered-in-error", "not-taken")


def _read_allergy(r, tz) -> tuple[dict, bool]:
    labelled, _ = _annotations(r, {"Severity": "severity"})
    reaction = (r.reaction or [None])[0]
    values = {"substance": _text(r.code), **labelled}
    if reaction is not None:
        values["reaction"] = ", ".join(t for t in (_text(m) for m in reaction.manifestation or ()) if t)
        if reaction.severity:
            values["severity"] = str(reaction.severity).capitalize()
    elif r.criticality == "high" and "severity" not in values:
        values["severity"] = "Severe"
    return values, _is_active(r.clinicalStatus)


def _read_immunization(r, tz) -> tuple[dict, bool]:
    _, notes = _annotations(r, {})
    return ({"vaccine": _text(r.vaccineCode), "given_on": _day(r.occurrenceDateTime), "notes": notes},
            r.status == "completed")


def _read_procedure(r, tz) -> tuple[dict, bool]:
    _, notes = _annotations(r, {})
    done = _day(r.performedDateTime) or (_day(r.performedPeriod.start) if r.performedPeriod else "")
    return {"name": _text(r.code), "done_on": done, "notes": notes}, r.status != "entered-in-error"


def _read_family(r, tz) -> tuple[dict, bool]:
    _, notes = _annotations(r, {})
    condition = ", ".join(t for t in (_text(c.code) for c in r.condition or ()) if t)
    return ({"relative": _text(r.relationship), "condition": condition, "notes": notes},
            r.status != "entered-in-error")


def _number(value) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    text = f"{number:.2f}".rstrip("0").rstrip(".")
    return text


def _unit(quantity) -> str:
    for candidate in (quantity.code, quantity.unit):
        if candidate and str(candidate).strip().lower() in UNIT_ALIASES:
            return UNIT_ALIASES[str(candidate).strip().lower()]
    return str(quantity.unit or quantity.code or "")


def _read_observation(r, tz: ZoneInfo) -> tuple[dict, bool]:
    codes = [str(c.code) for c in (r.code.coding or ()) if c.code]
    kind = next((k for k, (code, _) in READING_CODES.items() if code in codes), "") or \
        next((READING_ALIASES[c] for c in codes if c in READING_ALIASES), "")
    if not kind:
        raise ValidationError("Reading", f"the reading {_text(r.code) or 'without a name'} is not one this record "
                                         "keeps (blood pressure, glucose, weight, pulse, temperature).")
    values: dict[str, str] = {"kind": kind}
    if kind == "Blood pressure":
        parts = {_code(c.code): c.valueQuantity for c in r.component or () if c.valueQuantity is not None}
        systolic, diastolic = parts.get(SYSTOLIC[0]), parts.get(DIASTOLIC[0])
        if systolic is None or diastolic is None:
            raise ValidationError("Reading", "the blood pressure has no systolic and diastolic values.")
        values.update(value=_number(systolic.value), second_value=_number(diastolic.value), unit=_unit(systolic))
    else:
        if r.valueQuantity is None:
            raise ValidationError("Reading", f"the {kind.lower()} reading has no value.")
        values.update(value=_number(r.valueQuantity.value), unit=_unit(r.valueQuantity))
    when = r.effectiveDateTime or (r.effectivePeriod.start if r.effectivePeriod else None) or r.issued
    if isinstance(when, datetime):
        local = when.astimezone(tz) if when.tzinfo else when
        values["taken_on"], values["taken_at"] = local.date().isoformat(), local.strftime("%H:%M")
    else:
        values["taken_on"] = _day(when)
    return values, r.status not in ("entered-in-error", "cancelled")


_IMPORTERS = {"conditions": _read_condition, "medications": _read_medication, "allergies": _read_allergy,
              "immunizations": _read_immunization, "procedures": _read_procedure, "family_history": _read_family,
              "readings": _read_observation}
