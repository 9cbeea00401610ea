"""Under Settings: change the password, and the address notification emails go to. Both ask for the current password
first (counted like sign-in failures when wrong). A new password ends the person's other sessions; a new address is
used only after a link sent to it has been opened.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from sm_app.adapters.models import AccountToken, User
from sm_app.identity import sign_in_throttle as throttle
from sm_app.identity.account_links import REPLACED, USED, LinkService, by_token, end_open_links, state_of
from sm_app.identity.accounts import Actor, normalise_email
from sm_app.identity.passwords import check_rules
from sm_app.identity.sessions import end_sessions_in
from sm_app.shared.errors import LinkClosed, NotFound, SignInThrottled, ValidationError
from sm_app.shared.events import AccountLinkIssued

ADDRESS_LIFETIME = timedelta(hours=24)
PURPOSE = "address"


@dataclass(frozen=True)
class NotificationAddress:
    sign_in: str  # the sign-in address (where emails go unless another is confirmed)
    current: str  # where notification emails go now
    waiting: str | None  # a new address whose link has not been opened yet


class Credentials(LinkService):

    async def _current_password_ok(self, actor: Actor, password: str, address: str) -> bool:
        """Check the current password again, throttled per person and address like sign-in."""
        keys = self._throttle.for_purpose("reauth", actor.user_id, address)
        async with self._db.read() as s:
            wait = await throttle.wait_left(s, keys, self._clock.now())
            user = await s.get(User, actor.user_id)
        if wait is not None:
            raise SignInThrottled(wait)
        if user is None or not user.active:
            raise NotFound("account")
        ok = await asyncio.to_thread(self._hasher.verify, user.password_hash, password or "")
        async with self._db.write() as s:
            if ok:
                await throttle.record_success(s, keys)
            else:
                await throttle.record_failure(s, keys, keys[throttle.ACCOUNT], self._clock.now())
                await self._audit.record(s, actor_id=actor.user_id, action="reauthenticate", object_type="user",
                                         object_id=actor.user_id, outcome="failure")
        return ok

    async def change_password(self, actor: Actor, *, current: str, new: str, session_token: str | None,
                              address: str = "") -> None:
        """Set a new password after the current one; every other session of the person ends (this one stays)."""
        problems: list[tuple[str, str]] = []
        try:
            check_rules(new, actor.role)
        except ValidationError as exc:
            problems.append(("New password", exc.message))
        if not await self._current_password_ok(actor, current, address):
            problems.insert(0, ("Current password", "That is not your current password."))
        if problems:
            (field, message), *more = problems
            raise ValidationError(field, message, more=tuple(more))
        password_hash = await asyncio.to_thread(self._hasher.hash, new)
        async with self._uow() as work:
            user = await work.session.get(User, actor.user_id)
            user.password_hash = password_hash
            await end_sessions_in(work, actor.user_id, keep_token=session_token)
            await self._audit.record(work.session, actor_id=actor.user_id, action="password.change",
                                     object_type="user", object_id=actor.user_id)

    async def notification_address(self, actor: Actor) -> NotificationAddress:
        now = self._clock.now()
        async with self._db.read() as s:
            user = await s.get(User, actor.user_id)
            if user is None:
                raise NotFound("account")
            rows = (await s.execute(select(AccountToken).where(
                AccountToken.user_id == actor.user_id, AccountToken.purpose == PURPOSE, AccountToken.ended.is_(None))
                .order_by(AccountToken.created_at.desc()).limit(1))).scalars().all()
        waiting = rows[0].email if rows and state_of(rows[0], now) == "pending" else None
        return NotificationAddress(user.email, user.notification_email or user.email, waiting)

    async def request_address_change(self, actor: Actor, *, current_password: str, new_email: str,
                                     address: str = "") -> NotificationAddress:
        """Send a confirmation link to a new notification address (after the current password). Emails keep going
        to the old address until the link is opened. The sign-in address itself is taken back at once."""
        problems: list[tuple[str, str]] = []
        try:
            new_email = normalise_email(new_email)
        except ValidationError:
            problems.append(("New notification address", "Enter a valid email address."))
        if not await self._current_password_ok(actor, current_password, address):
            problems.insert(0, ("Current password", "That is not your current password."))
        if problems:
            (field, message), *more = problems
            raise ValidationError(field, message, more=tuple(more))
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            user = await s.get(User, actor.user_id)
            await end_open_links(s, user.id, PURPOSE, REPLACED, now)
            if new_email == user.email:
                user.notification_email = None
                detail = "sign-in address"
            else:
                minted = self._links.mint(purpose=PURPOSE, user_id=user.id, email=new_email, now=now,
                                          lifetime=ADDRESS_LIFETIME, created_by=user.id)
                s.add(minted.row)
                work.record(AccountLinkIssued(minted.row.id, user.id, new_email, "verify_address",
                                              f"{self._base}/verify-address?t={minted.token}"))
                detail = f"link={minted.row.id}"
            await self._audit.record(s, actor_id=user.id, action="notification_address.request", object_type="user",
                                     object_id=user.id, detail=detail)
        return await self.notification_address(actor)

    async def address_link_status(self, token: str) -> str:
        """pending, or why a new address's link no longer works (reading it changes nothing: mail scanners open
        links, so confirming takes a press of a button)."""
        async with self._db.read() as s:
            row = await by_token(s, PURPOSE, token)
            user = await s.get(User, row.user_id) if row is not None else None
        state = state_of(row, self._clock.now())
        if state == "pending" and not (user is not None and user.active and self._links.intact(row)):
            return "unknown"
        return state

    async def confirm_address(self, token: str) -> None:
        """The link from the new address's email was opened: notification emails go there from now on."""
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            row = await by_token(s, PURPOSE, token, for_update=True)
            user = await s.get(User, row.user_id) if row is not None else None
            state = state_of(row, now)
            if state == "pending" and not (user is not None and user.active and self._links.intact(row)):
                state = "unknown"
            if state != "pending":
                raise LinkClosed(PURPOSE, state)
            user.notification_email = row.email
            row.ended, row.ended_at = USED, now
            await self._audit.record(s, actor_id=user.id, action="notification_address.confirm", object_type="user",
                                     object_id=user.id, detail=f"link={row.id}")
