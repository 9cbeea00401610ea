"""Showing a service's ValidationError on the form field it names."""

from __future__ import annotations

from nicegui import ui

from sm_app.messaging.threads import too_long
from sm_app.shared.errors import ValidationError


def mark_error(element: ui.element, message: str) -> None:
    """Show `message` under the field. Set as a prop value, never parsed from a props string: messages can quote
    what the person typed (a folder or file name), and a quote there would add attributes, even `:`-prefixed ones
    that run as JavaScript."""
    element.props.update({"error": True, "error-message": message})


def clear_error(element: ui.element) -> None:
    element.props.pop("error", None)
    element.props.pop("error-message", None)


def show_field_error(fields: dict, exc: ValidationError) -> None:
    """Name the fields, mark every one that needs attention, and move focus to the first; what was typed stays."""
    named = [field for field, _ in exc.problems]
    ui.notify(exc.message if len(named) == 1 else f"Please check: {', '.join(named)}.", type="negative")
    first = None
    for field, message in exc.problems:
        element = fields.get(field)
        if element is not None:
            mark_error(element, message)
            first = first or element
    if first is not None:
        first.run_method("focus")


def clear_errors(fields: dict) -> None:
    for element in fields.values():
        clear_error(element)


def length_limit(element: ui.input | ui.textarea, label: str, limit: int) -> ui.input | ui.textarea:
    """A character counter, and a field error as soon as the text passes `limit`. Never the browser's `maxlength`:
    it cuts what is typed or pasted beyond the limit without a word, and the sender would never know."""
    element.props["counter"] = True
    element.props["hint"] = f"Up to {limit:,} characters"
    element.validation = lambda value: too_long(label, value, limit)
    return element
