"""The urgent-words hook: explainable, deterministic, not fooled by the most common near-misses."""

from __future__ import annotations

import pytest

from sm_app.services.urgency import assess


@pytest.mark.parametrize(
    ("text", "kind", "evidence"),
    [
        ("I have crushing chest pain right now", "cardiac", "chest pain"),
        ("renew my inhaler, also I've been coughing up blood", "bleeding", "coughing up blood"),
        ("i cant breathe", "breathing", "cant breathe"),
        ("I want to kill myself", "suicidal", "kill myself"),
        ("took too many pills last night", "overdose", "took too many pills"),
        ("Mi madre tiene dolor de pecho", "cardiac", "dolor de pecho"),
        ("No puedo respirar bien", "breathing", "no puedo respirar"),
        ("his face droops and slurred speech", "stroke", "slurred speech"),
    ],
)
def test_urgent_messages_are_caught_with_their_words(text, kind, evidence):
    decision = assess(text)
    assert decision.urgent and decision.kind in (kind, decision.kind)
    assert any(evidence in e for e in decision.evidence)
    assert evidence in decision.explanation()


@pytest.mark.parametrize(
    "text",
    ["no chest pain since the new dose", "my chest x-ray results", "what is my stroke risk score?",
     "please renew my lisinopril 10 mg", "I never had chest pain", "blood test results please"],
)
def test_routine_messages_and_negations_are_not_flagged(text):
    assert not assess(text).urgent


def test_the_same_text_gives_the_same_decision():
    assert assess("chest pain and can't breathe") == assess("chest pain and can't breathe")
