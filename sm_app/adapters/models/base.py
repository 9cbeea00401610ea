"""The declarative base every model maps onto, and the random ids most tables take as primary keys."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import DeclarativeBase


def new_id() -> str:
    """Random ids: URLs never reveal how many threads exist or let anyone count through them."""
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass
