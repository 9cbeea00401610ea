"""Admin console, Users (/admin/users): find people by name, email or role; their teams, last sign-in and state;
deactivate (their open pages go to sign-in at once), reactivate, unlock a sign-in lock. Paged for large clinics."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.admin import open_admin_page, paging_bar
from sm_app.components.formatting import short_time
from sm_app.components.frame import PAGE_BUILD_SECONDS
from sm_app.identity.accounts import ROLES
from sm_app.identity.user_admin import UserRow
from sm_app.shared.errors import NotFound, ValidationError

ROLE_NAMES = {"": "All roles", **{r: r.replace("_", " ").capitalize() for r in ROLES}}


# An invitation's state in the admin's words; an accepted one says nothing (the person is simply active).
INVITATION_WORDS = {"pending": "Invitation sent, not accepted yet", "expired": "Invitation expired",
                    "revoked": "Invitation withdrawn", "replaced": "Invitation replaced"}


async def invitation_states(system: System, actor, user_ids: list[str]) -> dict[str, str]:
    """Each invited person's open invitation state ("pending", "expired", ...), accepted ones left out."""
    states = await system.invitations.state_for_users(actor, user_ids)
    return {user_id: state for user_id, state in states.items() if state in INVITATION_WORDS}


def register(system: System) -> None:
    @ui.page("/admin/users", response_timeout=PAGE_BUILD_SECONDS)
    async def users_page() -> None:
        ctx = await open_admin_page(system, "/admin/users", "Users")
        if ctx is None:
            return
        actor, tz = ctx.actor, system.settings.timezone
        shown = {"page": 0}
        rows: dict[str, ui.element] = {}  # user id -> its row, redrawn alone after an action on it

        async def act(user_id: str, action) -> None:
            if await ctx.still_signed_in() is None:
                return
            try:
                done = await action()
            except (ValidationError, NotFound) as exc:
                ui.notify(str(exc) if isinstance(exc, ValidationError) else "That person no longer exists.",
                          type="negative")
                return
            ui.notify(done, type="positive")
            row = rows.get(user_id)
            if row is not None:
                fresh = await system.user_admin.user(actor, user_id)
                states = await invitation_states(system, actor, [user_id])
                row.clear()
                with row:
                    _user_row(fresh, states.get(user_id, ""))

        async def deactivate(user: UserRow) -> None:
            async def do() -> str:
                await system.user_admin.deactivate(actor, user.id)
                return f"{user.name} is deactivated and signed out everywhere"
            confirm.close()
            await act(user.id, do)

        async def reactivate(user: UserRow) -> None:
            async def do() -> str:
                await system.user_admin.reactivate(actor, user.id)
                return f"{user.name} can sign in again"
            await act(user.id, do)

        async def unlock(user: UserRow) -> None:
            async def do() -> str:
                await system.user_admin.unlock(actor, user.id)
                return f"{user.name} can try to sign in again now"
            await act(user.id, do)

        async def resend(user: UserRow) -> None:
            async def do() -> str:
                await system.invitations.resend_for_user(actor, user.id)
                return f"A new invitation was sent to {user.email}"
            await act(user.id, do)

        asked: dict[str, UserRow] = {}  # the person the open confirmation is about

        async def confirmed() -> None:
            if "user" in asked:
                await deactivate(asked.pop("user"))

        with ui.dialog() as confirm, ui.card().classes("q-pa-md"):
            confirm_text = ui.label("").classes("text-body1")
            with ui.row().classes("gap-2"):
                ui.button("Deactivate", on_click=confirmed).props("color=negative")
                ui.button("Cancel", on_click=confirm.close).props("flat")

        def ask_deactivate(user: UserRow) -> None:
            asked["user"] = user
            confirm_text.set_text(f"Deactivate {user.name}? They are signed out at once on every device and cannot "
                                  "sign in until reactivated. Their conversations stay with their care teams.")
            confirm.open()

        def _user_row(user: UserRow, invitation: str) -> None:
            with ui.item_section():
                ui.label(user.name).classes("text-body1 text-weight-medium user-name")
                ui.label(f"{user.email} · {ROLE_NAMES.get(user.role, user.role)}").classes("text-caption")
                ui.label("Teams: " + (", ".join(user.teams) if user.teams else "none")).classes("text-caption")
                last = short_time(user.last_sign_in_at, tz, system.clock.now()) if user.last_sign_in_at else "never"
                ui.label(f"Last sign-in: {last}").classes("text-caption")
                if invitation:
                    ui.label(INVITATION_WORDS[invitation]).classes("text-caption invitation-state")
            with ui.item_section().props("side"):
                # An invited person's account is off until they accept: "Invited", not "Deactivated".
                state = "Invited" if invitation else user.state
                if user.locked_until:
                    state += f" until {short_time(user.locked_until, tz, system.clock.now())}"
                ui.label(state).classes("user-state")
                with ui.row().classes("gap-1"):
                    if user.locked_until:
                        ui.button(f"Unlock {user.name}", on_click=lambda u=user: unlock(u)).props("flat dense")
                    if user.active and user.id != actor.user_id:
                        ui.button(f"Deactivate {user.name}", on_click=lambda u=user: ask_deactivate(u)).props(
                            "flat dense color=negative")
                    elif invitation:
                        ui.button(f"Resend invitation to {user.name}", on_click=lambda u=user: resend(u)).props(
                            "flat dense")
                    elif not user.active:
                        ui.button(f"Reactivate {user.name}", on_click=lambda u=user: reactivate(u)).props(
                            "flat dense")

        @ui.refreshable
        async def listing() -> None:
            rows.clear()
            found = await system.user_admin.list_users(actor, search=search.value or "", role=role.value or "",
                                                       page=shown["page"])
            shown["page"] = found.page
            states = await invitation_states(system, actor, [u.id for u in found.rows])
            if not found.rows:
                ui.label("No one matches.").classes("text-grey-7")
                return
            with ui.list().props("bordered separator").classes("w-full user-list"):
                for user in found.rows:
                    with ui.item().classes("user-row") as row:
                        _user_row(user, states.get(user.id, ""))
                    rows[user.id] = row
            paging_bar(page=found.page, pages=found.pages, total=found.total, noun="person", many="people", go=go)

        async def go(page: int) -> None:
            shown["page"] = page
            await listing.refresh()

        async def find() -> None:
            await go(0)

        with ui.column().classes("w-full max-w-4xl mx-auto q-pa-md gap-3"):
            ui.label("Users").classes("text-h5").props("role=heading aria-level=1")
            with ui.row().classes("gap-2"):
                ui.link("Admin", "/admin")
                ui.link("Care teams", "/admin/teams")
            with ui.row().classes("items-end gap-3"):
                search = ui.input("Search by name or email").props("clearable").classes("w-72").on(
                    "keydown.enter", find)
                role = ui.select(ROLE_NAMES, label="Role", value="", on_change=find).classes("w-48")
                ui.button("Search", on_click=find)
            await listing()
