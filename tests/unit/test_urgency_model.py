"""The learned second opinion: reproducible from the development sets, and only a second opinion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sm_app.safety import urgency_model
from sm_app.safety.urgency import assess

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_weights_are_exactly_what_the_training_script_makes_from_the_development_sets():
    result = subprocess.run([sys.executable, "scripts/train_urgency_model.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_a_veiled_message_the_lexicon_misses_is_caught_with_its_own_words():
    text = "please cancel everything, I have sorted things out for my sister and I won't be needing my refills"
    decision = assess(text)
    assert decision.urgent and decision.learned and decision.kind == "suicidal"
    assert decision.evidence and all(e in text for e in decision.evidence)


def test_a_short_message_is_left_to_the_lexicon():
    assert not assess("Blue one\nIt hurts.").urgent


def test_the_lexicon_decides_first_and_the_model_never_overrules_a_negation():
    assert not assess("crushing chest pain right now").learned
    for text in ("no chest pain since the new dose", "Can you send my chest x-ray results?",
                 "please renew my lisinopril 10 mg", "what is my stroke risk score?"):
        assert not assess(text).urgent, text


def test_the_model_is_a_plain_deterministic_function():
    model = urgency_model.shipped()
    assert model is not None and 0.5 <= model.threshold < 1
    # function words and vague words ("feels", "now") are left out; negations stay; pairs never cross a sentence end
    names = [f.name for f in urgency_model.features(["my", "chest", "feels", "heavy", ".", "no", "fever", "now"])]
    assert names == ["chest", "heavy", "chest heavy", "no", "fever", "no fever"]
    assert model.probability(names) == model.probability(list(reversed(names)))


def test_numbers_do_not_sway_the_model():
    text = "Dizzy on the new tablets {}\nSince I started the new blood pressure tablets I feel dizzy in the mornings."
    decisions = {assess(text.format(ref)).urgent for ref in ("", "68a9bf38", "12ab34cd", "ref 4471", "order 90")}
    assert decisions == {False}
