"""A list drawn once and then kept in step with fresh data row by row.

A live page re-reads its rows when told that something changed, but redrawing every row for one change made each
message cost a whole list of elements on every open page. `KeyedList.show` compares the fresh rows (frozen
dataclasses, so equality says "shows the same") with what is drawn: a row that is new is drawn, one that changed is
redrawn, one that moved is moved, one that left is removed; the rest stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

from nicegui import ui

Row = TypeVar("Row")


class KeyedList(Generic[Row]):
    def __init__(self, container: ui.element, draw: Callable[[Row], ui.element],
                 key: Callable[[Row], Hashable] = lambda row: row.id):
        self._container = container
        self._draw = draw
        self._key = key
        self._drawn: dict[Hashable, tuple[Row, ui.element]] = {}

    def element(self, key: Hashable) -> ui.element | None:
        """The element drawn for the row with this key, if it is shown."""
        drawn = self._drawn.get(key)
        return drawn[1] if drawn is not None else None

    def show(self, rows: Sequence[Row]) -> None:
        wanted = {self._key(r) for r in rows}
        for key in [k for k in self._drawn if k not in wanted]:
            self._drawn.pop(key)[1].delete()
        for index, row in enumerate(rows):
            key = self._key(row)
            drawn = self._drawn.get(key)
            if drawn is not None and drawn[0] == row:
                if self._container.default_slot.children.index(drawn[1]) != index:
                    drawn[1].move(target_index=index)
                continue
            if drawn is not None:
                drawn[1].delete()
            with self._container:
                element = self._draw(row)
            element.move(target_index=index)
            self._drawn[key] = (row, element)
        self._container.set_visibility(bool(rows))
