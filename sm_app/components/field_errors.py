"""Showing a service's ValidationError on the form field it names."""

from __future__ import annotations

from nicegui import ui

from ..services.errors import ValidationError


def show_field_error(fields: dict, exc: ValidationError) -> None:
    """Name the field, mark it, and move focus there; what was typed stays."""
    ui.notify(exc.message, type="negative")
    element = fields.get(exc.field)
    if element is not None:
        element.props(f'error error-message="{exc.message}"')
        element.run_method("focus")


def clear_errors(fields: dict) -> None:
    for element in fields.values():
        element.props(remove="error error-message")
