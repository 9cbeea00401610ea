"""Keyword search time over a large care team, on SQLite (or --database-url), through the real search service.

Usage: .venv/bin/python -m bench.bench_search [--messages 100000] [--per-thread 5] [--runs 40] [--data-dir DIR]

Builds --messages messages (threads of --per-thread messages, 200 patients, one team) without the UI or
the per-message audit, but with the real sealing (a data key per field) and the real token index (the search
index's handler of `MessageSent`), one transaction per 1,000 messages. Then measures the staff member's search (count
+ newest 10 + snippets + audit entry) for common, medium and rare words, a prefix, two words, a team-name
match and a word with a date filter, and prints p50/p95 per kind and the p95 over all of them.
--data-dir keeps the database (SQLite) and key file in DIR; run again with the same DIR to measure
again without building. Budget (ENGINEERING.md): p95 <= 300 ms for 100,000 team messages on 2 cores, SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from sm_app.adapters.migrate import upgrade
from sm_app.adapters.models import Message, PatientTeam, SearchTerm, Thread, User, new_id
from sm_app.bootstrap import build_system
from sm_app.config import Settings
from sm_app.identity.accounts import Actor
from sm_app.messaging.search import register_handlers as index_sent_messages
from sm_app.messaging.threads import CATEGORIES
from sm_app.shared.events import EventHandlers, MessageSent, UnitOfWork

MEDICAL = (
    "appointment medication refill prescription blood pressure glucose insulin metformin lisinopril "
    "knee shoulder back pain headache migraine fever cough rash allergy asthma inhaler vaccine flu "
    "physiotherapy xray mri scan results lab cholesterol thyroid dose tablet morning evening week "
    "doctor nurse clinic pharmacy referral specialist cardiology dermatology follow up question "
    "side effects dizziness nausea sleep anxiety diet exercise weight swelling infection antibiotic"
).split()
SYLLABLES = "ba be bi bo bu ca ce co da de di do fa fe fi ga ge go la le li lo ma me mi mo na ne ni no " \
            "pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo".split()


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1]


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    made = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size * 2)}
    return MEDICAL + sorted(made)[: size - len(MEDICAL)]


class Writer:
    """Zipf-like word choice: a few words everywhere, most words rare, like real messages."""

    def __init__(self, rng: random.Random, vocab: list[str]):
        self.rng = rng
        self.vocab = vocab
        self.weights = [1 / (i + 1) for i in range(len(vocab))]

    def words(self, n: int) -> list[str]:
        return self.rng.choices(self.vocab, weights=self.weights, k=n)

    def sentence(self, n: int) -> str:
        return " ".join(self.words(n)).capitalize() + "."


async def build(system, team_id: str, staff_id: str, patients: list[str], messages: int, per_thread: int,
                writer: Writer, batch: int = 1000) -> float:
    keys = system.keys
    # The search index's own handler of MessageSent, alone (no response clocks, emails or pushes for seed data).
    only_index = EventHandlers()
    index_sent_messages(only_index, keys)
    start = datetime(2025, 11, 1, tzinfo=UTC)
    span = timedelta(days=365).total_seconds()
    threads = messages // per_thread
    per_batch = max(1, batch // per_thread)
    t0 = time.perf_counter()
    for first in range(0, threads, per_batch):
        thread_rows, message_rows, texts = [], [], {}
        for i in range(first, min(threads, first + per_batch)):
            tid = new_id()
            at = start + timedelta(seconds=span * i / threads)
            patient = patients[i % len(patients)]
            subject = " ".join(writer.words(3)).capitalize()
            thread_rows.append(dict(id=tid, patient_id=patient, team_id=team_id, category=CATEGORIES[i % 6],
                                    status="in_progress", created_at=at, urgent=False,
                                    last_message_at=at + timedelta(hours=per_thread),
                                    subject_enc=keys.seal(subject, table="threads", row_id=tid, column="subject")))
            texts[tid] = [subject]
            for k in range(per_thread):
                mid = new_id()
                body = " ".join(writer.sentence(writer.rng.randint(5, 12)) for _ in range(3))
                message_rows.append(dict(id=mid, thread_id=tid, sender_id=patient if k % 2 == 0 else staff_id,
                                         from_side="patient" if k % 2 == 0 else "team",
                                         created_at=at + timedelta(hours=k), read_at=at + timedelta(hours=k),
                                         body_enc=keys.seal(body, table="messages", row_id=mid, column="body")))
                texts[tid].append(body)
        async with UnitOfWork(system.db, only_index)() as work:
            await work.session.execute(insert(Thread.__table__), thread_rows)
            await work.session.execute(insert(Message.__table__), message_rows)
            for tid, thread_texts in texts.items():
                work.record(MessageSent(tid, "", "", True, at, (), (), words=tuple(thread_texts)))
        done = min(threads, first + per_batch) * per_thread
        if done % 20000 < per_batch * per_thread:
            print(f"  built {done:,} messages in {time.perf_counter() - t0:,.0f} s", flush=True)
    return time.perf_counter() - t0


def prepare(args) -> tuple[Path, str, bool]:
    """The data directory and database URL, migrated unless an earlier run built it (before the event loop)."""
    tmp = Path(args.data_dir or tempfile.mkdtemp(prefix="sm-bench-search-"))
    tmp.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{tmp / 'sm.db'}"
    reuse = bool(args.data_dir) and (tmp / "keys.json").exists()
    if not reuse:
        upgrade(url)
    print(f"data directory: {tmp}")
    return tmp, url, reuse


async def main(args, tmp: Path, url: str, reuse: bool) -> None:
    base = Settings.from_env()
    settings = Settings(data_dir=tmp, database_url=url, key_file=tmp / "keys.json", base_url=base.base_url,
                        host="127.0.0.1", port=8080, clinic_name="Bench", timezone="UTC",
                        storage_secret_file=tmp / "secret")
    system = build_system(settings)
    rng = random.Random(7)
    vocab = vocabulary(rng)
    if reuse:
        info = await system.accounts.find_user("n@bench.org")
        nurse = Actor(info.id, info.role, info.name, info.email)
        print("reusing the database built there before")
    else:
        nurse = await populate(system, args, rng, vocab)
    async with system.db.read() as s:
        tokens = (await s.execute(select(func.count()).select_from(SearchTerm))).scalar_one()
        threads = (await s.execute(select(func.count()).select_from(Thread))).scalar_one()
        messages = (await s.execute(select(func.count()).select_from(Message))).scalar_one()
    print(f"database: {threads:,} threads, {messages:,} messages, {tokens:,} index rows")
    await measure(system, nurse, vocab, args.runs, messages)
    await system.close()


async def populate(system, args, rng: random.Random, vocab: list[str]) -> Actor:
    acc = system.accounts
    team = await acc.create_team("Riverside Cardiology")
    n = await acc.create_user(email="n@bench.org", role="nurse", name="N", password="nurse-password-long")
    await acc.add_member(team=team.name, email=n.email, role="nurse")
    nurse = Actor(n.id, n.role, n.name, n.email)
    patients = [new_id() for _ in range(200)]
    async with system.db.write() as s:
        now = datetime.now(UTC)
        await s.execute(insert(User), [dict(id=pid, email=f"p{i}@bench.org", name=f"Patient {i}", role="patient",
                                            password_hash="x", active=True, created_at=now)
                                       for i, pid in enumerate(patients)])
        await s.execute(insert(PatientTeam), [dict(patient_id=pid, team_id=team.id, blocked=False, hidden=False)
                                              for pid in patients])
    writer = Writer(rng, vocab)
    print(f"building {args.messages:,} messages ({args.per_thread} per thread) on {system.db.url.split(':')[0]} ...")
    seconds = await build(system, team.id, nurse.user_id, patients, args.messages, args.per_thread, writer)
    print(f"built in {seconds:,.0f} s")
    return nurse


async def measure(system, nurse: Actor, vocab: list[str], runs: int, messages: int) -> None:
    # Words by how many threads they are in: the head of the Zipf list is everywhere, the tail is rare.
    queries = {
        "common word": [vocab[0], vocab[1], vocab[2]],
        "medium word": [vocab[60], vocab[120], vocab[200]],
        "rare word": [vocab[3000], vocab[3500], vocab[3900]],
        "prefix (3-4 chars)": [vocab[10][:3], vocab[400][:4], vocab[2000][:3]],
        "two words (AND)": [f"{vocab[0]} {vocab[50]}", f"{vocab[5]} {vocab[300]}", f"{vocab[30]} {vocab[3100]}"],
        "team name": ["cardiology", "riverside"],
        "word + last 3 months": [vocab[3], vocab[80]],
        "no match": ["zzzqqq", "xylophonist"],
    }
    # Warm-up, not timed: a server that has been running has its statements compiled and hot pages cached.
    for words in queries.values():
        for word in words:
            await system.search.search(nurse, keyword=word)
    all_times = []
    print(f"staff search, {runs} runs per kind (count + newest 10 + snippets + audit entry):")
    for kind, words in queries.items():
        times, totals = [], []
        for r in range(runs):
            word = words[r % len(words)]
            date_range = "3m" if kind == "word + last 3 months" else "any"
            t0 = time.perf_counter()
            result = await system.search.search(nurse, keyword=word, date_range=date_range)
            times.append(time.perf_counter() - t0)
            totals.append(result.total)
        all_times += times
        print(f"  {kind:22s} matches {min(totals):>6,}-{max(totals):<6,} p50 {p(times, 50) * 1000:6.1f} ms"
              f"  p95 {p(times, 95) * 1000:6.1f} ms")
    print(f"ALL KINDS: p95 {p(all_times, 95) * 1000:.1f} ms over {len(all_times)} searches "
          f"({messages:,} team messages; budget 300 ms)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--per-thread", type=int, default=5)
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--database-url", default="", help="default: a new SQLite file in the data directory")
    ap.add_argument("--data-dir", default="", help="keep (or reuse) the database and key file here")
    arguments = ap.parse_args()
    asyncio.run(main(arguments, *prepare(arguments)))
