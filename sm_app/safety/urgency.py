"""Urgent-message safety net: does a message suggest an emergency or a mental-health crisis?

`assess(text) -> UrgencyDecision` is a pure, deterministic, offline function: the compose flow calls it before a
patient's message is sent, `sm-app triage-text` calls it from the command line, and the tests score it on the
development set in tests/data/urgency.

How it decides, in the manner of NegEx/ConText (Chapman et al.) but small enough to read in one sitting:

1. Normalise: accents off, lower case, contractions and text-speak expanded, slips of spelling corrected towards a
   short list of clinical words, every sentence end written as ".". Each normalised token remembers where it came
   from, so the evidence quoted back is the patient's own words.
2. Mask idioms and unrelated senses ("this cough is killing me", "stroke of luck").
3. Find red flags with the lexicon's rules (`urgency_lexicon.py`), per kind, English and Spanish.
4. Drop a red flag when its context says it is not happening now: negated ("no chest pain"), past or resolved ("the
   chest pain I had in 2019", "it went away"), hypothetical or a question for information ("what are the signs of a
   stroke"), or the name of a test, document, programme or medicine ("stroke risk score", "suicide prevention
   class"). Third-person reports stay red flags: a parent writing about a child is the point.

A message is urgent when any red flag survives. The decision names the kind (the most time-critical one found), the
words that triggered it and the language. No network, no model files, a few hundred microseconds per message.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sm_app.safety import urgency_lexicon as lex
from sm_app.safety import urgency_model


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


# --- normalising ---

# A code such as an order or reference number ("68a9bf38", "RX12AB34") is one opaque token: read as words its pieces
# could say "bf" (boyfriend) or "38" (a blood sugar).
_CODE = re.compile(r"(?<![^\W_])[^\W_]*\d[^\W\d_]+\d[^\W_]*(?![^\W_])")
_TOKEN = re.compile(_CODE.pattern + r"|\d+(?:[.,]\d+)?(?:/\d+)?|[^\W\d_]+(?:['’][^\W\d_]+)*|[.!?;\n…]|,|[()]")
_EXPAND: dict[str, tuple[str, ...]] = {
    **{w: (base, "not") for w, base in {
        "cant": "can", "cannot": "can", "cnt": "can", "wont": "will", "dont": "do", "doesnt": "does", "didnt": "did",
        "isnt": "is", "arent": "are", "wasnt": "was", "werent": "were", "havent": "have", "hasnt": "has",
        "hadnt": "had", "couldnt": "could", "wouldnt": "would", "shouldnt": "should", "aint": "is", "cudnt": "could",
        "dnt": "do", "dosnt": "does", "doesent": "does", "didint": "did", "havnt": "have"}.items()},
    "im": ("i", "am"), "ive": ("i", "have"), "youre": ("you", "are"), "shes": ("she", "is"), "thats": ("that", "is"),
    "theres": ("there", "is"), "whats": ("what", "is"), "u": ("you",), "ur": ("your",), "r": ("are",),
    "rn": ("right", "now"), "pls": ("please",), "plz": ("please",), "bc": ("because",), "cuz": ("because",),
    "coz": ("because",), "idk": ("i", "do", "not", "know"), "tho": ("though",), "thru": ("through",),
    "gonna": ("going", "to"), "wanna": ("want", "to"), "gotta": ("got", "to"), "abt": ("about",),
    "hubby": ("husband",), "bf": ("boyfriend",), "gf": ("girlfriend",), "ppl": ("people",), "xrays": ("xray",),
    "q": ("que",), "xq": ("porque",), "pq": ("porque",), "porq": ("porque",), "k": ("que",), "tb": ("tambien",),
    "tmb": ("tambien",), "ke": ("que",), "dr": ("doctor",), "dra": ("doctora",), "hrs": ("hours",), "hr": ("hour",),
    "mins": ("minutes",), "min": ("minutes",), "wks": ("weeks",), "wk": ("week",), "yo": ("year", "old"),
    "mos": ("months",), "n": ("and",), "sh'd": ("self", "harmed"), "shd": ("self", "harmed"),
}
_SUFFIXES = {"m": ("am",), "ve": ("have",), "re": ("are",), "ll": ("will",), "d": ("would",)}
_IS_AFTER = frozenset({"he", "she", "it", "that", "there", "what", "who", "where", "here"})
_SENTENCE_END = "."


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    return "".join(c for c in word if not unicodedata.combining(c)).casefold().replace("’", "'")


def _expand(word: str) -> tuple[str, ...]:
    if word in _EXPAND:
        return _EXPAND[word]
    if word.endswith("n't"):
        base = {"ca": "can", "wo": "will", "sha": "shall"}.get(word[:-3], word[:-3])
        return (base, "not")
    if "'" in word:
        head, _, tail = word.partition("'")
        if tail == "s":
            return (head, "is") if head in _IS_AFTER else (head,)
        if tail in _SUFFIXES:
            return (head, *_SUFFIXES[tail])
        return (head + tail,)
    return (word,)


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _spelling_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for target in lex.SPELLING_TARGETS:
        variants = {target} | _deletions(target)
        if len(target) >= 9:
            variants |= {d2 for d1 in _deletions(target) for d2 in _deletions(d1)}
        for v in variants:
            index.setdefault(v, set()).add(target)
    return index


_SPELLING = _spelling_index()


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _lexicon_words() -> frozenset[str]:
    """Every word the lexicon spells out: a word it knows is never "corrected" into another ("worse" is not "worst",
    "respira" is not "respirar", "drooling" is not "drooping")."""
    texts = [r.pattern for r in lex.RULES] + [r.needs or "" for r in lex.RULES]
    texts += [p for c in lex.CUE_SETS for p in c.cues.values()]
    texts += [p for name in dir(lex) if name.isupper() and isinstance(getattr(lex, name), tuple)
              for p in getattr(lex, name) if isinstance(p, str)]
    return frozenset(w for t in texts for w in re.findall(r"(?<![\\])[a-z]{4,}", t))


_KNOWN_WORDS = _lexicon_words()


@lru_cache(maxsize=65536)
def _spell(word: str) -> str:
    """A slip of the keyboard towards a clinical word is corrected ("brethe" -> "breathe"); real words are kept."""
    if (len(word) < 5 or word in lex.SPELLING_TARGETS or word in lex.SPELLING_KEEP or word in _KNOWN_WORDS
            or not word.isalpha()):
        return word
    limit = 2 if len(word) >= 9 else 1
    keys = {word} | _deletions(word)
    if limit == 2:
        keys |= {d2 for d1 in _deletions(word) for d2 in _deletions(d1)}
    candidates = sorted({t for k in keys for t in _SPELLING.get(k, ())})
    best = [(d, t) for t in candidates if t[0] == word[0] and (d := _osa(word, t)) <= limit]
    return min(best)[1] if best else word


@dataclass
class _Text:
    tokens: list[str]
    spans: list[tuple[int, int]]  # where each token came from in the original text
    joined: str
    starts: list[int]  # character offset of each token in `joined`
    questions: frozenset[int]  # indices of the sentence ends that were question marks

    def token_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def span(self, first: int, last: int) -> tuple[int, int]:
        return self.spans[first][0], self.spans[last][1]


def _normalise(text: str) -> _Text:
    tokens: list[str] = []
    spans: list[tuple[int, int]] = []
    questions: set[int] = set()
    depth = 0  # inside parentheses a comma lists things ("a reaction (hives, swollen lips)"), it does not end a clause
    for m in _TOKEN.finditer(text):
        raw = m.group(0)
        if raw in "()":
            depth = max(0, depth + (1 if raw == "(" else -1))
            continue
        if raw == "," and depth:
            continue
        if _CODE.fullmatch(raw):
            words: tuple[str, ...] = ("#",)
        elif raw in ".!?;\n…":
            words = (_SENTENCE_END,)
        elif raw == ",":
            words = (",",)
        elif raw[0].isdigit():
            words = (raw.replace(",", "."),)
        else:
            words = tuple(_spell(w) for w in _expand(_fold(raw)))
        for w in words:
            if w == _SENTENCE_END and tokens and tokens[-1] == _SENTENCE_END:
                if raw == "?":
                    questions.add(len(tokens) - 1)
                continue
            if raw == "?":
                questions.add(len(tokens))
            tokens.append(w)
            spans.append(m.span())
    starts, offset = [], 0
    for t in tokens:
        starts.append(offset)
        offset += len(t) + 1
    return _Text(tokens, spans, " ".join(tokens), starts, frozenset(questions))


# --- compiled lexicon ---

def _words(pattern: str) -> re.Pattern[str]:
    """Whole tokens only: a pattern never starts or ends inside a word."""
    return re.compile(rf"(?<!\S)(?:{lex.expand(pattern)})(?!\S)")


def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return _words("|".join(f"(?:{p})" for p in patterns))


_RULES = [(rule, _words(rule.pattern), _words(rule.needs) if rule.needs else None) for rule in lex.RULES]
_CUE_SETS = [(cues, {name: _words(p) for name, p in cues.cues.items()}, dict(cues.checks)) for cues in lex.CUE_SETS]
_NEGATION_UNDONE = _any_of(lex.NEGATION_UNDONE_AFTER)
_RESOLVED_LATER = _any_of(lex.RESOLVED_LATER)
_NOT_RECURRED = _words(lex.NOT_RECURRED)
_NOT_BEFORE = re.compile(r"(?:^|\s)(?:not|no|never|nunca|sin)(?: \S+)? ?$")  # "it has not gone away"
_NEVER_AGAIN = _words(r"(?:never|not|no|nunca) (?:\S+ ){0,2}(?:again|since|otra vez|de nuevo|mas)")
_IDIOMS = _any_of(lex.IDIOMS)
_NEGATION = _any_of(lex.NEGATION_BEFORE)
_PSEUDO_NEGATION = re.compile("|".join(f"(?:{lex.expand(p)})(?!\\S)" for p in lex.PSEUDO_NEGATION))
_RESOLVED = _any_of(lex.RESOLVED_AFTER)
_CHRONIC = _any_of(lex.CHRONIC_AFTER)
_RECURRED = _any_of(lex.RECURRED)
_PAST = _any_of(lex.PAST)
_NOW = _any_of(lex.NOW)
_HYPOTHETICAL = _any_of(lex.HYPOTHETICAL_BEFORE)
_UNSURE = _any_of(lex.UNSURE_BEFORE)
_HYPOTHETICAL_SENTENCE = _any_of(lex.HYPOTHETICAL_SENTENCE)
_CONDITIONAL_QUESTION = _any_of(lex.CONDITIONAL_QUESTION)
_OTHER_EXPERIENCER = _any_of(lex.OTHER_EXPERIENCER)
_PURPOSE = re.compile("(?:^|(?<= ))(?:" + "|".join(lex.PURPOSE_BEFORE) + ")$")
_DOCUMENT = re.compile("|".join(f"(?:{p})" for p in lex.DOCUMENT_AFTER))


def _glucose(value: str) -> bool:
    number = float(value)
    return number >= 400 or 15 <= number <= 54  # mg/dL: a reading a nurse wants to hear about today


def _blood_pressure(value: str) -> bool:
    systolic, diastolic = (int(v) for v in value.split("/"))
    if not (60 <= systolic <= 300 and 30 <= diastolic <= 200 and systolic > diastolic):
        return False  # a date or a score, not a reading
    return systolic >= 180 or diastolic >= 120 or systolic < 90


def _oxygen(value: str) -> bool:
    return 50 <= int(value) <= 91  # pulse oximeter, per cent


def _pill_count(value: str) -> bool:
    return 8 <= int(value) <= 500


def _heart_rate(value: str) -> bool:
    return 20 <= int(value) <= 40 or 150 <= int(value) <= 300


def _puffs(value: str) -> bool:
    return int(value) >= 6  # rescue inhaler: six or more puffs and still struggling


def _pregnancy_pressure(value: str) -> bool:
    """In pregnancy 140/90 is already a warning sign (pre-eclampsia)."""
    systolic, diastolic = (int(v) for v in value.split("/"))
    return 60 <= systolic <= 300 and 30 <= diastolic <= 200 and (systolic >= 140 or diastolic >= 90)


_CHECKS: dict[str, Callable[[str], bool]] = {"glucose": _glucose, "blood_pressure": _blood_pressure,
                                            "oxygen": _oxygen, "pill_count": _pill_count,
                                            "pregnancy_pressure": _pregnancy_pressure, "heart_rate": _heart_rate,
                                            "puffs": _puffs}


# --- context ---

_NEGATION_REACH = 6  # words before a red flag that a negation reaches
_HYPOTHETICAL_REACH = 10
_PAST_REACH = 12
_RESOLVED_REACH = 26


def _window(text: _Text, first: int, last: int, *, back: int, ahead: int, stop_at_comma: bool,
            ends: frozenset[str] = lex.CLAUSE_ENDS) -> str:
    """The words around tokens first..last up to the clause's edges, as one string ("<>" marks the red flag)."""
    tokens = text.tokens

    def edge(t: str) -> bool:
        return t == _SENTENCE_END or t in ends or (stop_at_comma and t == ",")

    lo = first
    while lo > 0 and first - lo < back and not edge(tokens[lo - 1]):
        lo -= 1
    hi = last
    while hi + 1 < len(tokens) and hi - last < ahead and not edge(tokens[hi + 1]):
        hi += 1
    return " ".join(tokens[lo:first] + ["<>"] + tokens[last + 1:hi + 1])


def _negated(text: _Text, first: int, last: int) -> bool:
    before = _window(text, first, first, back=_NEGATION_REACH, ahead=0, stop_at_comma=False).split(" <>")[0]
    for m in _NEGATION.finditer(before):
        between = before[m.end():].split()
        if _PSEUDO_NEGATION.match(before, m.start()) or not all(w in lex.NEGATION_FILLER for w in between):
            continue
        after = " ".join(text.tokens[last + 1:last + 4])
        return not _NEGATION_UNDONE.match(after)
    return False


def _resolved(text: _Text, last: int) -> bool:
    tokens = text.tokens
    end = last + 1
    while end < len(tokens) and tokens[end] != _SENTENCE_END and end - last <= _RESOLVED_REACH:
        end += 1
    after = " ".join(tokens[last + 1:end])
    found = next((m for m in _RESOLVED.finditer(after) if not _NOT_BEFORE.search(after[:m.start()])), None)
    if found:
        # "she's ok now I think, but I'm freaked out": a resolution the writer doubts is not one
        return not (_recurs(after[found.end():]) or _UNSURE.match(after[found.end():].lstrip()))
    nxt = end + 1  # only the next sentence: a later "since then fine" is about something else
    while nxt < len(tokens) and tokens[nxt] != _SENTENCE_END:
        nxt += 1
    later = " ".join(tokens[end:nxt])
    found = _RESOLVED_LATER.search(later)
    return bool(found) and not _recurs(later[found.end():])


def _past(text: _Text, first: int, last: int) -> bool:
    clause = _window(text, first, last, back=_PAST_REACH, ahead=_PAST_REACH, stop_at_comma=True, ends=lex.PAST_ENDS)
    clause += " " + " ".join(text.tokens[first + 1:last])  # "a reaction to penicillin as a kid (hives and swelling)"
    if not _PAST.search(clause) or _NOW.search(clause):
        return False
    return not _recurs(_rest_of_sentence(text, last))


def _recurs(text_after: str) -> bool:
    """Does the text say the problem is back ("came back this morning"), not just that results came back normal?"""
    return bool(_RECURRED.search(_NOT_RECURRED.sub("", _NEVER_AGAIN.sub("", text_after))))


def _sentence_before(text: _Text, first: int) -> str:
    start = first
    while start > 0 and text.tokens[start - 1] != _SENTENCE_END:
        start -= 1
    return " ".join(text.tokens[start:first])


def _ends_in_question(text: _Text, first: int) -> bool:
    end = first
    while end < len(text.tokens) and text.tokens[end] != _SENTENCE_END:
        end += 1
    return end in text.questions


def _rest_of_sentence(text: _Text, last: int) -> str:
    tokens = text.tokens
    end = last + 1
    while end < len(tokens) and tokens[end] != _SENTENCE_END:
        end += 1
    return " ".join(tokens[last + 1:end])


_HYPOTHETICAL_ENDS = lex.CLAUSE_ENDS - {"and", "y"}  # "what do we do if his sugar drops and he won't eat"


def _hypothetical(text: _Text, first: int) -> bool:
    before = _window(text, first, first, back=_HYPOTHETICAL_REACH, ahead=0, stop_at_comma=True,
                     ends=_HYPOTHETICAL_ENDS).split(" <>")[0]
    sentence = _sentence_before(text, first)
    if _HYPOTHETICAL_SENTENCE.search(sentence):
        return True
    if _CONDITIONAL_QUESTION.search(sentence) and _ends_in_question(text, first):
        return True
    if _PURPOSE.search(before):
        return True  # a medicine for it ("nitroglycerin for chest pain") is not the red flag happening
    found = _HYPOTHETICAL.search(before)
    return bool(found) and not _UNSURE.search(before[:found.start()])


def _names_a_document(text: _Text, last: int) -> bool:
    if text.tokens[last][0].isdigit():
        return False  # "took like 15 pills": a count, not a name
    nxt = text.tokens[last + 1] if last + 1 < len(text.tokens) else ""
    return bool(_DOCUMENT.fullmatch(nxt))


def _about_a_pet(text: _Text, first: int) -> bool:
    clause = _window(text, first, first, back=_NEGATION_REACH, ahead=0, stop_at_comma=True).split(" <>")[0]
    return bool(_OTHER_EXPERIENCER.search(clause))


def _chronic(text: _Text, last: int) -> bool:
    return bool(_CHRONIC.search(_rest_of_sentence(text, last)))


def _is_current(text: _Text, first: int, last: int, kind: str, lasting: bool = False) -> bool:
    lasting = lasting or kind in lex.RESOLVED_STILL_URGENT
    resolved = _chronic(text, last) or (not lasting and _resolved(text, last))
    return not (_negated(text, first, last) or _hypothetical(text, first) or _past(text, first, last)
                or resolved or _names_a_document(text, last) or _about_a_pet(text, first))


# --- deciding ---

def _masked(text: _Text) -> set[int]:
    masked: set[int] = set()
    for m in _IDIOMS.finditer(text.joined):
        masked.update(range(text.token_at(m.start()), text.token_at(m.end() - 1) + 1))
    return masked


def _language(tokens: list[str]) -> str:
    spanish = sum(t in lex.SPANISH_WORDS for t in tokens)
    english = sum(t in lex.ENGLISH_WORDS for t in tokens)
    return "es" if spanish > english else "en"


def _current_matches(text: _Text, pattern: re.Pattern[str], masked: set[int], check: str | None,
                     *, setting_only: bool = False, kind: str = "", lasting: bool = False):
    """Matches that are about now. A setting ("pregnant", "my 3 week old", "kidney transplant last spring") only has
    to be not negated: "can I take Tylenol while pregnant" is a question, but the patient is still pregnant."""
    for m in pattern.finditer(text.joined):
        first, last = text.token_at(m.start()), text.token_at(m.end() - 1)
        if masked.intersection(range(first, last + 1)):
            continue
        # a rule's number, when the matched alternative has one, must be one that matters ("sugar 520", not "sugar 120")
        if check and m.lastindex and m.group(1) is not None and not _CHECKS[check](m.group(1)):
            continue
        if setting_only:
            if not _negated(text, first, last):
                yield first, last
        elif _is_current(text, first, last, kind, lasting):
            yield first, last


def normalised_tokens(text: str) -> list[str]:
    """The tokens the detector reasons over (for training the learned second opinion)."""
    return _normalise(text).tokens


_MODEL_MIN_WORDS = 5


def _model_opinion(text: _Text) -> tuple[str, list[tuple[int, int]]] | None:
    """The learned second opinion, for what the lexicon did not catch: the kind and the word pairs that decided it."""
    model = urgency_model.shipped()
    if model is None:
        return None
    found = urgency_model.features(text.tokens)
    names = [f.name for f in found]
    words = {f.name for f in found if f.first == f.last}
    # A few words are the lexicon's job; the model is for the long, veiled message ("blue" + "hurts" is not enough).
    if len(words) < _MODEL_MIN_WORDS or model.probability(names) < model.threshold:
        return None
    pushing = sorted((f for f in found if model.weights.get(f.name, 0.0) > 0),
                     key=lambda f: (-model.weights[f.name] * (1.5 if " " in f.name else 1.0), f.first))
    return model.kind(names), [(f.first, f.last) for f in pushing[:3]]


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
    text = _normalise(original)
    if not text.tokens:
        return UrgencyDecision(False)
    masked = _masked(text)
    found: list[tuple[int, str, tuple[int, int]]] = []  # (position, kind, token span)
    fired: list[str] = []  # rule and cue set ids
    needs_met: dict[str, bool] = {}
    for rule, pattern, needs in _RULES:
        hits = list(_current_matches(text, pattern, masked, rule.check, kind=rule.kind, lasting=rule.lasting))
        if not hits:
            continue
        if needs is not None:
            key = rule.needs or ""
            if key not in needs_met:
                needs_met[key] = any(True for _ in _current_matches(text, needs, masked, None, setting_only=True))
            if not needs_met[key]:
                continue
        found.extend((first, rule.kind, (first, last)) for first, last in hits)
        fired.append(rule.id)
    for cues, patterns, checks in _CUE_SETS:
        present: dict[str, tuple[int, int]] = {}
        for name, pattern in patterns.items():
            hit = next(_current_matches(text, pattern, masked, checks.get(name),
                                        setting_only=name in cues.settings, kind=cues.kind), None)
            if hit:
                present[name] = hit
        if len(present) >= cues.at_least and any(a in present for a in cues.anchors):
            found.extend((first, cues.kind, (first, last)) for first, last in present.values())
            fired.append(cues.id)
    language = _language(text.tokens)
    if not found:
        opinion = _model_opinion(text)
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
