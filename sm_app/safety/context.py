"""Is a red flag about the here and now? The context checks of the urgent-message detector.

In the manner of NegEx/ConText (Chapman et al.): a lexicon match is dropped when the words around it say it is not
happening now: negated ("no chest pain"), past or resolved ("the chest pain I had in 2019", "it went away"), chronic,
hypothetical or a question for information ("what are the signs of a stroke"), the name of a test, document,
programme or medicine ("stroke risk score", "suicide prevention class"), or about a pet. Idioms and unrelated senses
("this cough is killing me", "stroke of luck") are masked before any rule looks. The trigger words are data in
`urgency_lexicon.py`; this module holds how far each one reaches and how they combine. Third-person reports stay red
flags: a parent writing about a child is the point.
"""

from __future__ import annotations

import re

from sm_app.safety import urgency_lexicon as lex
from sm_app.safety.normalise import SENTENCE_END, Text
from sm_app.safety.readings import CHECKS

# --- compiled context triggers ---

def whole_words(pattern: str) -> re.Pattern[str]:
    """Whole tokens only: a pattern never starts or ends inside a word."""
    return re.compile(rf"(?<!\S)(?:{lex.expand(pattern)})(?!\S)")


def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return whole_words("|".join(f"(?:{p})" for p in patterns))


_NEGATION_UNDONE = _any_of(lex.NEGATION_UNDONE_AFTER)
_RESOLVED_LATER = _any_of(lex.RESOLVED_LATER)
_NOT_RECURRED = whole_words(lex.NOT_RECURRED)
_WITHOUT_UNDONE = re.compile(lex.WITHOUT_UNDONE_BEFORE)
_NOT_BEFORE = re.compile(r"(?:^|\s)(?:not|no|never|nunca|sin)(?: \S+)? ?$")  # "it has not gone away"
_NEVER_AGAIN = whole_words(r"(?:never|not|no|nunca) (?:\S+ ){0,2}(?:again|since|otra vez|de nuevo|mas)")
_IDIOMS = _any_of(lex.IDIOMS)
_NEGATION = _any_of(lex.NEGATION_BEFORE)
_PSEUDO_NEGATION = re.compile("|".join(f"(?:{lex.expand(p)})(?!\\S)" for p in lex.PSEUDO_NEGATION))
_RESOLVED = _any_of(lex.RESOLVED_AFTER)
_EVALUATED = _any_of(lex.R_EVALUATED)
_CHRONIC = _any_of(lex.CHRONIC_AFTER)
_CHRONIC_NOT_NOW = _any_of(lex.CHRONIC_NOT_NOW)
_RECURRED = _any_of(lex.RECURRED)
_PAST = _any_of(lex.PAST)
_PAST_RIGHT_AFTER = _any_of(lex.PAST_RIGHT_AFTER)
_NOW = _any_of(lex.NOW)
_SEEN_BEFORE = _any_of(lex.SEEN_BEFORE)
_FUTURE_IN_FLAG = _any_of(lex.FUTURE_IN_FLAG)
_HYPOTHETICAL = _any_of(lex.HYPOTHETICAL_BEFORE)
_UNSURE = _any_of(lex.UNSURE_BEFORE)
_HYPOTHETICAL_SENTENCE = _any_of(lex.HYPOTHETICAL_SENTENCE)
_CONDITIONAL_QUESTION = _any_of(lex.CONDITIONAL_QUESTION)
_OTHER_EXPERIENCER = _any_of(lex.OTHER_EXPERIENCER)
_PURPOSE = re.compile("(?:^|(?<= ))(?:" + "|".join(lex.PURPOSE_BEFORE) + ")$")
_GENERAL_QUESTION_START = re.compile(lex.GENERAL_QUESTION_START)
_GENERAL_WORDS = whole_words(lex.GENERAL_WORDS)
_DOCUMENT = re.compile("|".join(f"(?:{p})" for p in lex.DOCUMENT_AFTER))
_HISTORY_NOW = _any_of(lex.HISTORY_NOW)
_HISTORY_SETTLED = _any_of(lex.HISTORY_SETTLED)
_HISTORY_DENIED_NOW = _any_of(lex.HISTORY_DENIED_NOW)
_HISTORY_RESOLVED = _any_of(lex.HISTORY_RESOLVED)
_ABOUT_THE_WRITER = _any_of(lex.ABOUT_THE_WRITER)
_HISTORY_MARK = _any_of(lex.PAST)
_NEGATED_AFTER = re.compile(lex.NEGATED_AFTER)
_INFO_TOPIC = re.compile(lex.INFO_QUESTION_TOPIC)
_INFO_MARKERS = _any_of(lex.INFO_QUESTION_MARKERS)
_INFO_EXPERIENCER = _any_of(lex.INFO_QUESTION_EXPERIENCER)
_INFO_NOT = _any_of(lex.INFO_QUESTION_NOT)


# --- context ---

_NEGATION_REACH = 6  # words before a red flag that a negation reaches
_HYPOTHETICAL_REACH = 10
_PAST_REACH = 12
_RESOLVED_REACH = 26


def _window(text: Text, first: int, last: int, *, back: int, ahead: int, stop_at_comma: bool,
            ends: frozenset[str] = lex.CLAUSE_ENDS) -> str:
    """The words around tokens first..last up to the clause's edges, as one string ("<>" marks the red flag)."""
    tokens = text.tokens

    def edge(t: str) -> bool:
        return t == SENTENCE_END or t in ends or (stop_at_comma and t == ",")

    lo = first
    while lo > 0 and first - lo < back and not edge(tokens[lo - 1]):
        lo -= 1
    hi = last
    while hi + 1 < len(tokens) and hi - last < ahead and not edge(tokens[hi + 1]):
        hi += 1
    return " ".join(tokens[lo:first] + ["<>"] + tokens[last + 1:hi + 1])


def _negated_list(between: list[str]) -> bool:
    """A negated list ("no leaking or bleeding", "no rash, swelling or bleeding"): items of one or two words, joined
    by commas, ending in "or"/"nor"/"ni" right before the red flag, so the negation reaches every item."""
    if not between or between[-1] not in ("or", "nor", "ni", "o"):
        return False
    item = 0
    for w in between[:-1]:
        if w in (",", "or", "nor", "ni", "o"):
            item = 0
        else:
            item += 1
            if item > 2 or w in lex.CLAUSE_ENDS:
                return False
    return True


def _negated(text: Text, first: int, last: int) -> bool:
    before = _window(text, first, first, back=_NEGATION_REACH, ahead=0, stop_at_comma=False).split(" <>")[0]
    for m in _NEGATION.finditer(before):
        between = before[m.end():].split()
        if _PSEUDO_NEGATION.match(before, m.start()) or not (all(w in lex.NEGATION_FILLER for w in between)
                                                              or _negated_list(between)):
            continue
        if m.group(0) in ("without", "sin"):
            sentence = _sentence_before(text, first)  # `before` is its end
            if _WITHOUT_UNDONE.search(sentence[:len(sentence) - len(before) + m.start()]):
                continue  # "can barely walk across the room without gasping": the gasping is happening
        after = " ".join(text.tokens[last + 1:last + 4])
        return not _NEGATION_UNDONE.match(after)
    return bool(_NEGATED_AFTER.match(_rest_of_sentence(text, last)))


def _resolved(text: Text, last: int) -> bool:
    tokens = text.tokens
    end = last + 1
    while end < len(tokens) and tokens[end] != SENTENCE_END and end - last <= _RESOLVED_REACH:
        end += 1
    after = " ".join(tokens[last + 1:end])
    found = next((m for m in _RESOLVED.finditer(after) if not _NOT_BEFORE.search(after[:m.start()])), None)
    if found:
        # "she's ok now I think, but I'm freaked out": a resolution the writer doubts is not one
        return not (_recurs(after[found.end():]) or _UNSURE.match(after[found.end():].lstrip()))
    nxt = end + 1  # only the next sentence: a later "since then fine" is about something else
    while nxt < len(tokens) and tokens[nxt] != SENTENCE_END:
        nxt += 1
    later = " ".join(tokens[end:nxt])
    found = _RESOLVED_LATER.search(later)
    return bool(found) and not _recurs(later[found.end():])


def _evaluated(text: Text, last: int) -> bool:
    return bool(_EVALUATED.search(_rest_of_sentence(text, last)))


def _past(text: Text, first: int, last: int) -> bool:
    if _FUTURE_IN_FLAG.search(" ".join(text.tokens[first:last + 1])):
        return False
    clause = _window(text, first, last, back=_PAST_REACH, ahead=_PAST_REACH, stop_at_comma=True, ends=lex.PAST_ENDS)
    # the red flag's last word stays in its place ("needing my appointment in March" is ahead, not past)
    clause = clause.replace("<>", text.tokens[last])
    clause += " " + " ".join(text.tokens[first + 1:last])  # "a reaction to penicillin as a kid (hives and swelling)"
    right_after = " ".join(text.tokens[last + 1:last + 4])
    if not (_PAST.search(clause) or _PAST_RIGHT_AFTER.search(right_after)) or _NOW.search(clause):
        return False
    return not _recurs(_rest_of_sentence(text, last))


def _seen_already(text: Text, first: int, last: int) -> bool:
    """Earlier in the sentence a clinic already saw it ("saw urgent care Saturday for the reaction, they gave me an
    epipen"), and nothing in the red flag's clause says it is happening now or is back."""
    if not _SEEN_BEFORE.search(_sentence_before(text, first)):
        return False
    clause = _window(text, first, last, back=_PAST_REACH, ahead=_PAST_REACH, stop_at_comma=True, ends=lex.PAST_ENDS)
    return not (_NOW.search(clause) or _recurs(_rest_of_sentence(text, last)))


def _recurs(text_after: str) -> bool:
    """Does the text say the problem is back ("came back this morning"), not just that results came back normal?"""
    return bool(_RECURRED.search(_NOT_RECURRED.sub("", _NEVER_AGAIN.sub("", text_after))))


def _sentence_before(text: Text, first: int) -> str:
    start = first
    while start > 0 and text.tokens[start - 1] != SENTENCE_END:
        start -= 1
    return " ".join(text.tokens[start:first])


def _ends_in_question(text: Text, first: int) -> bool:
    end = first
    while end < len(text.tokens) and text.tokens[end] != SENTENCE_END:
        end += 1
    return end in text.questions


def _rest_of_sentence(text: Text, last: int) -> str:
    tokens = text.tokens
    end = last + 1
    while end < len(tokens) and tokens[end] != SENTENCE_END:
        end += 1
    return " ".join(tokens[last + 1:end])


_HYPOTHETICAL_ENDS = lex.CLAUSE_ENDS - {"and", "y"}  # "what do we do if his sugar drops and he won't eat"


def _hypothetical(text: Text, first: int) -> bool:
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


def _general_question(text: Text, first: int) -> bool:
    """A question about a condition in general, asked for information, that names nobody ("Does a stroke always cause
    slurred speech?")."""
    if not _ends_in_question(text, first):
        return False
    sentence = (_sentence_before(text, first) + " " + " ".join(text.tokens[first:first + 1]) + " "
                + _rest_of_sentence(text, first)).strip()
    words = sentence.split()
    return (bool(_GENERAL_QUESTION_START.match(sentence)) and bool(_GENERAL_WORDS.search(sentence))
            and not any(w in lex.PERSONAL for w in words))


def _names_a_document(text: Text, last: int) -> bool:
    if text.tokens[last][0].isdigit():
        return False  # "took like 15 pills": a count, not a name
    nxt = text.tokens[last + 1] if last + 1 < len(text.tokens) else ""
    return bool(_DOCUMENT.fullmatch(nxt))


def _about_a_pet(text: Text, first: int) -> bool:
    clause = _window(text, first, first, back=_NEGATION_REACH, ahead=0, stop_at_comma=True).split(" <>")[0]
    return bool(_OTHER_EXPERIENCER.search(clause))


def _chronic(text: Text, last: int) -> bool:
    return bool(_CHRONIC.search(_rest_of_sentence(text, last)))


def _present_again(text: Text) -> bool:
    """Does the message say a suicidal or self-harm history is back or never ended ("I tried to kill myself in 2019
    and I'm thinking about it again", "suicidal since 2019")? What is settled ("fine since 2019", "never again",
    "thanks again") is taken out first, and a plain "none now" or "I'm safe" answers it."""
    return (bool(_HISTORY_NOW.search(_HISTORY_SETTLED.sub(" ", text.joined)))
            and not _HISTORY_DENIED_NOW.search(text.joined))


def _sentence(text: Text, first: int, last: int) -> str:
    """The sentence of tokens first..last, as text."""
    return " ".join((_sentence_before(text, first), *text.tokens[first:last + 1], _rest_of_sentence(text, last)))


def _history(text: Text, first: int, last: int) -> bool:
    """A past-time word in the red flag's sentence and, anywhere in the message, a plain statement that it is settled
    ("'history of psychiatric hospitalization' - yes, 2019, for suicidal thoughts. all resolved."), and nothing that
    says it is back."""
    return (bool(_HISTORY_MARK.search(_sentence(text, first, last))) and bool(_HISTORY_RESOLVED.search(text.joined))
            and not _present_again(text))


def _information_question(text: Text, first: int, last: int) -> bool:
    """A question asked for information about suicide, naming nobody who has the thoughts ("Is 988 only for people who
    are suicidal?", "How do I talk to my teenager about suicide?"): the red flag's words are the topic, not a state."""
    if not all(_INFO_TOPIC.fullmatch(t) for t in text.tokens[first:last + 1]) or not _ends_in_question(text, first):
        return False
    sentence = _sentence(text, first, last)
    return (bool(_INFO_MARKERS.search(sentence) or _GENERAL_WORDS.search(sentence))
            and not _INFO_EXPERIENCER.search(sentence) and not _INFO_NOT.search(sentence))


def _history_kind_check(text: Text, first: int, last: int, why: str) -> str:
    """For the kinds of `lex.HISTORY_KINDS`, the general checks' answer read against the whole message: a history
    stays one only when nothing says it is present again; a question or hypothetical only when the writer does not
    say it is theirs; a chronic "same as always" is still now."""
    if why in ("past", "seen", "resolved") and _present_again(text):
        return ""
    if why == "resolved" and _chronic(text, last) and not _CHRONIC_NOT_NOW.search(_rest_of_sentence(text, last)):
        return ""  # "suicidal thoughts for years, same as always": lasting is not over
    if why in ("question", "hypothetical") and _ABOUT_THE_WRITER.search(text.joined):
        return ""
    if not why and _history(text, first, last):
        return "history"
    if not why and _information_question(text, first, last) and not _ABOUT_THE_WRITER.search(text.joined):
        return "question"
    return why


def why_not_current(text: Text, first: int, last: int, kind: str, lasting: bool = False) -> str:
    """The first context check that says tokens first..last are not about now ("negated", "past", ...), or ""."""
    why = _why_not_current(text, first, last, kind, lasting)
    return _history_kind_check(text, first, last, why) if kind in lex.HISTORY_KINDS else why


def _why_not_current(text: Text, first: int, last: int, kind: str, lasting: bool = False) -> str:
    lasting = lasting or kind in lex.RESOLVED_STILL_URGENT
    if _negated(text, first, last):
        return "negated"
    if _hypothetical(text, first):
        return "hypothetical"
    if _past(text, first, last):
        return "past"
    if _seen_already(text, first, last):
        return "seen"
    # A lasting red flag (chest pain, a stroke sign) that passed is still a same-day call, unless a clinician or a test
    # has looked at it since ("turned out to be reflux per the ER workup").
    if _chronic(text, last) or (_evaluated(text, last) if lasting else _resolved(text, last)):
        return "resolved"
    if _general_question(text, first):
        return "question"
    if _names_a_document(text, last):
        return "document"
    if _about_a_pet(text, first):
        return "pet"
    return ""


def _is_current(text: Text, first: int, last: int, kind: str, lasting: bool = False) -> bool:
    return not why_not_current(text, first, last, kind, lasting)


# --- masking idioms and finding current matches ---

def masked_idioms(text: Text) -> set[int]:
    masked: set[int] = set()
    for m in _IDIOMS.finditer(text.joined):
        masked.update(range(text.token_at(m.start()), text.token_at(m.end() - 1) + 1))
    return masked


# A negation inside a match that its pattern does not ask for denies it: "my chest isn't hurting" matches "chest ...
# hurting" four words apart, with the "not" between (issue 17, fourth round). A pattern that names a negation itself
# ("can not breathe", "won't stop bleeding") is left alone.
_INNER_NEGATION = frozenset({"not", "no", "never", "nunca"})
_INNER_FILLER = frozenset({"is", "are", "was", "were", "been", "really", "even", "actually", "me", "le", "te", "nos",
                           "les", "se", "lo", "la", "too", "that", "very", "so", "as"})
_PATTERN_NEGATES = re.compile(r"(?<![a-z])(?:not|no|never|nunca|sin|without|n t|none|nothing|nadie|nobody)(?![a-z])")


def _negated_inside(text: Text, first: int, last: int, pattern: re.Pattern[str]) -> bool:
    """Only a negation of the match's last word: nothing but fillers between ("is not hurting", "no me duele"), not an
    ability ("no puede hablar" is the red flag)."""
    inner = text.tokens[first + 1:last]
    negations = [i for i, t in enumerate(inner) if t in _INNER_NEGATION]
    return (bool(negations) and all(t in _INNER_FILLER for t in inner[negations[-1] + 1:])
            and not _PATTERN_NEGATES.search(pattern.pattern))


def current_matches(text: Text, pattern: re.Pattern[str], masked: set[int], check: str | None,
                     *, setting_only: bool = False, kind: str = "", lasting: bool = False):
    """Matches that are about now. A setting ("pregnant", "my 3 week old", "kidney transplant last spring") only has
    to be not negated: "can I take Tylenol while pregnant" is a question, but the patient is still pregnant."""
    for m in pattern.finditer(text.joined):
        first, last = text.token_at(m.start()), text.token_at(m.end() - 1)
        if masked.intersection(range(first, last + 1)) or _negated_inside(text, first, last, pattern):
            continue
        # a rule's number, when the matched alternative has one, must be one that matters ("sugar 520", not "sugar 120")
        if check and m.lastindex and m.group(1) is not None and not CHECKS[check](m.group(1)):
            continue
        if setting_only:
            if not _negated(text, first, last):
                yield first, last
        elif _is_current(text, first, last, kind, lasting):
            yield first, last


def all_matches(text: Text, pattern: re.Pattern[str], masked: set[int], check: str | None, *, kind: str = "",
                lasting: bool = False):
    """Every match with why it is not about now: (first, last, reason), reason "" for a current one, "idiom" for one
    inside a masked idiom, "reading" for a number below its threshold, else `why_not_current`'s answer."""
    for m in pattern.finditer(text.joined):
        first, last = text.token_at(m.start()), text.token_at(m.end() - 1)
        if masked.intersection(range(first, last + 1)):
            yield first, last, "idiom"
        elif check and m.lastindex and m.group(1) is not None and not CHECKS[check](m.group(1)):
            yield first, last, "reading"
        elif _negated_inside(text, first, last, pattern):
            yield first, last, "negated"
        else:
            yield first, last, why_not_current(text, first, last, kind, lasting)
