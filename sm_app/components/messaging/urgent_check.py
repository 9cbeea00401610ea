"""The "Is this an emergency?" question asked before a message with urgent-sounding words is sent, and the notice a
conversation keeps for the patient once such a message was sent anyway.

One dialog per page, built once and reused for every check: `ask()` fills in the words that triggered it, the language
the patient wrote in, and the send to run on "Send anyway", then opens it; "Go back and edit" only closes it. Building
a new dialog per check (and deleting it on dismiss) let a fading old copy linger in a real browser, so a second "Send
anyway" could match twice or sit under the old backdrop.

The safe choices are the main actions: "Call 911" (a tap-to-call `tel:` link, filled red; "Call or text 988" first
for a crisis) and "Go back and edit" (filled, focused when the dialog opens, so Enter never sends). "Send anyway" is a
plain text button after them. When the detector found the patient wrote Spanish, the dialog and the notice are in
Spanish (fixed wording: the clinic's own emergency wording is English only).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from sm_app.components.notices import emergency_notice
from sm_app.messaging.threads import UrgentCheck

SendAnyway = Callable[[], Awaitable[None]]
# For thoughts of suicide, self-harm or violence, the crisis line comes first and in plain words.
CRISIS_KINDS = frozenset({"suicidal", "self_harm", "violence"})
CRISIS_TEXT = "You do not have to wait for a reply: call or text 988 now (press 1 for the Veterans Crisis Line)."

# Fixed wording by language. The numbers go into `tel:` links as constants, never from anything typed or stored.
WORDS = {
    "en": {
        "question": "Is this an emergency?",
        "notice_heading": "Not for emergencies",
        "mentions": "Your message mentions {evidence} ({label}).",
        "crisis": CRISIS_TEXT,
        "still_send": "If it is not an emergency you can still send it; your care team will see it marked urgent.",
        "call_911": "Call 911",
        "call_988": "Call or text 988",
        "back": "Go back and edit",
        "send_anyway": "Send anyway",
        "thread_heading": "Your message may describe an emergency",
        "thread_911": "If it gets worse, call 911.",
        "thread_988": "If you are in crisis, call or text 988.",
        "thread_team": "Your care team sees this conversation marked urgent.",
    },
    "es": {
        "question": "¿Es una emergencia?",
        "notice_heading": "No es para emergencias",
        "notice": "La mensajería segura no es para emergencias. Si cree que tiene una emergencia médica, llame al 911. "
                  "Si está en crisis, llame o envíe un mensaje de texto al 988 (oprima 2 para español).",
        "mentions": "Su mensaje menciona {evidence} ({label}).",
        "crisis": "No tiene que esperar una respuesta: llame o envíe un mensaje de texto al 988 ahora "
                  "(oprima 2 para español).",
        "still_send": "Si no es una emergencia, puede enviarlo de todos modos; su equipo de atención lo verá marcado "
                      "como urgente.",
        "call_911": "Llamar al 911",
        "call_988": "Llamar o enviar texto al 988",
        "back": "Volver y editar",
        "send_anyway": "Enviar de todos modos",
        "thread_heading": "Su mensaje puede describir una emergencia",
        "thread_911": "Si empeora, llame al 911.",
        "thread_988": "Si está en crisis, llame o envíe un mensaje de texto al 988.",
        "thread_team": "Su equipo de atención ve esta conversación marcada como urgente.",
    },
}
# The detector's kinds (safety/urgency_lexicon.KINDS) in Spanish, for the dialog's "Su mensaje menciona ...".
KIND_LABELS_ES = {
    "suicidal": "pensamientos suicidas", "overdose": "sobredosis o envenenamiento",
    "cardiac": "posible ataque al corazón", "stroke": "posible derrame cerebral",
    "breathing": "dificultad para respirar", "allergic": "reacción alérgica grave", "bleeding": "sangrado grave",
    "child": "un bebé o niño muy enfermo", "pregnancy": "señales de alarma en el embarazo",
    "self_harm": "autolesión", "violence": "violencia o abuso", "sepsis": "fiebre con alto riesgo de sepsis",
    "diabetic": "emergencia diabética", "head_injury": "lesión en la cabeza", "severe_pain": "dolor intenso",
    "other": "otras señales de emergencia",
}


def _words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


def _call_button(text: str, number: str) -> ui.button:
    # Quasar renders a q-btn with href as a real link: tapping it dials, with or without the page's socket.
    button = ui.button(text, icon="call", color="negative").props("unelevated")
    button.props["href"] = f"tel:{number}"
    return button


class UrgentCheckDialog:
    """Create it once in the page (the dialog lives as long as the element it is created in), with the clinic's
    emergency wording."""

    def __init__(self, notice: str) -> None:
        self._send_anyway: SendAnyway | None = None
        self._sending = False
        self._notice = notice
        # No open/close animation: Quasar's default scales the card in over 300 ms (a click in that time can land
        # beside a moving button) and fades the backdrop out over the page (swallowing the next click on Send).
        with ui.dialog().props("persistent transition-duration=0") as self._dialog, \
                ui.card().classes("max-w-lg urgent-check").props("role=alertdialog") as card:
            self._card = card
            self._question = ui.label("").classes("text-h6")
            self._notice_heading, self._notice_text = emergency_notice(notice)
            self._evidence = ui.label("").classes("urgent-evidence")
            self._crisis = ui.label("").classes("text-bold urgent-crisis")
            self._still_send = ui.label("")
            with ui.row().classes("items-center gap-2 urgent-safe-choices"):
                self._call_988 = _call_button("", "988")
                self._call_911 = _call_button("", "911")
                self._back_button = ui.button("", on_click=self._back, icon="edit").props("unelevated autofocus")
            with ui.row().classes("w-full justify-end"):
                # Secondary on purpose: a text button after the safe choices, never the filled main one.
                self._send_button = ui.button("", on_click=self._go, color="grey-9").props("flat no-caps")
        self._set_language("en")
        # The question counts as shown only while the dialog is open: a closed dialog keeps its elements (that is
        # the point of reusing it), and without this its text and buttons would still be found on the page.
        card.bind_visibility_from(self._dialog, "value")

    @property
    def is_open(self) -> bool:
        return bool(self._dialog.value)

    def _set_language(self, language: str) -> dict[str, str]:
        words = _words(language)
        self._card.props["lang"] = language if language in WORDS else "en"  # read in a Spanish voice when Spanish
        self._question.set_text(words["question"])
        self._notice_heading.set_text(words["notice_heading"])
        # Spanish has fixed wording; English keeps the clinic's own.
        self._notice_text.set_text(words.get("notice", self._notice))
        self._crisis.set_text(words["crisis"])
        self._still_send.set_text(words["still_send"])
        self._call_911.set_text(words["call_911"])
        self._call_988.set_text(words["call_988"])
        self._back_button.set_text(words["back"])
        self._send_button.set_text(words["send_anyway"])
        return words

    def ask(self, check: UrgentCheck, send_anyway: SendAnyway) -> None:
        """Show the emergency notice again, say which words triggered it, and let the person choose."""
        if self._sending:
            return  # "Send anyway" is already under way; the question stays as it was
        decision = check.decision
        language = decision.language if decision.language in WORDS else "en"
        words = self._set_language(language)
        label = KIND_LABELS_ES.get(decision.kind, decision.label) if language == "es" else decision.label
        self._evidence.set_text(words["mentions"].format(evidence=decision.explanation(), label=label))
        crisis = decision.kind in CRISIS_KINDS
        self._crisis.set_visibility(crisis)
        # A crisis: the crisis line is the first way out; otherwise 911 is, and 988 waits in the notice.
        self._call_988.set_visibility(crisis)
        self._send_anyway = send_anyway
        self._set_enabled(True)
        self._dialog.open()

    def _back(self) -> None:
        if self._sending:
            return
        self._send_anyway = None
        self._dialog.close()  # only closed: the page keeps everything typed, and the dialog for the next check

    async def _go(self) -> None:
        # Checked and set before the first await, so a double click (two events in one batch) sends once.
        action = self._send_anyway
        if self._sending or action is None or not self._dialog.value:
            return
        self._sending = True
        self._send_anyway = None
        self._set_enabled(False)
        self._send_button.props("loading")
        try:
            await action()  # on failure the send itself keeps the text and marks the field
        finally:
            self._sending = False
            self._send_button.props(remove="loading")
            self._set_enabled(True)
            self._dialog.close()

    def _set_enabled(self, enabled: bool) -> None:
        for button in (self._send_button, self._back_button):
            button.set_enabled(enabled)


def urgent_thread_notice(language: str) -> None:
    """What a patient's conversation keeps once they sent a message the urgent-words check flagged: call 911 if it
    gets worse, 988 for a crisis, as tap-to-call links; in the language they wrote in."""
    words = _words(language)
    with ui.card().classes("w-full bg-red-50 border border-red-300 urgent-thread-notice").props(
            "flat role=note") as notice:
        notice.props["lang"] = language if language in WORDS else "en"
        ui.label(words["thread_heading"]).classes("text-bold text-red-900")
        with ui.row().classes("items-center gap-2"):
            ui.label(words["thread_911"]).classes("text-red-900")
            ui.link(words["call_911"], "tel:911").classes("text-bold text-red-900")
        with ui.row().classes("items-center gap-2"):
            ui.label(words["thread_988"]).classes("text-red-900")
            ui.link(words["call_988"], "tel:988").classes("text-bold text-red-900")
        ui.label(words["thread_team"]).classes("text-grey-9")
