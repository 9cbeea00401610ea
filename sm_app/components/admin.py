"""The frame of the clinic admin's pages: the sign-in gate, then the admin role (anyone else is told it is for the
admin, as on /admin), and the page's heading with a way back to Admin."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.frame import PageContext, open_page


async def open_admin_page(system: System, path: str, title: str) -> PageContext | None:
    ctx = await open_page(system, path, title=title)
    if ctx is not None and ctx.actor.role != "admin":
        ui.label("Administration is for the clinic admin.").classes("q-pa-md")
        return None
    return ctx


def admin_heading(title: str, intro: str = "") -> None:
    ui.link("← Admin", "/admin").classes("text-body2")
    ui.label(title).classes("text-h5").props("role=heading aria-level=1")
    if intro:
        ui.label(intro).classes("text-grey-8")
