"""The learned model: reproducible from the development sets, it flags what no rule caught and overrules a weak rule
hit, but never a suicidal one, and it reads negated words apart."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

from sm_app.safety import urgency_model
from sm_app.safety.urgency import analyse, assess, features

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
    assert model is not None and 0 < model.threshold < 1
    # function words and vague words ("feels", "now") are left out; negations stay; pairs never cross a sentence end
    names = [f.name for f in urgency_model.features(["my", "chest", "feels", "heavy", ".", "no", "fever", "now"])]
    assert names == ["chest", "heavy", "chest heavy", "no", "fever", "no fever"]
    assert model.probability(names) == model.probability(list(reversed(names)))


def test_numbers_do_not_sway_the_model():
    text = "Dizzy on the new tablets {}\nSince I started the new blood pressure tablets I feel dizzy in the mornings."
    decisions = {assess(text.format(ref)).urgent for ref in ("", "68a9bf38", "12ab34cd", "ref 4471", "order 90")}
    assert decisions == {False}


def test_the_model_overrules_a_weak_rule_hit_in_a_question_or_an_idiom():
    for text in ("Why do paramedics give aspirin for a heart attack? Just curious after a first aid course",
                 "I nearly had a stroke when I saw the bill haha, can someone explain the charges?"):
        assert analyse(text).fired, text  # a lexicon rule fired...
        assert not assess(text).urgent, text  # ...and the model, reading the whole message, let it through


def test_a_suicidal_rule_flag_is_never_overruled(monkeypatch):
    never = urgency_model.Model(-30.0, {}, 0.99, {}, {})  # a model that would let everything through
    monkeypatch.setattr(urgency_model, "shipped", lambda: never)
    decision = assess("I keep thinking about how to kill myself")
    assert decision.urgent and decision.kind == "suicidal" and "kill myself" in decision.explanation()
    assert not assess("I have crushing chest pain right now").urgent  # other kinds are the model's to weigh


def test_alone_the_model_does_not_flag_a_message_of_a_few_words():
    for text in ("Not read yet", "the question stayed open", "hello"):
        assert not assess(text).urgent, text


def test_words_that_are_not_about_now_are_read_apart():
    names = {f.name for f in features(analyse("He has never threatened me with a knife or gun"))}
    assert {"~knife", "~gun"} <= names and not {"knife", "gun"} & names
    names = {f.name for f in features(analyse("He threatened me with a knife tonight"))}
    assert "knife" in names and "~knife" not in names


def _model_at(share_of_threshold: float, threshold: float = 0.3) -> urgency_model.Model:
    """A model that scores every message share_of_threshold × its threshold."""
    p = share_of_threshold * threshold
    return urgency_model.Model(math.log(p / (1 - p)), {}, threshold, {"other": 0.0}, {"other": {}})


def test_a_time_critical_red_flag_is_overruled_only_when_the_model_is_clearly_on_the_routine_side(monkeypatch):
    """Between OVERRULE_FACTOR × threshold and the threshold, a breathing, cardiac, stroke, allergic or overdose red
    flag stands (issue 17, fourth round); below it, or for another kind, the model still overrules."""
    monkeypatch.setattr(urgency_model, "shipped", lambda: _model_at(0.9))
    assert assess("I can't breathe, my chest feels full").urgent
    assert not assess("I have a fever of 101 and I am on chemo").urgent  # sepsis is weighed as before
    monkeypatch.setattr(urgency_model, "shipped", lambda: _model_at(0.7))
    assert not assess("I can't breathe, my chest feels full").urgent


def test_half_a_suicidal_cue_set_lowers_the_models_bar_and_nothing_else_does(monkeypatch):
    """A message with a suicidal cue that made no red flag is flagged by the model from SUICIDAL_CUE_FACTOR × its
    threshold; the same score without such a cue is let through."""
    monkeypatch.setattr(urgency_model, "shipped", lambda: _model_at(0.9))
    decision = assess("Thank you for everything you have all done for me over the years, I will remember your kindness")
    assert decision.urgent and decision.learned
    assert not assess("Please send the forms for my daughter's school trip over the years ahead, kindness is "
                      "remembered").urgent
    monkeypatch.setattr(urgency_model, "shipped", lambda: _model_at(0.7))
    assert not assess("Thank you for everything you have all done for me over the years, I will remember your "
                      "kindness").urgent


def test_activity_words_are_not_read_by_the_model():
    """"Climb", "stairs", "walking", "gym" say when a symptom comes, not what it is: after a retrain "climb" alone had
    taken a cardiac weight from the heart attacks it appears in, and flagged a sore knee (issue 17, the revert of
    issue17b). The symptom's words stay."""
    names = [f.name for f in urgency_model.features(["knee", "hurts", "when", "climb", "stairs", ".", "chest",
                                                     "tight", "walking", "uphill", ".", "subir", "escaleras"])]
    assert names == ["knee", "hurts", "knee hurts", "chest", "tight", "chest tight"]


def test_a_question_about_suicide_asked_for_study_or_work_gets_no_lower_bar(monkeypatch):
    """A dismissed suicidal question lowers the model's bar, unless the writer says they ask for study or work; a
    writer who says the thoughts are theirs makes a red flag whatever else they say."""
    monkeypatch.setattr(urgency_model, "shipped", lambda: _model_at(0.9))
    question = "What happens if someone tells their doctor they're going to kill themselves?"
    assert assess(f"{question} Just wondering.").urgent
    assert not assess(f"{question} Asking because I am a nursing student.").urgent
    assert not assess(f"{question} It's for my psychology essay.").urgent
    mine = assess(f"{question} Asking because I am a nursing student and I have been having those thoughts myself.")
    assert mine.urgent and not mine.learned


def test_a_thank_you_with_a_short_reference_code_stays_routine_by_a_wide_margin():
    """"Thank you, that answers my question about the lab letter. Ref ref-123bf" was flagged suicidal (0.312 against a
    threshold of 0.307): "question about" had learnt a weight from urgent messages buried in a question, and "123bf"
    was read as "123 boyfriend" (issue 17, fifth round). How a message is put and what its reference code spells say
    nothing about an emergency: the message, with any short code, stays well under the threshold."""
    model = urgency_model.shipped()
    assert model is not None
    for ref in ("ref-123bf", "REF-77GF", "ref 9ab", "#4521kx", "bf123", "ref-12bf34", "ABC123", "order 68a9bf38"):
        text = f"Thank you, that answers my question about the lab letter. Ref {ref}"
        assert not assess(text).urgent, text
        assert model.probability(f.name for f in features(analyse(text))) < model.threshold / 2, text
    # a code is one opaque token; "bf" on its own is still text-speak, and units, ordinals and times stay words
    assert "boyfriend" not in analyse("Ref ref-123bf").text.tokens
    assert "boyfriend" in analyse("my bf hit me last night").text.tokens
    assert analyse("took 10mg at 5pm, my 3yo, 2nd dose, temp 102F").text.tokens == [
        "took", "10", "mg", "at", "5", "pm", ",", "my", "3", "year", "old", ",", "2", "nd", "dose", ",", "temp", "102",
        "f"]


def test_the_words_that_frame_a_request_are_not_read_by_the_model():
    """Greetings, please, "quick question about", "asking": writers bury urgent messages in a request, so learnt
    these words take the weight of what they frame. The request's own words stay."""
    names = [f.name for f in urgency_model.features(["hi", ".", "quick", "question", "about", "my", "refill", "please",
                                                     ".", "asking", "for", "my", "mum", ".", "voy", "a", "necesitar"])]
    assert names == ["about", "refill", "about refill", "mum", "necesitar"]
