"""When Python's cycle collector walks what the server holds.

A full collection walks every object the collector tracks and stops the event loop meanwhile: with a hundred pages
open that is about 300,000 objects and 100-190 ms, every 4-5 s at 5 messages a second (docs/benchmarks.md). Most of
those objects are pages that stay open for minutes and the server's own state, walked again and again to find
nothing. So after each full collection what survived it is frozen (`gc.freeze`): the next full collections walk only
what is new, a few tens of milliseconds.

What is frozen is not freed by the collector, only by reference counting. A closed page goes by reference counting
(nicegui_speedups, components/live), but what else becomes cyclic garbage after it was frozen would be held until the
next unfreeze, so every `unfreeze_every` seconds the frozen objects go back to the collector, whose next full
collection walks (and frees) everything once.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

UNFREEZE_EVERY = 60.0
# The youngest generation is collected after this many new container objects, not Python's 700. A page load or a
# push makes thousands of short-lived ones (elements, rows, SQLAlchemy's results), so at 700 the collector ran about
# 640 times a minute at 5 messages a second, and every tenth run walked the older survivors too, which paced the
# full collections. Measured under the live benchmark, the collector's share of the server's time halved
# (docs/benchmarks.md); each young collection takes a few milliseconds instead of half of one.
YOUNG_THRESHOLD = 5000
_installed: list[Callable[[str, dict], None]] = []
_thresholds_before: list[tuple[int, int, int]] = []


def freeze_after_full_collections(unfreeze_every: float = UNFREEZE_EVERY,
                                  clock: Callable[[], float] = time.monotonic) -> None:
    """Install the policy, once per process: starting again (a test process starts the app for every User-fixture
    test) replaces the one installed before."""
    stop()
    _thresholds_before.append(gc.get_threshold())
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    last_unfreeze = [clock()]

    def after(phase: str, info: dict) -> None:
        if phase != "stop" or info["generation"] != 2:
            return
        if clock() - last_unfreeze[0] >= unfreeze_every:
            last_unfreeze[0] = clock()
            gc.unfreeze()  # the next full collection walks what was frozen and frees its garbage
        else:
            gc.freeze()

    gc.callbacks.append(after)
    _installed.append(after)


def stop() -> None:
    """No more freezing, and Python's own thresholds again; what is frozen stays so until `gc.unfreeze()`."""
    while _installed:
        after = _installed.pop()
        if after in gc.callbacks:
            gc.callbacks.remove(after)
    if _thresholds_before:
        gc.set_threshold(*_thresholds_before.pop())
