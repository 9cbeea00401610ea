"""Sign-in throttling: growing waits after repeated failures, per account, per client address and per pair.

Why three counters (SECURITY.md "Throttling"; NIST SP 800-63B 5.2.2):
- **pair** (typed email + address): the person at the keyboard. Five free failures, then waits of 1 s, 2 s, 4 s …
  up to 15 minutes. Guessing one password from one place becomes slow, and nobody else is affected.
- **address**: password spraying, many accounts from one place. Twenty free failures per hour, then the same
  growing waits. A success does not reset it, so a valid account cannot be used to wash the counter.
- **account** (every address): a guess spread over many addresses. At 100 consecutive failures the account
  waits an hour; the wait expires by itself (and `sm-app unlock` ends it at once).

The keys are keyed hashes of the typed email and the address, never the user id: an unknown email is throttled
exactly like a real one, so the wait message does not tell anybody whether an account exists, and the table
holds neither addresses nor emails. A wait refuses every attempt, the right password included, without checking
it (which also saves the hashing work an attacker would like us to spend).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from sm_app.adapters.clock import as_utc
from sm_app.adapters.db import insert_ignoring_duplicates
from sm_app.adapters.models import SignInThrottle


@dataclass(frozen=True)
class Rule:
    kind: str
    free_failures: int  # failures allowed before the first wait
    first_wait: timedelta
    longest_wait: timedelta
    forget_after: timedelta | None  # failures older than this no longer count (None: until a success)

    def wait_after(self, failures: int) -> timedelta | None:
        if failures < self.free_failures:
            return None
        doublings = min(failures - self.free_failures, 30)
        return min(self.first_wait * (2 ** doublings), self.longest_wait)


PAIR = Rule("pair", 5, timedelta(seconds=1), timedelta(minutes=15), None)
ADDRESS = Rule("address", 20, timedelta(seconds=1), timedelta(minutes=15), timedelta(hours=1))
ACCOUNT = Rule("account", 100, timedelta(hours=1), timedelta(hours=1), None)


class SignInThrottleKeys:
    """The keyed hashes that name one attempt's counters."""

    def __init__(self, secret: bytes):
        # A key of its own, derived from the search key with a label, so these hashes match nothing else.
        self._key = hmac.new(secret, b"sm-app sign-in throttle v1", hashlib.sha256).digest()

    def _tag(self, kind: str, value: str) -> str:
        return hmac.new(self._key, f"{kind}|{value}".encode(), hashlib.sha256).hexdigest()

    def account(self, email: str) -> str:
        return self._tag("account", email)

    def for_attempt(self, email: str, address: str) -> dict[Rule, str]:
        return {
            PAIR: self._tag("pair", f"{email}|{address}"),
            ADDRESS: self._tag("address", address),
            ACCOUNT: self.account(email),
        }

    def for_purpose(self, purpose: str, subject: str, address: str) -> dict[Rule, str]:
        """The same three counters for another guessable step: an invitation's code (`subject` = the invitation),
        a password-reset request (the typed email), the current password asked again in Settings (the user).
        Counters of their own: a run of reset requests does not lock anybody out of signing in."""
        return {
            PAIR: self._tag(f"{purpose}-pair", f"{subject}|{address}"),
            ADDRESS: self._tag(f"{purpose}-address", address),
            ACCOUNT: self._tag(f"{purpose}-account", subject),
        }


async def wait_left(s: AsyncSession, keys: dict[Rule, str], now: datetime) -> timedelta | None:
    """How long this attempt must still wait, or None when it may go ahead."""
    rows = (await s.execute(select(SignInThrottle).where(SignInThrottle.key.in_(keys.values())))).scalars()
    waits = [as_utc(r.blocked_until) - now for r in rows if r.blocked_until and as_utc(r.blocked_until) > now]
    return max(waits) if waits else None


async def record_failure(s: AsyncSession, keys: dict[Rule, str], account_key: str, now: datetime) -> bool:
    """Count a failed attempt on every counter (inside the caller's write transaction).

    Returns True when the account-wide counter has just reached its lock.
    """
    locked_now = False
    for rule, key in keys.items():
        # Insert-if-missing, then lock the row: two failures at the same moment must both count.
        await s.execute(insert_ignoring_duplicates(s, SignInThrottle.__table__).values(
            key=key, kind=rule.kind, account=account_key if rule is not ADDRESS else None, failures=0,
            last_failure_at=now))
        row = (await s.execute(select(SignInThrottle).where(SignInThrottle.key == key).with_for_update())).scalar_one()
        if rule.forget_after is not None and now - as_utc(row.last_failure_at) >= rule.forget_after:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = rule.wait_after(row.failures)
        row.blocked_until = now + wait if wait else None
        if rule is ACCOUNT and row.failures == rule.free_failures:
            locked_now = True
    return locked_now


async def record_success(s: AsyncSession, keys: dict[Rule, str]) -> None:
    """A right password ends the person's and the account's run of failures (not the address's)."""
    await s.execute(delete(SignInThrottle).where(SignInThrottle.key.in_([keys[PAIR], keys[ACCOUNT]])))


async def forget_account(s: AsyncSession, account_key: str) -> int:
    """End every wait on one account (its own counter and each address's pair counter)."""
    result = await s.execute(delete(SignInThrottle).where(SignInThrottle.account == account_key))
    return result.rowcount or 0


async def waits_by_account(s: AsyncSession, account_keys: list[str], now: datetime) -> dict[str, datetime]:
    """Account key -> until when some counter of that account makes sign-in wait (only accounts that wait now)."""
    if not account_keys:
        return {}
    rows = (await s.execute(select(SignInThrottle.account, SignInThrottle.blocked_until).where(
        SignInThrottle.account.in_(account_keys), SignInThrottle.blocked_until.is_not(None)))).all()
    until: dict[str, datetime] = {}
    for account, blocked_until in rows:
        end = as_utc(blocked_until)
        if end > now and (account not in until or end > until[account]):
            until[account] = end
    return until
