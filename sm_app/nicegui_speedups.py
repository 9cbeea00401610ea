"""One measured cost of NiceGUI 3.18 taken away: asking `inspect.signature` again and again the same question.

Every element NiceGUI creates makes three observable collections (its props, classes and style), and each asks
`helpers.expects_arguments(on_change)` — which runs `inspect.signature` — whether its change handler takes
arguments. The handler is always a bound method (`Props._update`, `Classes._update`, `Style._update`), so the
answer never changes; yet under the live benchmark these calls were about 13 % of the server's busy time (a profile
of the 5 msg/s window, docs/benchmarks.md). Event handlers passed as bound methods ask the same question per event.

The answer for a bound method depends only on the function behind it (binding always drops the first parameter),
so it is remembered per function; every other callable (lambdas, closures, partials) is asked as before, uncached,
so nothing made per page is kept alive. `nicegui` is pinned in pyproject.toml; tests/unit/test_nicegui_speedups.py
fails if a new version stops calling this helper or the answers differ.
"""

from __future__ import annotations

import types
from collections.abc import Callable

from nicegui import helpers

_original: Callable[[Callable], bool] = helpers.expects_arguments
_by_function: dict[Callable, bool] = {}
_MAX_REMEMBERED = 4096  # class-level functions only; a guard, not a working limit


def expects_arguments(func: Callable) -> bool:
    if type(func) is not types.MethodType:
        return _original(func)
    key = func.__func__
    known = _by_function.get(key)
    if known is None:
        known = _original(func)
        if len(_by_function) < _MAX_REMEMBERED:
            _by_function[key] = known
    return known


def install() -> None:
    """Idempotent: NiceGUI's modules call `helpers.expects_arguments` through the module, so this reaches them all."""
    helpers.expects_arguments = expects_arguments
