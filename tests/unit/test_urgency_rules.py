"""Every rule and cue set of the urgent-words lexicon, proven by its own examples.

Each `Rule` and `CueSet` has a stable id, messages it must catch and near-misses: messages that look like it but are
not urgent. Every one is run through the full detector (`assess`, learned model included), so a rule that
stops catching what it was written for, or starts flagging what it was written to let through, fails under its own id.
A decision names the ids of the rules that fired, which is how an example is tied to its rule and not just to its kind.
"""

from __future__ import annotations

import re

import pytest

from sm_app.safety import urgency_lexicon as lex
from sm_app.safety.urgency import assess

ITEMS = [*lex.RULES, *lex.CUE_SETS]
KIND_OF = {item.id: item.kind for item in ITEMS}


def test_every_rule_and_cue_set_has_a_unique_readable_id_that_starts_with_its_kind():
    ids = [item.id for item in ITEMS]
    unreadable = [i for i in ids if not re.fullmatch(r"[a-z_]+\.[a-z0-9_]+", i)]
    assert not unreadable, unreadable
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, duplicates
    misfiled = [item.id for item in ITEMS if item.id.split(".")[0] != item.kind]
    assert not misfiled, misfiled


def test_a_decision_names_the_rules_that_fired():
    decision = assess("I have crushing chest pain right now and I can't breathe")
    assert {"cardiac.chest_pain", "breathing.cannot_breathe"} <= set(decision.rule_ids)
    assert len(set(decision.rule_ids)) == len(decision.rule_ids)
    # every kind named comes from a rule that fired, and every rule that fired has its kind named
    assert {KIND_OF[i] for i in decision.rule_ids} == set(decision.kinds)


def test_a_routine_or_learned_decision_names_no_rule():
    assert assess("please renew my lisinopril 10 mg").rule_ids == ()
    learned = assess("please cancel everything, I have sorted things out for my sister and I won't be needing my "
                     "refills")
    assert learned.urgent and learned.learned and learned.rule_ids == ()


def test_every_rule_and_cue_set_has_an_example_and_a_near_miss():
    bare = [item.id for item in ITEMS if not item.examples or not item.near_misses]
    assert not bare, f"rules without an example or a near-miss: {bare}"


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_every_rule_catches_each_of_its_examples(item):
    missed = []
    for text in item.examples:
        decision = assess(text)
        # the rule itself must fire: another rule of the same kind catching the example proves nothing about this one
        if not (decision.urgent and item.kind in decision.kinds and item.id in decision.rule_ids):
            missed.append(f"{text!r} -> kinds {decision.kinds}, rules {decision.rule_ids}")
    assert not missed, f"{item.id} did not catch:\n  " + "\n  ".join(missed)


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_no_near_miss_is_flagged_with_its_rules_kind(item):
    alarms = []
    for text in item.near_misses:
        decision = assess(text)
        if item.kind in decision.kinds:
            source = "learned model" if decision.learned else f"rules {decision.rule_ids}"
            alarms.append(f"{text!r} -> {item.kind} by {source}: {decision.explanation()}")
    assert not alarms, f"near-misses of {item.id} flagged:\n  " + "\n  ".join(alarms)
