"""The urgent-message detector: time per message, and its scores by kind and language on every labelled set.

Usage: .venv/bin/python -m bench.bench_urgency [--rounds 5]

Time: every message of tests/data/urgency/*.jsonl, `--rounds` times, each call timed on its own. The first round
runs with a cold spelling cache (a new process); later rounds are what a running app sees. Budget (issue 6):
<= 5 ms per message on our CPU, deterministic, no network.

Scores: recall by kind and language, false alarms by tag (the kind of routine message), overall recall and false
alarms, for
- the development set (dev*.jsonl): what the lexicon and the learned model were written against, so it only says that
  nothing got worse (tests/unit/test_urgency_devset.py pins its errors);
- the held-out sets, never tuned on, scored once per change:
  - check4_set.jsonl, written 2026-11-22 as a check set by an engineer of this project (whether blind to the lexicon
    is not recorded); issue 17 (2026-12-06) removed the 77 rows that repeated a development message verbatim or
    reworded (token/trigram overlap >= 0.6; tests/unit/test_urgency_devset.py keeps it so);
  - blind_*.jsonl, when present: written blind, by a writer given only the labelling rule in
    tests/data/urgency/BLIND_SET.md and never the lexicon, its tests or its misses; the file's first row may carry
    {"_meta": {"written": DATE, "how": ...}}, printed with the scores.
dev4_first_check.jsonl, dev6_second_check.jsonl and dev8_third_check.jsonl were earlier check sets, and
dev12_blind_2026-12-06.jsonl the first blind set (scored once, recall 98.0 %, false alarms 4.2 %) and
dev18_blind_2026-12-06b.jsonl the second (scored once, recall 95.4 %, false alarms 6.4 %); once their errors had been
read they joined the development set. dev19_blind_w1.jsonl, dev20_blind_w2.jsonl and dev21_blind_w3.jsonl were written
blind the same day and joined the development set at once, to train and cross-validate the learned model; before any
tuning the detector of main 9091981 scored them recall 95.9 % / 98.2 % / 97.4 %, suicidal 22/28, 25/26, 25/28, false
alarms 4.8 % / 7.0 % / 5.7 % (BLIND_SET.md). dev22_blind_w4.jsonl, dev23_blind_w5.jsonl and dev24_blind_w6.jsonl were
written blind later that day and joined the same way; before any tuning the learned model of main 0f9ffb1 scored them
recall 97.8 % / 99.1 % / 97.3 %, suicidal 25/27, 27/28, 28/30, false alarms 3.0 % / 4.2 % / 3.6 % (pooled 98.1 %,
80/85, 3.6 %; BLIND_SET.md). dev25_blind_wf1.jsonl, dev26_blind_wf2.jsonl and dev27_blind_wf3.jsonl (2026-12-07) were
written blind from a prompt focused on suicide risk and its look-alikes; as written, the detector of 47a6042 caught
281/362 (77.6 %) of their suicidal messages, with 31/453 (6.8 %) false alarms. Some of their errors were read, they
waited beside the development set as pending_blind_wf1/2/3.jsonl, and joined it on branch issue17 (BLIND_SET.md).
dev28_blind_2026-12-06c.jsonl (the third blind set) and dev29/30/31_blind_2026-12-07a/b/c.jsonl (writers w7, w8, w9)
were held out until branch issue17b (2026-12-07): scored last by the detector of main 6afe6ee, recall 208/212,
203/205, 195/198, 189/192 (pooled 795/807 = 98.5 %), suicidal 102/104, false alarms 5/322, 6/283, 7/287, 3/280 (pooled
21/1172 = 1.8 %); then their errors were read and they joined the development set on that branch, which was merged
(fef121b) and reverted (e099cab): they waited as pending_blind_*.jsonl until branch issue17c brought them back as
development data (BLIND_SET.md). dev33/34/35_blind_2026-12-07d/e/f.jsonl (writers w10, w11, w12) were held out until
branch issue17d (2026-12-07): scored at their intake by fef121b (pooled 570/580 = 98.3 %, suicidal 85/88, false alarms
23/829 = 2.8 %), by main after the revert (567/580, 83/88, 19/829), by branch issue17c and last by main 2f63b58
(571/580 = 98.4 %, 85/88, 22/829 = 2.7 %); then, new held-out sets being written, their errors were read and they
joined the development set. dev36/37/38_blind_wf4/5/6.jsonl were written blind from the suicide-focused prompt and
joined at once; as written, main 2f63b58 caught 320/360 (88.9 %) of their suicidal messages, with 47/450 (10.4 %)
false alarms. dev40/41/42_blind_2026-12-07g/h/i.jsonl (writers w13, w14, w15) were held out until branch issue17e
(2026-12-07): taken in and scored once at main b728355 (the merge of issue17d) and once more, the same, by main
3855270: recall 556/562 (98.9 %), suicidal 75/75, false alarms 17/749 (2.3 %) as kept; then, new held-out sets being
written, their errors were read and they joined the development set (BLIND_SET.md has every score).
dev43_issue17e.jsonl was written by the engineer of that branch, not blind (its first line says so).
blind_2026-12-07j/k/l.jsonl (writers w16, w17, w18) are held out: taken in and scored once at main c85de20 (the merge
of issue17e): recall 557/565 (98.6 %), suicidal 74/76, false alarms 9/764 (1.2 %) as kept (BLIND_SET.md).
bench/cv_urgency.py measures the detector on the blind-written development files by grouped cross-validation, and
never reads blind_*.jsonl.
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
    rows = [json.loads(line) for path in sorted(DATA.glob(pattern))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if "_meta" not in r]


def meta(path: Path) -> dict:
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    return first.get("_meta", {})


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
    by_tag, alarm_tag = Counter(), Counter()
    for r, d in routine:
        by_tag[r.get("tag", "")] += 1
        alarm_tag[r.get("tag", "")] += d.urgent
    print("  false alarms by tag: " + ", ".join(f"{t} {alarm_tag[t]}/{by_tag[t]}" for t in sorted(by_tag)
                                                if alarm_tag[t] or by_tag[t] >= 10))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = load("*.jsonl")
    timing(rows, args.rounds)
    scores("development set (dev*.jsonl)", load("dev*.jsonl"))
    scores("held-out check set (check4_set.jsonl, deduplicated; never tuned on)", load("check4_set.jsonl"))
    # Written blind, errors partly read, not yet development data (BLIND_SET.md), when there are any.
    for path in sorted(DATA.glob("pending_blind_*.jsonl")):
        scores(f"read, not yet development ({path.name}, written {meta(path).get('written', '?')})", load(path.name))
    for path in sorted(DATA.glob("blind_*.jsonl")):
        about = meta(path)
        scores(f"blind held-out set ({path.name}, written {about.get('written', '?')}: {about.get('how', '?')})",
               load(path.name))


if __name__ == "__main__":
    main()
