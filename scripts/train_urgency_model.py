"""Train the urgent-message detector's learned model from the development sets.

Usage: .venv/bin/python scripts/train_urgency_model.py [--check]

Reads tests/data/urgency/dev*.jsonl (never the check sets) and the lexicon's own examples and near-misses, writes
sm_app/safety/urgency_model.json, and prints the cross-validated threshold. Deterministic: the same data gives the
same file byte for byte, which tests/unit/test_urgency_model.py checks. With --check it only compares and exits 1 if
the shipped file is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sm_app.safety import urgency_lexicon as lex  # noqa: E402
from sm_app.safety.urgency import analyse, features  # noqa: E402
from sm_app.safety.urgency_model import MODEL_FILE, Example, train  # noqa: E402


def examples(skip: str = "") -> list[Example]:
    """Every development message as the model sees it, with its source file (the unit of grouped cross-validation);
    `skip` leaves one file out (bench/cv_urgency.py)."""
    out = []
    for path in sorted((ROOT / "tests" / "data" / "urgency").glob("dev*.jsonl")):
        if path.name == skip:
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if "_meta" in row:  # a former blind set's first line: when and how it was written
                    continue
                names = frozenset(f.name for f in features(analyse(row["text"])))
                out.append(Example(names, row["label"], row["kind"], path.name))
    # The lexicon's own examples and near-misses (urgency_lexicon.py), written by the clinic's reviewers to say what
    # each rule means: the model learns not to overrule a rule on what it was written for.
    for item in (*lex.RULES, *lex.CUE_SETS):
        for text, label in [(t, "urgent") for t in item.examples] + [(t, "routine") for t in item.near_misses]:
            names = frozenset(f.name for f in features(analyse(text)))
            out.append(Example(names, label, item.kind if label == "urgent" else "", "urgency_lexicon.py"))
    return out


def build() -> str:
    return train(examples()).to_json()


def main() -> None:
    text = build()
    if "--check" in sys.argv:
        same = MODEL_FILE.exists() and MODEL_FILE.read_text(encoding="utf-8") == text
        print("up to date" if same else "stale: run scripts/train_urgency_model.py")
        raise SystemExit(0 if same else 1)
    MODEL_FILE.write_text(text, encoding="utf-8")
    model = json.loads(text)
    print(f"wrote {MODEL_FILE.relative_to(ROOT)}: {len(model['weights'])} weights, threshold {model['threshold']:.3f}")


if __name__ == "__main__":
    main()
