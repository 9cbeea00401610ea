"""Urgent-words safety net: does a message suggest an emergency or a crisis?

A deliberately small, explainable first version: phrase patterns per kind, English and Spanish,
with a guard against a few obvious negations ("no chest pain"). The full detector (context,
temporality, third person, idioms, a scored development set) is its own piece of work; this module's
`assess` is the single hook the compose flow and the worklist depend on, so it can be replaced
without touching them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# kind -> phrases (regular expressions over normalised text: lower case, no accents, single spaces)
_PATTERNS: dict[str, list[str]] = {
    "cardiac": [r"chest (pain|pressure|tightness)", r"heart attack", r"dolor (de|en el) pecho", r"ataque al corazon"],
    "breathing": [r"(can ?not|can'?t|cannot|unable to) (breathe|breath)", r"short(ness)? of breath",
                  r"struggling to breathe", r"no puedo respirar", r"falta de aire"],
    "stroke": [r"face (is )?droop", r"slurred speech", r"(sudden )?numb(ness)? (on|in) one side",
               r"\bstroke\b(?! risk)"],
    "suicidal": [r"suicid", r"kill (myself|me)", r"end my life", r"want to die", r"better off dead",
                 r"quitarme la vida", r"no quiero vivir", r"suicidarme"],
    "self-harm": [r"(cut|cutting|hurt|hurting) myself", r"self[- ]harm", r"hacerme dano"],
    "overdose": [r"overdos", r"took too many (pills|tablets)", r"swallowed (a bottle|all)", r"sobredosis"],
    "bleeding": [r"(coughing|vomiting|throwing) up blood", r"bleeding (heavily|a lot|won'?t stop|that won'?t stop)",
                 r"blood in (my )?vomit", r"sangrado (abundante|fuerte)"],
    "allergic reaction": [r"(throat|tongue|lips?) (is |are )?(swelling|swollen|closing)", r"anaphyla"],
    "violence": [r"(he|she|they) (hit|hits|beat|beats|hurt|hurts|threaten|threatens) me", r"not safe at home",
                 r"me (pega|golpea)"],
}
_NEGATION = re.compile(r"\b(no|not|never|without|denies|sin|nunca)\b(\W+\w+){0,2}\W*$")


@dataclass(frozen=True)
class UrgencyDecision:
    urgent: bool
    kind: str = ""
    evidence: tuple[str, ...] = ()

    def explanation(self) -> str:
        return ", ".join(f'"{e}"' for e in self.evidence)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().replace("’", "'").split())


def assess(*texts: str) -> UrgencyDecision:
    """Pure function: the same text always gives the same decision, with the words that triggered it."""
    text = _normalise(" ".join(t for t in texts if t))
    found: list[tuple[str, str]] = []
    for kind, patterns in _PATTERNS.items():
        for pattern in patterns:
            for match in re.finditer(pattern, text):
                before = text[max(0, match.start() - 30) : match.start()]
                if _NEGATION.search(before):
                    continue
                found.append((kind, match.group(0)))
    if not found:
        return UrgencyDecision(False)
    return UrgencyDecision(True, found[0][0], tuple(dict.fromkeys(m for _, m in found)))
