"""Structured outcomes staff record for template requests, shown to the patient in the thread.

A prescription renewal ends approved, denied or "needs a visit"; an appointment request ends booked
(date, time, place) or declined. Recording an outcome sends the patient a team message whose
answers table carries the outcome, and moves the thread on (Completed, or Waiting on patient when
the patient has to act). Pure validation here; `Messaging.send_outcome` does the writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sm_app.shared.errors import ValidationError

# template key -> outcome key -> (label shown to both sides, status the thread moves to)
OUTCOMES: dict[str, dict[str, tuple[str, str]]] = {
    "prescription_renewal": {
        "renewal_approved": ("Renewal approved", "completed"),
        "renewal_denied": ("Renewal denied", "completed"),
        "needs_visit": ("Needs a visit", "waiting_on_patient"),
    },
    "appointment_request": {
        "appointment_booked": ("Appointment booked", "completed"),
        "appointment_declined": ("Appointment declined", "completed"),
    },
}
NEEDS_WHEN_AND_WHERE = {"appointment_booked"}
PLACE_MAX = 100
NOTE_MAX = 2_000


@dataclass(frozen=True)
class OutcomeMessage:
    key: str
    label: str
    status: str
    body: str
    fields: tuple[tuple[str, str], ...]


def outcomes_for(template_key: str | None) -> dict[str, str]:
    """Outcome key -> label for a thread started from this template ({} when none apply)."""
    return {key: label for key, (label, _) in OUTCOMES.get(template_key or "", {}).items()}


def outcome_label(key: str | None) -> str:
    """The label of an outcome key ("renewal_approved" -> "Renewal approved"); "" for none."""
    return next((o[key][0] for o in OUTCOMES.values() if key in o), key or "")


def outcome_status(key: str | None) -> str | None:
    """The status an outcome moves its thread to (Completed, or Waiting on patient for "needs a visit")."""
    return next((o[key][1] for o in OUTCOMES.values() if key in o), None)


def build_outcome(template_key: str | None, outcome: str, *, on_date: str = "", at_time: str = "", place: str = "",
                  note: str = "") -> OutcomeMessage:
    """Check the staff member's entries and compose the message the patient will see."""
    choices = OUTCOMES.get(template_key or "", {})
    if outcome not in choices:
        raise ValidationError("Outcome", "Choose an outcome for this request.")
    label, status = choices[outcome]
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError("Note to the patient", f"The note can be at most {NOTE_MAX:,} characters.")
    fields: list[tuple[str, str]] = [("Outcome", label)]
    if outcome in NEEDS_WHEN_AND_WHERE:
        try:
            day = date.fromisoformat((on_date or "").strip())
        except ValueError:
            raise ValidationError("Date", "Enter the appointment date (YYYY-MM-DD).") from None
        try:
            hour = time.fromisoformat((at_time or "").strip())
        except ValueError:
            raise ValidationError("Time", "Enter the appointment time (HH:MM).") from None
        place = (place or "").strip()
        if not place:
            raise ValidationError("Place", "Enter where the appointment is.")
        if len(place) > PLACE_MAX:
            raise ValidationError("Place", f"Place can be at most {PLACE_MAX} characters.")
        fields += [("Date", day.strftime("%A, %B %d, %Y")), ("Time", hour.strftime("%I:%M %p")), ("Place", place)]
    body = f"{label}." + (f"\n\n{note}" if note else "")
    return OutcomeMessage(outcome, label, status, body, tuple(fields))
