"""Train the urgent-message detector's learned second opinion from the development sets.

Usage: .venv/bin/python scripts/train_urgency_model.py [--check]

Reads tests/data/urgency/dev*.jsonl (never the check sets), writes sm_app/safety/urgency_model.json, and prints
the cross-validated threshold. Deterministic: the same data gives the same file byte for byte, which
tests/unit/test_urgency_model.py checks. With --check it only compares and exits 1 if the shipped file is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sm_app.safety.normalise import normalised_tokens  # noqa: E402
from sm_app.safety.urgency_model import MODEL_FILE, train  # noqa: E402


def build() -> str:
    examples = []
    for path in sorted((ROOT / "tests" / "data" / "urgency").glob("dev*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if "_meta" in row:  # a former blind set's first line: when and how it was written
                    continue
                examples.append((normalised_tokens(row["text"]), row["label"], row["kind"]))
    return train(examples).to_json()


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
