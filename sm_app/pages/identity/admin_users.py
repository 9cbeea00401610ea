"""Admin console, Users (/admin/users): find people by name, email or role; their teams, last sign-in and state;
deactivate (their open pages go to sign-in at once), reactivate, unlock a sign-in lock, change a person's role and
care teams. Paged for large clinics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.admin import open_admin_page, paging_bar
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.formatting import short_time
from sm_app.components.frame import PAGE_BUILD_SECONDS, PageContext
from sm_app.identity.accounts import ROLES
from sm_app.identity.passwords import STAFF_ROLES
from sm_app.identity.user_admin import AccessChange, UserRow
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
            await redraw(user_id)

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

        async def redraw(user_id: str) -> None:
            row = rows.get(user_id)
            if row is not None:
                fresh = await system.user_admin.user(actor, user_id)
                states = await invitation_states(system, actor, [user_id])
                row.clear()
                with row:
                    _user_row(fresh, states.get(user_id, ""))

        change_access = await _access_dialog(ctx, redraw)

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
                    if not invitation and user.id != actor.user_id:
                        ui.button(f"Change role or teams of {user.name}",
                                  on_click=lambda u=user: change_access(u)).props("flat dense")
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


def _role_words(role: str) -> str:
    """"a nurse", "an admin"."""
    words = ROLE_NAMES.get(role, role).lower()
    return ("an " if words[:1] in "aeiou" else "a ") + words


def _access_words(user: UserRow, role: str, change: AccessChange) -> str:
    said = []
    if change.role_changed:
        said.append(f"{user.name} is now {_role_words(role)} and is signed out everywhere, to sign in again with "
                    "the new role")
    if change.joined:
        said.append("joined " + ", ".join(change.joined))
    if change.left:
        said.append("left " + ", ".join(change.left))
    return "; ".join(said) + "." if said else "Nothing to change."


async def _access_dialog(ctx: PageContext, saved: Callable[[str], Awaitable[None]]) -> Callable[[UserRow], Awaitable]:
    """The "Role and care teams" dialog; returns what opens it for one person. Filled when opened: the teams are
    read then, so one made in another tab is offered."""
    system, actor = ctx.system, ctx.actor
    asked: dict[str, UserRow] = {}
    staff_roles = {r: n for r, n in ROLE_NAMES.items() if r and r != "patient"}

    def roles_changed() -> None:
        # Admins and privacy officers are on no care team (the service refuses them teams; say it before).
        clinical = role.value in (*STAFF_ROLES, "patient")
        if not clinical:
            teams.set_value([])
        teams.set_enabled(clinical)

    with ui.dialog() as dialog, ui.card().classes("q-pa-md w-96"):
        title = ui.label("").classes("text-h6").props("role=heading aria-level=2")
        role = ui.select(staff_roles, label="Role", on_change=roles_changed).classes("w-full")
        teams = ui.select({}, label="Care teams", multiple=True).props("use-chips").classes("w-full")
        ui.label("A new role signs the person out everywhere; they sign in again with it. Admins and privacy "
                 "officers are on no care team. Team-lead and on-call marks are set on each team's page."
                 ).classes("text-caption text-grey-8")
        fields = {"Role": role, "Care teams": teams}

        async def save() -> None:
            clear_errors(fields)
            user = asked.get("user")
            if user is None or await ctx.still_signed_in() is None:
                return
            try:
                change = await system.user_admin.change_access(actor, user.id, role=role.value or "",
                                                               team_ids=list(teams.value or []))
            except ValidationError as exc:
                show_field_error(fields, exc)
                return
            except NotFound:
                ui.notify("That person no longer exists.", type="negative")
                dialog.close()
                return
            asked.pop("user", None)
            dialog.close()
            ui.notify(_access_words(user, role.value, change), type="positive")
            await saved(user.id)

        with ui.row().classes("gap-2"):
            ui.button("Save role and teams", on_click=save)
            ui.button("Cancel", on_click=dialog.close).props("flat")

    async def open_for(user: UserRow) -> None:
        if await ctx.still_signed_in() is None:
            return
        fresh = await system.user_admin.user(actor, user.id)
        offered = {t.id: t.name for t in await system.team_admin.teams(actor)}
        asked["user"] = fresh
        clear_errors(fields)
        title.set_text(f"Role and care teams: {fresh.name}")
        # A patient stays a patient (the service says why); staff choose among the staff roles.
        role.set_options({"patient": ROLE_NAMES["patient"]} if fresh.role == "patient" else staff_roles,
                         value=fresh.role)
        teams.set_options(offered, value=[t for t in fresh.team_ids if t in offered])
        roles_changed()
        dialog.open()

    return open_for
