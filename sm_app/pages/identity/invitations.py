"""Invitations: staff invite patients (/invite), the admin invites staff (/admin/invitations), and the invitee
accepts (/invitation?t=…, no sign-in needed: the link, the code and a new password are the proof)."""

from __future__ import annotations

from nicegui import ui

from sm_app.bootstrap import System
from sm_app.components.field_errors import clear_errors, show_field_error
from sm_app.components.frame import PAGE_BUILD_SECONDS, open_page
from sm_app.components.identity.invitations import ROLE_WORDS, InvitationList, invitation_form
from sm_app.identity.invitations import INVITERS_OF_PATIENTS, STAFF_INVITABLE
from sm_app.identity.passwords import MIN_PATIENT, MIN_STAFF
from sm_app.pages.identity.auth import SignInHandoff, client_address, hand_over, home_for
from sm_app.shared.errors import LinkClosed, SignInThrottled, Unavailable, ValidationError

ACCEPT_PATH = "/invitation"


def register(system: System, handoff: SignInHandoff) -> None:
    @ui.page("/invite", response_timeout=PAGE_BUILD_SECONDS)
    async def invite_page() -> None:
        ctx = await open_page(system, "/invite", title="Invite a patient")
        if ctx is None:
            return
        with ui.column().classes("w-full max-w-2xl mx-auto q-pa-md gap-3"):
            ui.label("Invite a patient").classes("text-h5").props("role=heading aria-level=1")
            if ctx.actor.role not in INVITERS_OF_PATIENTS:
                ui.label("Nurses, providers and clerks invite patients to their care teams.")
                return
            teams = {t.id: t.name for t in await system.invitations.teams_to_invite_to(ctx.actor)}
            if not teams:
                ui.label("You are not on a care team yet, so there is no team to invite a patient to.")
                return
            ui.label("The patient gets an email with a link and a code. They choose a password, check their "
                     "details and accept the messaging terms; then your team is in their list.").classes(
                "text-grey-8")
            listing = None

            async def reload() -> None:
                await listing.reload()

            invitation_form(ctx, teams=teams, roles=None, on_sent=reload)
            listing = InvitationList(ctx, show_role=False)
            await listing.reload()

    @ui.page("/admin/invitations", response_timeout=PAGE_BUILD_SECONDS)
    async def admin_invitations_page() -> None:
        ctx = await open_page(system, "/admin/invitations", title="Invitations")
        if ctx is None:
            return
        with ui.column().classes("w-full max-w-3xl mx-auto q-pa-md gap-3"):
            ui.label("Invitations").classes("text-h5").props("role=heading aria-level=1")
            if ctx.actor.role != "admin":
                ui.label("Administration is for the clinic admin.")
                return
            ui.link("Back to Admin", "/admin")
            ui.label("Invite staff").classes("text-h6").props("role=heading aria-level=2")
            teams = {t.id: t.name for t in await system.invitations.teams_to_invite_to(ctx.actor)}
            listing = None

            async def reload() -> None:
                await listing.reload()

            invitation_form(ctx, teams=teams, roles={r: ROLE_WORDS[r] for r in STAFF_INVITABLE}, on_sent=reload)
            listing = InvitationList(ctx, show_role=True)
            await listing.reload()

    @ui.page(ACCEPT_PATH, response_timeout=PAGE_BUILD_SECONDS)
    async def accept_page(t: str = "") -> None:
        ui.page_title(f"Your invitation · {system.settings.clinic_name}")
        token = t
        with ui.column().classes("w-full max-w-xl mx-auto q-pa-md gap-3"):
            ui.label(f"Secure messaging at {system.settings.clinic_name}").classes("text-h5").props(
                "role=heading aria-level=1")
            closed = ui.label("").classes("text-body1 invitation-closed").props("role=alert")
            closed.set_visibility(False)
            sign_in_link = ui.link("Go to sign in", "/login")
            sign_in_link.set_visibility(False)

            def close(exc: LinkClosed) -> None:
                code_step.set_visibility(False)
                details_step.set_visibility(False)
                closed.set_text(str(exc))
                closed.set_visibility(True)
                sign_in_link.set_visibility(True)

            with ui.column().classes("w-full gap-3") as code_step:
                ui.label("Enter your code").classes("text-h6").props("role=heading aria-level=2")
                ui.label("Type the 8-character code from the invitation email.").classes("text-grey-8")
                code = ui.input("Code").props("autocomplete=one-time-code autofocus").classes("w-64")
                code_error = ui.label("").classes("text-negative").props('role=alert aria-live="assertive"')
                check = ui.button("Continue")
            details_step = ui.column().classes("w-full gap-3")
            details_step.set_visibility(False)

            state = await system.invitations.status(token)
            if state != "pending":
                close(LinkClosed("invitation", state))
                return

            async def check_code() -> None:
                clear_errors({"Code": code})
                code_error.set_text("")
                try:
                    opened = await system.invitations.check_code(
                        token, code.value or "", address=client_address(ui.context.client.request))
                except LinkClosed as exc:
                    close(exc)
                    return
                except (ValidationError, SignInThrottled, Unavailable) as exc:
                    code_error.set_text(str(exc))
                    code.run_method("focus")
                    return
                code_step.set_visibility(False)
                details_step.set_visibility(True)
                with details_step:
                    details(opened)

            check.on_click(check_code)
            code.on("keydown.enter", check_code)

            def details(opened) -> None:
                minimum = MIN_PATIENT if opened.role == "patient" else MIN_STAFF
                ui.label("Check your details and choose a password").classes("text-h6").props(
                    "role=heading aria-level=2")
                email = ui.input("Email", value=opened.email).props("readonly").classes("w-full")
                email.props["hint"] = "The address this invitation was sent to. You sign in with it."
                name = ui.input("Name", value=opened.name).props("autocomplete=name").classes("w-full")
                password = ui.input("Password", password=True, password_toggle_button=True).props(
                    "autocomplete=new-password").classes("w-full")
                password.props["hint"] = (f"At least {minimum} characters. A few words you will remember work well; "
                                          "very common passwords are refused.")
                confirmed = ui.checkbox("My name and email address are right")
                error = ui.label("").classes("text-negative").props('role=alert aria-live="assertive"')
                fields = {"Name": name, "Password": password, "Details": confirmed}

                async def accept() -> None:
                    clear_errors(fields)
                    error.set_text("")
                    button.disable()
                    try:
                        user_id = await system.invitations.accept(
                            token, code.value or "", name=name.value or "", password=password.value or "",
                            details_confirmed=bool(confirmed.value),
                            address=client_address(ui.context.client.request))
                        signed_in = await system.sessions.open_for(user_id, how="invitation")
                    except LinkClosed as exc:
                        close(exc)
                        return
                    except ValidationError as exc:
                        show_field_error(fields, exc)
                        error.set_text(" ".join(message for _, message in exc.problems))
                        return
                    except (SignInThrottled, Unavailable) as exc:
                        error.set_text(str(exc))
                        return
                    finally:
                        button.enable()
                    # Patients meet the messaging terms next: every signed-in page asks for them first.
                    await hand_over(system, handoff, signed_in, home_for(signed_in.actor.role))

                button = ui.button("Create my account", on_click=accept)
                ui.label(f"You are invited as: {ROLE_WORDS.get(opened.role, opened.role)}.").classes("text-grey-8")
