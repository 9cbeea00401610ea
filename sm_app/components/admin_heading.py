"""The heading of the clinic admin's content pages (templates, quick replies, terms, email), with a way back to
Admin."""

from __future__ import annotations

from nicegui import ui


def admin_heading(title: str, intro: str = "") -> None:
    ui.link("← Admin", "/admin").classes("text-body2")
    ui.label(title).classes("text-h5").props("role=heading aria-level=1")
    if intro:
        ui.label(intro).classes("text-grey-8")
