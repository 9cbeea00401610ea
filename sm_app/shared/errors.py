"""Errors services raise for pages to show. Messages are safe to show to the acting user."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sm_app.adapters.db import Unavailable  # noqa: F401 - raised by the store; pages catch it from here with the other errors


class ServiceError(Exception):
    pass


class NotFound(ServiceError):
    """The object does not exist, or the actor may not see it: the two look the same."""

    def __init__(self, what: str = "thread"):
        super().__init__(f"That {what} was not found.")


class ValidationError(ServiceError):
    """Bad input. `field` names the form field (its visible label) so the page can focus it; `problems` lists every
    field that needs attention, this one first (a form shows them all at once)."""

    def __init__(self, field: str, message: str, *, more: tuple[tuple[str, str], ...] = ()):
        super().__init__(message)
        self.field = field
        self.message = message
        self.problems: tuple[tuple[str, str], ...] = ((field, message), *more)


def every_problem(*checks: Callable[[], Any]) -> list[Any]:
    """Run every check and return their results; if any failed, raise one ValidationError naming all of them."""
    results: list[Any] = []
    problems: list[tuple[str, str]] = []
    for check in checks:
        try:
            results.append(check())
        except ValidationError as exc:
            problems.extend(exc.problems)
            results.append(None)
    if problems:
        (field, message), *more = problems
        raise ValidationError(field, message, more=tuple(more))
    return results


class SignInFailed(ServiceError):
    def __init__(self):
        super().__init__("Email or password is not correct.")


class SignInThrottled(ServiceError):
    """Too many failed attempts for this email, this address or both: wait. Says nothing about the account."""

    def __init__(self, wait: timedelta):
        self.wait = wait
        seconds = max(1, math.ceil(wait.total_seconds()))
        when = f"{seconds} seconds" if seconds < 60 else f"{math.ceil(seconds / 60)} minutes"
        if when in ("1 seconds", "1 minutes"):
            when = when[:-1]
        super().__init__(f"Too many sign-in attempts. Please wait {when} and try again.")


class SignInBusy(ServiceError):
    """More people are signing in at this moment than the server checks at once."""

    def __init__(self):
        super().__init__("Sign-in is busy right now. Please try again in a moment.")


class NotAllowed(ServiceError):
    """The actor is signed in but their role cannot do this at all (e.g. an admin sending)."""


class LinkClosed(ServiceError):
    """An emailed link (invitation, password reset, new address) that no longer works: `state` says why (expired,
    accepted, revoked, replaced, unknown) and the message how to get a new one."""

    WORDS = {
        "invitation": {
            "expired": "This invitation has expired (invitations work for 72 hours). Ask the clinic, or the person "
                       "who invited you, to send a new one.",
            "accepted": "This invitation has already been used. Sign in with your email and password; if you "
                        "forgot the password, use \"Forgot your password?\" on the sign-in page.",
            "revoked": "This invitation was withdrawn. Ask the clinic if you should have a new one.",
            "replaced": "A newer invitation was sent to you. Use the link and code in the most recent email.",
            "unknown": "This invitation link does not work. Check that you used the whole link from the most recent "
                       "email, or ask the clinic to send a new invitation.",
        },
        "reset": {
            "expired": "This link has expired (it works for 30 minutes). Ask for a new one on the sign-in page with "
                       "\"Forgot your password?\".",
            "accepted": "This link has already been used. Ask for a new one on the sign-in page with \"Forgot your "
                        "password?\".",
            "replaced": "A newer link was sent to you. Use the link in the most recent email.",
            "unknown": "This link does not work. Check that you used the whole link from the most recent email, or "
                       "ask for a new one on the sign-in page with \"Forgot your password?\".",
        },
        "address": {
            "expired": "This link has expired. Enter the address again under Settings to get a new one.",
            "accepted": "This address is already confirmed.",
            "replaced": "A newer link was sent. Use the link in the most recent email.",
            "unknown": "This link does not work. Enter the address again under Settings to get a new one.",
        },
    }

    def __init__(self, purpose: str, state: str):
        self.purpose = purpose
        self.state = state
        words = self.WORDS.get(purpose, {})
        super().__init__(words.get(state) or words.get("expired") or "This link no longer works.")
