"""Normalising a patient's message before the urgent-message detector reads it.

The lexicon's patterns (`urgency_lexicon.py`) are written for one tidy form of text, so that a reviewer writes "can
not" once instead of every way a patient might type it. This module makes that form: accents off, lower case,
contractions and text-speak expanded ("cant" -> "can not", "rn" -> "right now"), slips of spelling corrected towards
a short list of clinical words ("brethe" -> "breathe"), order and reference numbers made one opaque token, and every
sentence end written as ".". Each token remembers where it came from in the original message (`Text`), so the
evidence the detector quotes back is the patient's own words. `normalised_tokens` gives the same tokens to the
training script of the learned model (`urgency_model.py`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from sm_app.safety import urgency_lexicon as lex

# A code such as an order or reference number ("68a9bf38", "RX12AB34", "123bf", "bf123") is one opaque token: read as
# words its pieces could say "bf" (boyfriend) or "38" (a blood sugar). Digits glued to a unit, an ordinal or a time
# ("10mg", "3yo", "2nd", "5pm", "102f", "2nite") and the names of measures and medicines that end in a number ("spo2",
# "covid19", "sglt2") stay words: the lexicon reads them. A lone letter next to digits ("o2", "b12", "x2") stays too.
_UNITS = ("th|st|nd|rd|s|mg|mgs|mcg|ug|g|gr|kg|kgs|lb|lbs|ml|mls|l|oz|cc|u|iu|units?|yo|yos|yr|yrs|y|wk|wks|w|mo|mos|m|"
          "am|pm|hr|hrs|h|min|mins|sec|secs|d|day|days|nite|night|ish|c|f|k|x|mm|cm|ft|in|mmol|bpm|puffs?|pills?|tabs?|"
          "am|an|a|b|e|anos|dias|meses|semanas|hs|kilos?|libras|grados")
_NAMES_WITH_NUMBERS = "spo|sao|sglt|glp|covid|vit|hba|ldl|hdl|tsh|ft|psa|bnp|ekg|ecg|ca|type|stage|grade|level|para"
_CODE = re.compile(r"(?<![^\W_])(?:[^\W_]*\d[^\W\d_]+\d[^\W_]*"
                   rf"|\d+(?!(?:{_UNITS})(?![^\W_]))[^\W\d_]{{2,}}"
                   rf"|(?!(?:{_NAMES_WITH_NUMBERS})\d)[^\W\d_]{{2,}}\d+)(?![^\W_])")
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
SENTENCE_END = "."


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
class Text:
    """A message as the detector reads it: the normalised tokens, joined by single spaces for the lexicon's patterns,
    each remembering where it came from in the original message."""

    tokens: list[str]
    spans: list[tuple[int, int]]  # where each token came from in the original text
    joined: str
    starts: list[int]  # character offset of each token in `joined`
    questions: frozenset[int]  # indices of the sentence ends that were question marks

    def token_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def span(self, first: int, last: int) -> tuple[int, int]:
        return self.spans[first][0], self.spans[last][1]


def normalise(text: str) -> Text:
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
            words = (SENTENCE_END,)
        elif raw == ",":
            words = (",",)
        elif raw[0].isdigit():
            words = (raw.replace(",", "."),)
        elif _fold(raw) == "yo" and not (tokens and tokens[-1][0].isdigit()):
            words = ("yo",)  # "5 yo" is five years old; "si yo ya no estuviera" is Spanish "I"
        else:
            words = tuple(_spell(w) for w in _expand(_fold(raw)))
        for w in words:
            if w == SENTENCE_END and tokens and tokens[-1] == SENTENCE_END:
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
    return Text(tokens, spans, " ".join(tokens), starts, frozenset(questions))


def normalised_tokens(text: str) -> list[str]:
    """The tokens the detector reasons over (for training the learned model)."""
    return normalise(text).tokens
