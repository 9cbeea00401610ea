"""Urgent-message safety net: does a message suggest an emergency or a mental-health crisis?

`assess(text) -> UrgencyDecision` is a pure, deterministic, offline function: the compose flow calls it before a
patient's message is sent, `sm-app triage-text` calls it from the command line, and the tests score it on the
development set in tests/data/urgency.

How it decides, in the manner of NegEx/ConText (Chapman et al.) but small enough to read in one sitting:

1. Normalise (`normalise.py`): accents off, lower case, contractions and text-speak expanded, slips of spelling
   corrected towards a short list of clinical words, every sentence end written as ".". Each normalised token
   remembers where it came from, so the evidence quoted back is the patient's own words.
2. Mask idioms and unrelated senses ("this cough is killing me", "stroke of luck").
3. Find red flags with the lexicon's rules (`urgency_lexicon.py`), per kind, English and Spanish; a number in a rule
   counts only past its threshold (`readings.py`).
4. Drop a red flag when its context says it is not happening now (`context.py`): negated ("no chest pain"), past or
   resolved ("the chest pain I had in 2019", "it went away"), hypothetical or a question for information ("what are
   the signs of a stroke"), or the name of a test, document, programme or medicine ("stroke risk score", "suicide
   prevention class"). Third-person reports stay red flags: a parent writing about a child is the point.

A message is urgent when any red flag survives. The decision names the kind (the most time-critical one found), the
words that triggered it and the language. No network, no model files, a few hundred microseconds per message.
"""

from __future__ import annotations

from dataclasses import dataclass

from sm_app.safety import urgency_lexicon as lex
from sm_app.safety import urgency_model
from sm_app.safety.context import current_matches, is_current, masked_idioms, whole_words
from sm_app.safety.normalise import Text, normalise, normalised_tokens

# `normalised_tokens` is part of this module's public API (the training script of the learned second opinion reads the
# detector's tokens through it); it lives in normalise.py.
__all__ = ["UrgencyDecision", "assess", "normalised_tokens"]


@dataclass(frozen=True)
class UrgencyDecision:
    urgent: bool
    kind: str = ""
    evidence: tuple[str, ...] = ()
    language: str = "en"
    kinds: tuple[str, ...] = ()
    learned: bool = False  # decided by the learned second opinion, not by a lexicon rule
    # Which lexicon rules and cue sets fired, by id, in lexicon order: the rule tests prove each rule by its own
    # examples, and a reviewer can trace a flag back to the rule that raised it. Empty when `learned`.
    rule_ids: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The kind in plain words, for the patient's notice and the staff flag."""
        return lex.KINDS.get(self.kind, "")

    def explanation(self) -> str:
        return ", ".join(f'"{e}"' for e in self.evidence)


# --- compiled lexicon ---

_RULES = [(rule, whole_words(rule.pattern), whole_words(rule.needs) if rule.needs else None) for rule in lex.RULES]
_CUE_SETS = [(cues, {name: whole_words(p) for name, p in cues.cues.items()}, dict(cues.checks))
             for cues in lex.CUE_SETS]


# --- deciding ---

def _language(tokens: list[str]) -> str:
    spanish = sum(t in lex.SPANISH_WORDS for t in tokens)
    english = sum(t in lex.ENGLISH_WORDS for t in tokens)
    return "es" if spanish > english else "en"


_MODEL_MIN_WORDS = 5
_SAFE_STATEMENT = whole_words("|".join(f"(?:{p})" for p in lex.SAFE_STATEMENT))


def _model_opinion(text: Text, masked: set[int]) -> tuple[str, list[tuple[int, int]]] | None:
    """The learned second opinion, for what the lexicon did not catch: the kind and the word pairs that decided it.

    It reads only words that are about now: a word inside an idiom ("screamed blue murder"), negated ("I do not have
    chest pain"), past or resolved ("it's fine now"), or in a question for information is left out, by the same
    context checks as the lexicon's red flags. Those checks run only when the model would otherwise flag the message,
    so the common case costs a few dictionary lookups."""
    model = urgency_model.shipped()
    if model is None:
        return None
    found = urgency_model.features(text.tokens)

    def passes(kept) -> bool:
        words = {f.name for f in kept if f.first == f.last}
        # A few words are the lexicon's job; the model is for the long, veiled message ("blue" + "hurts" is not enough).
        return len(words) >= _MODEL_MIN_WORDS and model.probability([f.name for f in kept]) >= model.threshold

    if not passes(found):
        return None
    if _SAFE_STATEMENT.search(text.joined):
        return None  # "I'm not going to hurt anyone": the writer says they are safe; only a lexicon rule overrides that
    found = _about_now(text, masked, found)
    if not passes(found):
        return None
    dismissed = _dismissed(text, masked)
    found = [f for f in found if not dismissed.intersection(range(f.first, f.last + 1))]
    if not passes(found):
        return None
    names = [f.name for f in found]
    pushing = sorted((f for f in found if model.weights.get(f.name, 0.0) > 0),
                     key=lambda f: (-model.weights[f.name] * (1.5 if " " in f.name else 1.0), f.first))
    return model.kind(names), [(f.first, f.last) for f in pushing[:3]]


def _dismissed(text: Text, masked: set[int]) -> set[int]:
    """Tokens of red flags the lexicon found and its context checks dismissed ("I didn't hurt myself on purpose",
    "the chest pain I had in 2019"), with the clause's words before them: the model does not get to count again what
    the lexicon has already ruled out, so it never overrules a negation. Run only when the model would flag."""
    tokens: set[int] = set()
    for _, pattern, _ in _RULES:
        for m in pattern.finditer(text.joined):
            first, last = text.token_at(m.start()), text.token_at(m.end() - 1)
            if masked.intersection(range(first, last + 1)) or is_current(text, first, last):
                continue
            start = first
            while start > 0 and first - start < 6 and text.tokens[start - 1] not in (".", ","):
                start -= 1
            tokens.update(range(start, last + 1))
    return tokens


def _about_now(text: Text, masked: set[int], found: list[urgency_model.Feature]) -> list[urgency_model.Feature]:
    current: dict[int, bool] = {}

    def about_now(i: int) -> bool:
        if i not in current:
            current[i] = i not in masked and is_current(text, i, i)
        return current[i]

    return [f for f in found if about_now(f.first) and about_now(f.last)]


def _merged(spans) -> list[tuple[int, int]]:
    """Overlapping or touching token spans as one ("chest" + "chest feels crushed" + "crushed" -> "chest feels
    crushed")."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def assess(*texts: str) -> UrgencyDecision:
    """Pure function: the same text always gives the same decision, with the words that triggered it."""
    original = "\n".join(t for t in texts if t)
    text = normalise(original)
    if not text.tokens:
        return UrgencyDecision(False)
    masked = masked_idioms(text)
    found: list[tuple[int, str, tuple[int, int]]] = []  # (position, kind, token span)
    fired: list[str] = []  # rule and cue set ids
    needs_met: dict[str, bool] = {}
    for rule, pattern, needs in _RULES:
        hits = list(current_matches(text, pattern, masked, rule.check, kind=rule.kind, lasting=rule.lasting))
        if not hits:
            continue
        if needs is not None:
            key = rule.needs or ""
            if key not in needs_met:
                needs_met[key] = any(True for _ in current_matches(text, needs, masked, None, setting_only=True))
            if not needs_met[key]:
                continue
        found.extend((first, rule.kind, (first, last)) for first, last in hits)
        fired.append(rule.id)
    for cues, patterns, checks in _CUE_SETS:
        present: dict[str, tuple[int, int]] = {}
        for name, pattern in patterns.items():
            hit = next(current_matches(text, pattern, masked, checks.get(name),
                                       setting_only=name in cues.settings, kind=cues.kind), None)
            if hit:
                present[name] = hit
        if len(present) >= cues.at_least and any(a in present for a in cues.anchors):
            found.extend((first, cues.kind, (first, last)) for first, last in present.values())
            fired.append(cues.id)
    language = _language(text.tokens)
    if not found:
        opinion = _model_opinion(text, masked)
        if opinion is None:
            return UrgencyDecision(False, language=language)
        kind, spans = opinion
        found = [(first, kind, (first, last)) for first, last in spans]
        learned = True
    else:
        learned = False
    order = list(lex.KINDS)
    kinds = tuple(sorted({kind for _, kind, _ in found}, key=order.index))
    evidence: list[str] = []
    for first, last in _merged(span for _, _, span in found):
        start, end = text.span(first, last)
        phrase = " ".join(original[start:end].split())
        if phrase.casefold() not in (e.casefold() for e in evidence):
            evidence.append(phrase)
    return UrgencyDecision(True, kinds[0], tuple(evidence[:6]), language, kinds, learned, tuple(fired))
