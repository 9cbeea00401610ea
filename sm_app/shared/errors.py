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
