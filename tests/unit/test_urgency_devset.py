"""The urgent-message detector scored on the development set (tests/data/urgency/dev*.jsonl).

The rows were written by people who did not read the detector's rules; the clinic's safety reviewers judge the
detector on their own held-out set, so these thresholds are the floor, not the goal. `bench/bench_urgency.py` prints
the same scores by kind and language, and for check4_set.jsonl, which is never read or used for tuning.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from sm_app.safety.urgency import assess
from sm_app.safety.urgency_lexicon import KINDS

DATA = Path(__file__).resolve().parents[1] / "data" / "urgency"
MUST_NOT_MISS = ("cardiac", "stroke", "breathing", "suicidal", "overdose")


def load(pattern: str) -> list[dict]:
    rows = []
    for path in sorted(DATA.glob(pattern)):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                row = json.loads(line)
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


def test_recall_overall_is_at_least_95_per_cent(scored):
    urgent = [(r, d) for r, d in scored if r["label"] == "urgent"]
    caught = sum(d.urgent for _, d in urgent)
    assert caught / len(urgent) >= 0.95, f"{caught}/{len(urgent)}\n" + _report(urgent)


def test_false_alarms_on_routine_messages_are_at_most_5_per_cent(scored):
    routine = [(r, d) for r, d in scored if r["label"] == "routine"]
    alarms = sum(d.urgent for _, d in routine)
    assert alarms / len(routine) <= 0.05, f"{alarms}/{len(routine)}\n" + _report(routine)


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
