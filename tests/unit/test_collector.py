"""The collector policy: what survives a full collection is frozen, and what became garbage while frozen is freed
once the interval has passed."""

from __future__ import annotations

import gc
import weakref

from sm_app.collector import freeze_after_full_collections


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_survivors_are_frozen_and_garbage_made_meanwhile_goes_after_the_interval():
    now = [0.0]
    gc.unfreeze()
    remove = freeze_after_full_collections(unfreeze_every=60, clock=lambda: now[0])
    try:
        node = _Node()
        gone = weakref.ref(node)
        gc.collect()
        assert gc.get_freeze_count() > 0
        assert not any(o is node for o in gc.get_objects()), "what survived a full collection was not frozen"
        frozen = gc.get_freeze_count()
        del node
        gc.collect()  # frozen: the collector no longer walks it, so the cycle is not found
        assert gone() is not None
        assert gc.get_freeze_count() >= frozen
        now[0] = 61.0
        gc.collect()  # the interval has passed: this collection hands the frozen back...
        gc.collect()  # ...and the next one frees what became garbage meanwhile
        assert gone() is None
    finally:
        remove()
        gc.unfreeze()
    assert all(getattr(cb, "__qualname__", "") != "freeze_after_full_collections.<locals>.after" for cb in gc.callbacks)
