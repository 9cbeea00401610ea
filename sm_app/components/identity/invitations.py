"""The invitation form and the list of invitations with Resend and Revoke, shared by staff (/invite, patients of
their own teams) and the clinic admin (/admin/invitations, staff with a role and teams)."""

from __future__ import annotations

from nicegui import ui

from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.formatting import short_time
from sm_app.components.keyed_list import KeyedList
from sm_app.identity.invitations import InvitationInfo
from sm_app.shared.errors import NotAllowed, NotFound, ValidationError

STATE_WORDS = {"pending": "Pending", "accepted": "Accepted", "expired": "Expired", "revoked": "Revoked",
               "replaced": "Pending"}
ROLE_WORDS = {"patient": "Patient", "clerk": "Clerk", "nurse": "Nurse", "pharmacist": "Pharmacist",
              "provider": "Provider", "admin": "Clinic admin", "privacy_officer": "Privacy officer"}


class InvitationList:
    """Invitations of invited people, newest first, one row per person kept in step by value (KeyedList)."""

    def __init__(self, ctx, *, show_role: bool):
        self._ctx = ctx
        self._system = ctx.system
        self._show_role = show_role
        ui.label("Invitations").classes("text-h6").props("role=heading aria-level=2")
        self._empty = ui.label("No invitations yet.").classes("text-grey-8")
        container = ui.column().classes("w-full gap-2 invitation-list")
        self._rows = KeyedList(container, self._draw, key=lambda row: row.user_id)

    async def reload(self) -> None:
        rows = await self._system.invitations.listing(self._ctx.actor)
        self._rows.show(rows)
        self._empty.set_visibility(not rows)

    def _draw(self, row: InvitationInfo) -> ui.element:
        tz, now = self._system.settings.timezone, self._system.clock.now()
        with ui.card().classes("w-full invitation-row").props("flat bordered") as card:
            with ui.row().classes("w-full items-center justify-between gap-2"):
                with ui.column().classes("gap-0"):
                    ui.label(row.name).classes("text-weight-medium")
                    ui.label(row.email).classes("text-grey-8")
                    details = [ROLE_WORDS.get(row.role, row.role)] if self._show_role else []
                    details += list(row.teams)
                    if details:
                        ui.label(" · ".join(details)).classes("text-grey-8")
                with ui.column().classes("gap-0 items-end"):
                    ui.label(STATE_WORDS.get(row.state, row.state)).classes("invitation-state text-weight-medium")
                    if row.state in ("pending", "replaced"):
                        ui.label(f"Works until {short_time(row.expires_at, tz, now)}").classes("text-grey-8")
            if row.state != "accepted":
                with ui.row().classes("gap-2"):
                    resend = ui.button("Resend", on_click=lambda r=row: self._act("resend", r)).props("outline")
                    resend.props["aria-label"] = f"Resend the invitation to {row.name}"
                    if row.state in ("pending", "replaced"):
                        revoke = ui.button("Revoke", on_click=lambda r=row: self._act("revoke", r)).props(
                            "outline color=negative")
                        revoke.props["aria-label"] = f"Revoke the invitation to {row.name}"
        return card

    async def _act(self, what: str, row: InvitationInfo) -> None:
        if await self._ctx.still_signed_in() is None:
            return
        try:
            if what == "resend":
                await self._system.invitations.resend(self._ctx.actor, row.id)
                ui.notify(f"A new invitation was sent to {row.email}. The old link no longer works.",
                          type="positive")
            else:
                await self._system.invitations.revoke(self._ctx.actor, row.id)
                ui.notify(f"The invitation to {row.email} was revoked.", type="positive")
        except (ValidationError, NotFound, NotAllowed) as exc:
            ui.notify(str(exc), type="negative")
        await self.reload()


def invitation_form(ctx, *, teams: dict[str, str], roles: dict[str, str] | None, on_sent) -> None:
    """Name, email, (role,) care team(s) and "Send invitation". What was typed stays when something is wrong."""
    system = ctx.system
    name = ui.input("Name").props("autocomplete=off").classes("w-full")
    email = ui.input("Email").props("type=email autocomplete=off").classes("w-full")
    fields = {"Name": name, "Email": email}
    role = None
    if roles is not None:
        role = ui.select(roles, label="Role", value="nurse").classes("w-64")
        team = ui.select(teams, label="Care teams", multiple=True, value=[]).props("use-chips").classes("w-full")
        fields |= {"Role": role, "Care teams": team}
    else:
        team = ui.select(teams, label="Care team", value=next(iter(teams), None)).classes("w-full")
        fields["Care team"] = team
    ui.label("The email says only that they are invited to secure messaging here, with a link and a code: no "
             "care team, no health information.").classes("text-grey-8")

    async def send() -> None:
        clear_errors(fields)
        if await ctx.still_signed_in() is None:
            return
        try:
            if role is None:
                sent = await system.invitations.invite_patient(ctx.actor, email=email.value or "",
                                                               name=name.value or "", team_id=team.value or "")
            else:
                sent = await system.invitations.invite_staff(ctx.actor, email=email.value or "",
                                                             name=name.value or "", role=role.value or "",
                                                             team_ids=list(team.value or []))
        except ValidationError as exc:
            show_field_error(fields, exc)
            return
        except NotAllowed as exc:
            ui.notify(str(exc), type="negative")
            return
        name.set_value("")
        email.set_value("")
        ui.notify(f"Invitation sent to {sent.email}", type="positive")
        await on_sent()

    ui.button("Send invitation", on_click=send)
