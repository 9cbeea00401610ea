"""Errors services raise for pages to show. Messages are safe to show to the acting user."""

from __future__ import annotations


class ServiceError(Exception):
    pass


class NotFound(ServiceError):
    """The object does not exist, or the actor may not see it: the two look the same."""

    def __init__(self, what: str = "thread"):
        super().__init__(f"That {what} was not found.")


class ValidationError(ServiceError):
    """Bad input. `field` names the form field (its visible label) so the page can focus it."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class SignInFailed(ServiceError):
    def __init__(self):
        super().__init__("Email or password is not correct.")


class NotAllowed(ServiceError):
    """The actor is signed in but their role cannot do this at all (e.g. an admin sending)."""
