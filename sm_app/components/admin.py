"""What the admin console's pages share: the admin-only gate and the paging bar."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.frame import PageContext, open_page
from sm_app.shared.wording import plural


async def open_admin_page(system: System, path: str, title: str) -> PageContext | None:
    """The page frame for the clinic admin, or None (with the reason shown) for anyone else."""
    ctx = await open_page(system, path, title=title)
    if ctx is not None and ctx.actor.role != "admin":
        ui.label("Administration is for the clinic admin.").classes("q-pa-md")
        return None
    return ctx


def paging_bar(*, page: int, pages: int, total: int, noun: str, many: str | None = None,
               go: Callable[[int], Awaitable[None]]) -> None:
    """"Page 2 of 7 · 160 people" with Previous / Next (each hidden at its end)."""
    with ui.row().classes("items-center gap-3 paging"):
        if page > 0:
            ui.button("Previous page", on_click=lambda: go(page - 1)).props("flat")
        ui.label(f"Page {page + 1} of {pages} · {plural(total, noun, many)}").classes("paging-position")
        if page + 1 < pages:
            ui.button("Next page", on_click=lambda: go(page + 1)).props("flat")
