"""The urgent-message detector: time per message, and its scores by kind and language on every labelled set.

Usage: .venv/bin/python -m bench.bench_urgency [--rounds 5]

Time: every message of tests/data/urgency/*.jsonl, `--rounds` times, each call timed on its own. The first round
runs with a cold spelling cache (a new process); later rounds are what a running app sees. Budget (issue 6):
<= 5 ms per message on our CPU, deterministic, no network.
Scores: recall by kind and language, overall recall and false alarms, for the development set (dev*.jsonl, which
the lexicon was written against) and for check4_set.jsonl (written separately and never read or used for tuning, so
it is the honest estimate of how the detector does on messages it has not seen). dev4_first_check.jsonl,
dev6_second_check.jsonl and dev8_third_check.jsonl were earlier check sets; once their errors had been read they
joined the development set.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from sm_app.safety.urgency import assess

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "urgency"


def load(pattern: str) -> list[dict]:
    return [json.loads(line) for path in sorted(DATA.glob(pattern))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def timing(rows: list[dict], rounds: int) -> None:
    for r in range(rounds):
        times = []
        for row in rows:
            start = time.perf_counter()
            assess(row["text"])
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        label = "cold spelling cache" if r == 0 else "warm"
        print(f"round {r + 1} ({label}): {len(rows)} messages, p50 {statistics.median(times):.2f} ms, "
              f"p95 {times[int(len(times) * 0.95)]:.2f} ms, p99 {times[int(len(times) * 0.99)]:.2f} ms, "
              f"max {times[-1]:.2f} ms, mean {statistics.fmean(times):.2f} ms")


def scores(name: str, rows: list[dict]) -> None:
    decisions = [(row, assess(row["text"])) for row in rows]
    total, caught = Counter(), Counter()
    for row, decision in decisions:
        if row["label"] == "urgent":
            for key in (row["kind"], f"lang {row['lang']}"):
                total[key] += 1
                caught[key] += decision.urgent
    urgent = sum(r["label"] == "urgent" for r in rows)
    routine = [(r, d) for r, d in decisions if r["label"] == "routine"]
    alarms = sum(d.urgent for _, d in routine)
    print(f"\n{name}: {urgent} urgent, {len(routine)} routine")
    for key in sorted(total):
        print(f"  {key:<12} recall {caught[key]:>3}/{total[key]:<3} {caught[key] / total[key]:6.1%}")
    print(f"  overall recall {sum(caught[k] for k in total if not k.startswith('lang'))}/{urgent} "
          f"{sum(caught[k] for k in total if not k.startswith('lang')) / urgent:.1%}; "
          f"false alarms {alarms}/{len(routine)} {alarms / len(routine):.1%}")
    for lang in ("en", "es"):
        sub = [d for r, d in routine if r["lang"] == lang]
        print(f"  false alarms ({lang}) {sum(d.urgent for d in sub)}/{len(sub)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = load("*.jsonl")
    timing(rows, args.rounds)
    scores("development set (dev*.jsonl)", load("dev*.jsonl"))
    scores("check set (check4_set.jsonl, never read or tuned on)", load("check4_set.jsonl"))


if __name__ == "__main__":
    main()
