"""The sections of a health record and the fields of their entries, with the checks an entry passes.

Pure data and functions: the service validates with them, the pages build their forms from them, so a field's
label is the same word in a form, an error and the history."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sm_app.shared.errors import ValidationError, every_problem


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    required: bool = False
    max_len: int = 200
    kind: str = "text"  # text | long | date | time | number | choice
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    singular: str  # "Add medication"
    fields: tuple[Field, ...]


SEVERITIES = ("Mild", "Moderate", "Severe", "Not sure")
# What can be measured, and the units each may be written in (the first is the one offered first).
READING_UNITS: dict[str, tuple[str, ...]] = {
    "Blood pressure": ("mmHg",),
    "Glucose": ("mg/dL", "mmol/L"),
    "Weight": ("lb", "kg"),
    "Pulse": ("beats/min",),
    "Temperature": ("°F", "°C"),
}
ALL_UNITS = tuple(dict.fromkeys(u for units in READING_UNITS.values() for u in units))
NOTE_MAX = 4000

SECTIONS: dict[str, Section] = {s.key: s for s in (
    Section("conditions", "Conditions", "condition", (
        Field("name", "Condition", required=True),
        Field("since", "Since", max_len=40),
        Field("notes", "Notes", max_len=1000, kind="long"),
    )),
    Section("medications", "Medications", "medication", (
        Field("name", "Medication", required=True),
        Field("dose", "Dose", max_len=100),
        Field("how_often", "How often", max_len=100),
        Field("since", "Since", max_len=40),
        Field("prescriber", "Prescriber", max_len=100),
    )),
    Section("allergies", "Allergies", "allergy", (
        Field("substance", "Substance", required=True),
        Field("reaction", "Reaction", max_len=200),
        Field("severity", "Severity", kind="choice", choices=SEVERITIES),
    )),
    Section("immunizations", "Immunizations", "immunization", (
        Field("vaccine", "Vaccine", required=True),
        Field("given_on", "Date given", kind="date"),
        Field("notes", "Notes", max_len=1000, kind="long"),
    )),
    Section("procedures", "Procedures", "procedure", (
        Field("name", "Procedure", required=True),
        Field("done_on", "Date", kind="date"),
        Field("notes", "Notes", max_len=1000, kind="long"),
    )),
    Section("family_history", "Family history", "family history entry", (
        Field("relative", "Relative", required=True, max_len=100),
        Field("condition", "Condition", required=True),
        Field("notes", "Notes", max_len=1000, kind="long"),
    )),
    Section("readings", "Readings", "reading", (
        Field("kind", "Reading", required=True, kind="choice", choices=tuple(READING_UNITS)),
        Field("value", "Value", required=True, max_len=10, kind="number"),
        Field("second_value", "Diastolic (blood pressure only)", max_len=10, kind="number"),
        Field("unit", "Unit", required=True, kind="choice", choices=ALL_UNITS),
        Field("taken_on", "Date taken", required=True, kind="date"),
        Field("taken_at", "Time taken", kind="time"),
    )),
    Section("notes", "Notes", "note", (
        Field("title", "Title", required=True, max_len=100),
        Field("text", "Note", max_len=NOTE_MAX, kind="long"),
    )),
)}

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_NUMBER = re.compile(r"^\d{1,4}(\.\d{1,2})?$")


def section_of(key: str) -> Section:
    section = SECTIONS.get(key)
    if section is None:
        raise ValidationError("Section", "Choose a section of the record.")
    return section


def clean(section: Section, values: dict[str, str], today: date) -> dict[str, str]:
    """The entry's values as they will be kept (trimmed, empty ones left out); a ValidationError names every field
    that needs attention, by its label."""

    def check(field: Field):
        def one() -> str:
            value = str(values.get(field.key) or "").strip()
            if not value:
                if field.required:
                    raise ValidationError(field.label, f"Enter {field.label.lower()}." if field.kind != "choice"
                                          else f"Choose {field.label.lower()}.")
                return ""
            if len(value) > field.max_len:
                raise ValidationError(field.label, f"{field.label} can be at most {field.max_len:,} characters "
                                                   f"(now {len(value):,}).")
            if field.kind == "choice" and value not in field.choices:
                raise ValidationError(field.label, f"Choose {field.label.lower()} from the list.")
            if field.kind == "date":
                try:
                    day = date.fromisoformat(value)
                except ValueError:
                    raise ValidationError(field.label, f"{field.label}: enter a date like 2026-03-14.") from None
                if day > today:
                    raise ValidationError(field.label, f"{field.label} cannot be in the future.")
            if field.kind == "time" and not _TIME.match(value):
                raise ValidationError(field.label, f"{field.label}: enter a time like 08:30.")
            if field.kind == "number" and (not _NUMBER.match(value) or float(value) <= 0):
                raise ValidationError(field.label, f"{field.label}: enter a number such as 120 or 98.6.")
            return value
        return one

    kept = dict(zip([f.key for f in section.fields], every_problem(*(check(f) for f in section.fields)),
                    strict=True))
    if section.key == "readings":
        _check_reading(kept)
    return {k: v for k, v in kept.items() if v}


def _check_reading(kept: dict[str, str]) -> None:
    kind, unit = kept["kind"], kept["unit"]
    problems = []
    if unit not in READING_UNITS[kind]:
        problems.append(("Unit", f"{kind} is written in {' or '.join(READING_UNITS[kind])}."))
    if kind == "Blood pressure" and not kept["second_value"]:
        problems.append(("Diastolic (blood pressure only)", "Enter the lower number of the blood pressure."))
    if kind != "Blood pressure" and kept["second_value"]:
        problems.append(("Diastolic (blood pressure only)", f"Leave this empty for {kind.lower()}."))
    if problems:
        (field, message), *more = problems
        raise ValidationError(field, message, more=tuple(more))


def summary(section_key: str, values: dict[str, str]) -> str:
    """One line that names the entry ("Metformin 500 mg, twice a day"; "Blood pressure 128/82 mmHg")."""
    v = values.get
    if section_key == "medications":
        return ", ".join(p for p in (" ".join(p for p in (v("name", ""), v("dose", "")) if p), v("how_often", ""))
                         if p)
    if section_key == "allergies":
        return v("substance", "") + (f" — {v('reaction')}" if v("reaction") else "") + \
            (f" ({v('severity').lower()})" if v("severity") else "")
    if section_key == "family_history":
        return f"{v('relative', '')}: {v('condition', '')}"
    if section_key == "readings":
        value = v("value", "") + (f"/{v('second_value')}" if v("second_value") else "")
        return f"{v('kind', '')} {value} {v('unit', '')}"
    if section_key == "notes":
        return v("title", "")
    first = SECTIONS[section_key].fields[0].key
    return v(first, "")
