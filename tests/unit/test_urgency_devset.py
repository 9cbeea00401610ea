"""The urgent-message detector scored on the development set (tests/data/urgency/dev*.jsonl).

The rows were written by people who did not read the detector's rules; the clinic's safety reviewers judge the
detector on their own held-out set, so these thresholds are the floor, not the goal. `bench/bench_urgency.py` prints
the same scores by kind and language, and for check4_set.jsonl, which is never read or used for tuning.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from sm_app.safety.urgency import assess
from sm_app.safety.urgency_lexicon import KINDS

DATA = Path(__file__).resolve().parents[1] / "data" / "urgency"
HELD_OUT = "[cb]*.jsonl"  # check4_set.jsonl and blind_*.jsonl: scored by bench/bench_urgency.py, never tuned on
MUST_NOT_MISS = ("cardiac", "stroke", "breathing", "suicidal", "overdose")


def load(pattern: str) -> list[dict]:
    rows = []
    for path in sorted(DATA.glob(pattern)):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                row = json.loads(line)
                if "_meta" in row:  # a blind set's first line: when and how it was written (BLIND_SET.md)
                    continue
                row["where"] = f"{path.name}:{n}"
                rows.append(row)
    return rows


@pytest.fixture(scope="module")
def scored() -> list[tuple[dict, object]]:
    return [(row, assess(row["text"])) for row in load("dev*.jsonl")]


def test_the_development_set_is_big_varied_and_well_formed(scored):
    rows = [row for row, _ in scored]
    urgent = [r for r in rows if r["label"] == "urgent"]
    routine = [r for r in rows if r["label"] == "routine"]
    assert len(urgent) >= 300 and len(routine) >= 500
    assert {r["kind"] for r in urgent} == set(KINDS)
    assert all(r["kind"] == "" for r in routine)
    assert {r["lang"] for r in rows} == {"en", "es"}
    assert len({r["text"].casefold() for r in rows}) == len(rows), "a message appears twice"


def _report(scored) -> str:
    missed = [f"  missed {r['where']} [{r['kind']}] {r['text']}" for r, d in scored if r["label"] == "urgent"
              and not d.urgent]
    alarms = [f"  false alarm {r['where']} [{d.kind}: {d.explanation()}] {r['text']}" for r, d in scored
              if r["label"] == "routine" and d.urgent]
    return "\n".join(missed + alarms)


def test_recall_is_complete_for_the_most_time_critical_kinds(scored):
    for kind in MUST_NOT_MISS:
        rows = [(r, d) for r, d in scored if r["kind"] == kind]
        assert rows and all(d.urgent for _, d in rows), _report(rows)


def test_no_new_miss_or_false_alarm_against_the_golden_list(scored):
    """The development set is what the lexicon and the model were written against, so its score says little; what it
    can say is that nothing got worse. Every miss and false alarm of today is pinned by its text in
    golden_dev_errors.json: a new one fails, and so does a pinned one that is now right (take it off the list)."""
    golden = json.loads((DATA / "golden_dev_errors.json").read_text(encoding="utf-8"))
    missed = {r["text"] for r, d in scored if r["label"] == "urgent" and not d.urgent}
    alarms = {r["text"] for r, d in scored if r["label"] == "routine" and d.urgent}
    new = [(r, d) for r, d in scored if (r["text"] in missed - set(golden["missed"]))
           or (r["text"] in alarms - set(golden["false_alarms"]))]
    assert not new, "new errors:\n" + _report(new)
    fixed = (set(golden["missed"]) - missed) | (set(golden["false_alarms"]) - alarms)
    assert not fixed, f"now right, take off golden_dev_errors.json: {sorted(fixed)}"


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"[a-z0-9]+", "".join(c for c in text if not unicodedata.combining(c)))


def _overlap(a: list[str], b: list[str]) -> float:
    """The larger of the word-set and word-trigram Jaccard overlaps: 1.0 for the same message in other punctuation
    or accents, about 0.6 and more for the same scenario reworded."""
    def trigrams(t: list[str]) -> set[tuple[str, ...]]:
        return {tuple(t[i:i + 3]) for i in range(max(1, len(t) - 2))}
    words = len(set(a) & set(b)) / max(1, len(set(a) | set(b)))
    ta, tb = trigrams(a), trigrams(b)
    return max(words, len(ta & tb) / max(1, len(ta | tb)))


NEAR_DUPLICATE = 0.6


def _held_out_files() -> list[str]:
    """check4_set.jsonl and every blind_*.jsonl; when no blind set is held out (between blind sets, BLIND_SET.md: the
    last ones joined the development set and the new ones are not taken in yet), a "blind_*.jsonl" entry that the
    tests below skip with a notice saying so, rather than passing as if a blind set had been checked."""
    names = [path.name for path in sorted(DATA.glob(HELD_OUT))]
    return names if any(n.startswith("blind_") for n in names) else [*names, "blind_*.jsonl"]


def _held_out(name: str) -> list[dict]:
    if not (DATA / name).exists():
        pytest.skip(f"no blind held-out set in tests/data/urgency now ({name} matches no file): between blind sets, "
                    "only check4_set.jsonl is held out (BLIND_SET.md)")
    rows = load(name)
    assert rows, f"{name} has no rows"
    return rows


@pytest.mark.parametrize("name", _held_out_files())
def test_no_held_out_message_repeats_a_development_message(name):
    """A held-out row that repeats a development row, verbatim or reworded, measures memory, not the detector (issue
    17 removed 77 such rows from check4_set.jsonl)."""
    held_out = _held_out(name)
    dev = [_tokens(r["text"]) for r in load("dev*.jsonl")]
    index: dict[str, list[int]] = {}
    for i, toks in enumerate(dev):
        for w in set(toks):
            index.setdefault(w, []).append(i)
    for row in held_out:
        toks = _tokens(row["text"])
        shared = Counter(i for w in set(toks) for i in index.get(w, ()))
        for i, n in shared.items():
            # word-set Jaccard is at least the trigram one when few words are shared: skip what cannot reach it
            if (n >= 3 and n / len(set(toks) | set(dev[i])) >= NEAR_DUPLICATE / 2
                    and _overlap(toks, dev[i]) >= NEAR_DUPLICATE):
                raise AssertionError(f"{row['where']} repeats a development message: {row['text']}")


@pytest.mark.parametrize("name", _held_out_files())
def test_the_held_out_sets_are_well_formed(name):
    rows = _held_out(name)
    assert all(r["label"] in ("urgent", "routine") for r in rows)
    assert all((r["kind"] in KINDS) if r["label"] == "urgent" else (r["kind"] == "") for r in rows)
    assert {r["lang"] for r in rows} <= {"en", "es"}


def test_a_blind_set_says_when_and_how_it_was_written_and_a_former_one_keeps_its_note():
    """Between blind sets there is no blind_*.jsonl (BLIND_SET.md): the held-out check set alone must still be there,
    and a blind set, present or joined to the development set, carries its note on its first line only. A file written
    by an engineer may carry a note too (since dev43_issue17e.jsonl), on its first line only, and it must say it was not
    written blind: a note never lets engineer-written rows pass for blind ones."""
    assert (DATA / "check4_set.jsonl").exists()
    for path in sorted(DATA.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        notes = [i for i, row in enumerate(rows) if "_meta" in row]
        if path.name.startswith("blind_") or "_blind_" in path.name:
            assert notes == [0] and {"written", "how"} <= set(rows[0]["_meta"]), path.name
        else:
            assert notes in ([], [0]), path.name
            if notes:
                assert {"written", "how"} <= set(rows[0]["_meta"]), path.name
                assert "not blind" in rows[0]["_meta"]["how"].casefold(), path.name


def test_every_urgent_decision_explains_itself(scored):
    for row, decision in scored:
        if decision.urgent:
            assert decision.kind in KINDS and decision.kind == decision.kinds[0]
            assert decision.evidence, row
            # the evidence is the patient's own words, quoted from the message
            squashed = " ".join(row["text"].split())
            assert all(e in squashed for e in decision.evidence), (row, decision.evidence)


def test_the_language_is_recognised(scored):
    right = Counter(d.language == r["lang"] for r, d in scored)
    assert right[True] / len(scored) >= 0.97, right
