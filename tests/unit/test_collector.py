"""The collector policy: what survives a full collection is frozen, and what became garbage while frozen is freed
once the interval has passed."""

from __future__ import annotations

import gc
import weakref

from sm_app import collector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_survivors_are_frozen_and_garbage_made_meanwhile_goes_after_the_interval():
    now = [0.0]
    gc.unfreeze()
    collector.freeze_after_full_collections(unfreeze_every=60, clock=lambda: now[0])
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
        collector.stop()
        gc.unfreeze()
    assert not [cb for cb in gc.callbacks if getattr(cb, "__module__", "") == "sm_app.collector"]


def test_starting_again_replaces_the_policy_instead_of_adding_one():
    # A test process starts the app for every User-fixture test; the server starts it once.
    try:
        for _ in range(3):
            collector.freeze_after_full_collections()
        assert len([cb for cb in gc.callbacks if getattr(cb, "__module__", "") == "sm_app.collector"]) == 1
    finally:
        collector.stop()
        gc.unfreeze()


def test_the_young_generation_is_collected_less_often_while_the_policy_is_installed():
    before = gc.get_threshold()
    try:
        collector.freeze_after_full_collections()
        collector.freeze_after_full_collections()  # started again: still one policy, and the same thresholds
        assert gc.get_threshold() == (collector.YOUNG_THRESHOLD, *before[1:])
        assert collector.YOUNG_THRESHOLD > before[0]
    finally:
        collector.stop()
        gc.unfreeze()
    assert gc.get_threshold() == before
