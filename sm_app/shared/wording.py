"""Words every part of the app shows with a number: "1 patient", "2 patients"."""

from __future__ import annotations


def plural(count: int, singular: str, many: str | None = None) -> str:
    """`count` with the noun in the right number: plural(1, "patient") -> "1 patient"; `many` for irregular nouns."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"
