"""Every rule and cue set of the urgent-words lexicon, named by a stable id.

A decision names the ids of the rules that fired, so a flag can be traced to the rule that raised it and each rule
can be tested on its own.
"""

from __future__ import annotations

import re

from sm_app.services import urgency_lexicon as lex
from sm_app.services.urgency import assess

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
