"""The "Is this an emergency?" question asked before a message with urgent-sounding words is sent.

One dialog per page, built once and reused for every check: `ask()` fills in the words that triggered it and
the send to run on "Send anyway", then opens it; "Go back and edit" only closes it. Building a new dialog per
check (and deleting it on dismiss) let a fading old copy linger in a real browser, so a second "Send anyway"
could match twice or sit under the old backdrop.
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


class UrgentCheckDialog:
    """Create it once in the page (the dialog lives as long as the element it is created in), with the clinic's
    emergency wording."""

    def __init__(self, notice: str) -> None:
        self._send_anyway: SendAnyway | None = None
        self._sending = False
        # No open/close animation: Quasar's default scales the card in over 300 ms (a click in that time can land
        # beside a moving button) and fades the backdrop out over the page (swallowing the next click on Send).
        with ui.dialog().props("persistent transition-duration=0") as self._dialog, \
                ui.card().classes("max-w-lg urgent-check").props("role=alertdialog") as card:
            ui.label("Is this an emergency?").classes("text-h6")
            emergency_notice(notice)
            self._evidence = ui.label("").classes("urgent-evidence")
            self._crisis = ui.label(CRISIS_TEXT).classes("text-bold urgent-crisis")
            ui.label("If it is not an emergency you can still send it; your care team will see it marked urgent.")
            with ui.row():
                self._send_button = ui.button("Send anyway", on_click=self._go, color="negative")
                self._back_button = ui.button("Go back and edit", on_click=self._back).props("flat")
        # The question counts as shown only while the dialog is open: a closed dialog keeps its elements (that is
        # the point of reusing it), and without this its text and buttons would still be found on the page.
        card.bind_visibility_from(self._dialog, "value")

    @property
    def is_open(self) -> bool:
        return bool(self._dialog.value)

    def ask(self, check: UrgentCheck, send_anyway: SendAnyway) -> None:
        """Show the emergency notice again, say which words triggered it, and let the person choose."""
        if self._sending:
            return  # "Send anyway" is already under way; the question stays as it was
        decision = check.decision
        self._evidence.set_text(f"Your message mentions {decision.explanation()} ({decision.label}).")
        self._crisis.set_visibility(decision.kind in CRISIS_KINDS)
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
