"""Forgot password: a single-use link, 30 minutes, by email; using it sets a new password and ends every session.

Asking for a link never tells whether an address has an account: the page says the same words, and the service does
the same work either way — it mints a link, counts the request on the throttle's counters and writes an audit entry
in one transaction; only for a real, active account is the link kept and its email queued (in that same
transaction). Requests are throttled per typed address, per client address and both, like sign-in, so nobody can
flood an inbox.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from sm_app.adapters.models import User
from sm_app.identity import sign_in_throttle as throttle
from sm_app.identity.account_links import REPLACED, USED, LinkService, by_token, end_open_links, state_of
from sm_app.identity.accounts import normalise_email
from sm_app.identity.invitations import NO_PASSWORD_YET
from sm_app.identity.passwords import check_rules
from sm_app.identity.sessions import end_sessions_in
from sm_app.shared.errors import LinkClosed, SignInThrottled
from sm_app.shared.events import AccountLinkIssued

RESET_LIFETIME = timedelta(minutes=30)
PURPOSE = "reset"
# The words the page shows after every request, for an address with an account or without one.
REQUEST_RECEIVED = ("If an account uses that email address, we have sent it a link to choose a new password. "
                    "The link works once, for 30 minutes. Check your spam folder if it does not arrive.")


class Recovery(LinkService):

    async def request_reset(self, email: str, *, address: str = "") -> str:
        """Ask for a reset link. Returns `REQUEST_RECEIVED` whether or not the address has an account; raises
        `ValidationError` only for something that is not an email address, `SignInThrottled` after too many."""
        email = normalise_email(email)
        keys = self._throttle.for_purpose(PURPOSE, email, address)
        now = self._clock.now()
        async with self._db.read() as s:
            wait = await throttle.wait_left(s, keys, now)
            user = (await s.execute(select(User).where(User.email == email))).scalar_one_or_none()
        if wait is not None:
            raise SignInThrottled(wait)
        known = user is not None and user.active and user.password_hash != NO_PASSWORD_YET
        minted = self._links.mint(purpose=PURPOSE, user_id=user.id if known else "", email=email, now=now,
                                  lifetime=RESET_LIFETIME)
        async with self._uow() as work:
            s = work.session
            await throttle.record_failure(s, keys, keys[throttle.ACCOUNT], now)
            if known:
                await end_open_links(s, user.id, PURPOSE, REPLACED, now)
                s.add(minted.row)
                work.record(AccountLinkIssued(minted.row.id, user.id, email, "password_reset",
                                              f"{self._base}/reset-password?t={minted.token}"))
            await self._audit.record(s, actor_id=None, action="password_reset.request", object_type="user",
                                     object_id=user.id if known else None)
        return REQUEST_RECEIVED

    async def status(self, token: str) -> str:
        """pending, or why the link no longer works."""
        async with self._db.read() as s:
            row = await by_token(s, PURPOSE, token)
            user = await s.get(User, row.user_id) if row is not None else None
        return self._usable_state(row, user)

    def _usable_state(self, row, user: User | None) -> str:
        state = state_of(row, self._clock.now())
        if state == "pending" and not (user is not None and user.active and self._links.intact(row)
                                       and row.email == user.email):
            return "unknown"
        return state

    async def reset_password(self, token: str, password: str) -> None:
        """Set a new password with a reset link: the link is used up and every session of the person ends (their
        open pages go to sign-in). A reset never signs anyone in: they sign in with the new password."""
        async with self._db.read() as s:
            row = await by_token(s, PURPOSE, token)
            user = await s.get(User, row.user_id) if row is not None else None
            state = self._usable_state(row, user)
        if state != "pending":
            raise LinkClosed(PURPOSE, state)
        check_rules(password, user.role)
        password_hash = await asyncio.to_thread(self._hasher.hash, password)
        now = self._clock.now()
        async with self._uow() as work:
            s = work.session
            fresh = await by_token(s, PURPOSE, token, for_update=True)
            account = await s.get(User, user.id)
            state = self._usable_state(fresh, account)
            if state != "pending":
                raise LinkClosed(PURPOSE, state)
            account.password_hash = password_hash
            fresh.ended, fresh.ended_at = USED, now
            await end_sessions_in(work, account.id)
            # Whoever reads the account's email may sign in again at once: the sign-in lock on it ends too.
            await throttle.forget_account(s, self._throttle.account(account.email))
            await self._audit.record(s, actor_id=account.id, action="password_reset.done", object_type="user",
                                     object_id=account.id)
