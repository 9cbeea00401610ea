"""Password hashing (argon2id) and the password rules from SECURITY.md."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sm_app.shared.errors import ValidationError

STAFF_ROLES = ("clerk", "nurse", "pharmacist", "provider")
MIN_PATIENT = 12
MIN_STAFF = 15  # staff and admins: they reach many patients' messages
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent.parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords (source and licence in the file's header), lower case."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    """On the common-password list, ignoring case and spaces around it."""
    return normalise(password).strip().lower() in common_passwords()


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def check_rules(password: str, role: str) -> None:
    """Length and the common-password list: no composition rules, never truncated (NIST SP 800-63B)."""
    pw = normalise(password)
    minimum = MIN_PATIENT if role == "patient" else MIN_STAFF
    if len(pw) < minimum:
        raise ValidationError("Password", f"Password must be at least {minimum} characters.")
    if len(pw) > MAX_LENGTH:
        raise ValidationError("Password", f"Password must be at most {MAX_LENGTH} characters.")
    if is_common(pw):
        raise ValidationError("Password", "That password is on a list of common passwords. Choose another.")


class Hasher:
    """argon2id at or above the OWASP floor (m=19456 KiB, t=2, p=1). Blocking: call off the event loop."""

    def __init__(self, time_cost: int = 2, memory_cost: int = 19456, parallelism: int = 1):
        self._ph = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
        # A real hash to verify against when the account does not exist, so unknown users cost
        # the same time as wrong passwords.
        self.dummy_hash = self._ph.hash("not-a-real-password-for-timing")

    def hash(self, password: str) -> str:
        return self._ph.hash(normalise(password))

    def verify(self, stored: str, password: str) -> bool:
        try:
            return self._ph.verify(stored, normalise(password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._ph.check_needs_rehash(stored)
