"""Showing a service's ValidationError on the form field it names."""

from __future__ import annotations

from nicegui import ui

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
    """Name the field, mark it, and move focus there; what was typed stays."""
    ui.notify(exc.message, type="negative")
    element = fields.get(exc.field)
    if element is not None:
        mark_error(element, exc.message)
        element.run_method("focus")


def clear_errors(fields: dict) -> None:
    for element in fields.values():
        clear_error(element)
