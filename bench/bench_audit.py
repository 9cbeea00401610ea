"""The privacy officer's audit viewer over a million audit entries in SQLite, through the real service.

Usage: .venv/bin/python -m bench.bench_audit [--entries 1000000] [--runs 20] [--data-dir DIR]

Builds --entries hash-chained audit entries (real HMAC links with the key ring's audit key, so "Verify chain" checks
a true chain) straight into a freshly migrated SQLite database with the synchronous sqlite3 module (big
transactions, synchronous=OFF during the fill only), for 2,000 patients with 5 threads each and 100 staff, spread
over a year: 60 % thread.read, 15 % message.send, 10 % sign_in, 5 % attachment.read, the rest other actions.

Measures `AuditReview.page()` (p50/p95 over --runs) for the first page and a deep page (keyset: `before` a seq near
the oldest entry) with no filter, by person (a nurse), by action, by patient, by a one-week date range in the middle
of the year, and person + action; the same deep page by OFFSET for comparison; the action list (index skip-scan);
the CSV export of one person's entries; and `verify()` of the whole chain in the worker thread, with the event loop's
lag meanwhile (a ticker sleeping 5 ms). Prints the query plans. --data-dir keeps the database to skip the fill.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text

from sm_app.adapters.crypto import KeyRing
from sm_app.adapters.migrate import upgrade
from sm_app.adapters.models import AuditEntry
from sm_app.bootstrap import build_system
from sm_app.config import Settings
from sm_app.identity.accounts import Actor
from sm_app.privacy.audit_review import AuditFilter
from sm_app.shared.audit import GENESIS

START = datetime(2025, 11, 1, tzinfo=UTC)
ACTIONS = [("thread.read", 60), ("message.send", 15), ("sign_in", 10), ("attachment.read", 5), ("search", 4),
           ("record.read", 3), ("thread.close", 2), ("settings.change", 1)]


def _db_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def fill(path: Path, keys: KeyRing, entries: int) -> dict:
    rnd = random.Random(7)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    now = _db_time(START)
    con.execute("INSERT INTO care_teams (id, name, created_at) VALUES ('team0', 'Blue Team', ?)", (now,))
    staff = [f"staff{i:04d}" for i in range(100)]
    patients = [f"patient{i:05d}" for i in range(2000)]
    officer = "officer0"
    users = ([(s, f"{s}@example.org", f"Staff {s}", "nurse") for s in staff]
             + [(p, f"{p}@example.org", f"Patient {p}", "patient") for p in patients]
             + [(officer, "po@example.org", "Priya Officer", "privacy_officer")])
    con.executemany("INSERT INTO users (id, email, name, role, password_hash, active, created_at) "
                    "VALUES (?, ?, ?, ?, 'x', 1, ?)", [(*u, now) for u in users])
    threads = {p: [f"t{p[7:]}{k}" for k in range(5)] for p in patients}
    con.executemany("INSERT INTO threads (id, patient_id, team_id, category, subject_enc, status, created_at, "
                    "last_message_at, urgent) VALUES (?, ?, 'team0', 'General', x'00', 'new', ?, ?, 0)",
                    [(t, p, now, now) for p, ts in threads.items() for t in ts])
    names = [a for a, _ in ACTIONS]
    weights = [w for _, w in ACTIONS]
    key = keys.audit_mac_key
    prev = GENESIS
    step = timedelta(days=365) / entries
    batch = []
    for seq in range(1, entries + 1):
        action = rnd.choices(names, weights)[0]
        patient = rnd.choice(patients)
        actor = patient if action in ("message.send", "sign_in") and rnd.random() < 0.5 else rnd.choice(staff)
        if action == "sign_in":
            object_type, object_id = "user", actor
        elif action in ("search", "settings.change"):
            object_type, object_id = None, None
        elif action == "record.read":
            object_type, object_id = "health_record", patient
        elif action == "attachment.read":
            object_type, object_id = "attachment", f"a{seq}"
        else:
            object_type, object_id = "thread", rnd.choice(threads[patient])
        at = START + step * seq
        payload = json.dumps([seq, at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), actor, action, object_type, object_id,
                              "ok", ""], separators=(",", ":")).encode()
        digest = hmac.new(key, prev.encode() + payload, hashlib.sha256).hexdigest()
        batch.append((seq, _db_time(at), actor, action, object_type, object_id, "ok", "", prev, digest))
        prev = digest
        if len(batch) == 50_000:
            con.executemany("INSERT INTO audit_log (seq, at, actor_id, action, object_type, object_id, outcome, "
                            "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch.clear()
    if batch:
        con.executemany("INSERT INTO audit_log (seq, at, actor_id, action, object_type, object_id, outcome, detail, "
                        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    con.execute("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", (entries, prev))
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return {"nurse": staff[3], "patient": patients[17]}


def _ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"p50 {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


async def timed(runs: int, make) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        await make()
        times.append(time.perf_counter() - t0)
    return times


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-audit-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    db_file = data_dir / "sm.db"
    settings = Settings(data_dir=data_dir, database_url=f"sqlite:///{db_file}", key_file=data_dir / "keys.json",
                        base_url="http://localhost", host="127.0.0.1", port=0, clinic_name="Bench Clinic",
                        timezone="America/New_York", storage_secret_file=data_dir / "secret")
    fresh = not db_file.exists()
    if fresh:
        upgrade(settings.database_url)
    keys = KeyRing.load_or_create(settings.key_file)
    ids_file = data_dir / "ids.json"
    if fresh:
        t0 = time.perf_counter()
        ids = fill(db_file, keys, args.entries)
        ids_file.write_text(json.dumps(ids))
        print(f"filled {args.entries:,} entries in {time.perf_counter() - t0:.0f} s")
    ids = json.loads(ids_file.read_text())
    system = build_system(settings)
    review = system.audit_review
    officer = Actor("officer0", "privacy_officer", "Priya Officer", "po@example.org")
    async with system.db.read() as s:
        total = await s.scalar(text("SELECT count(*) FROM audit_log"))
    print(f"{total:,} audit entries\n")

    mid = (START + timedelta(days=180)).date()
    filters = {
        "no filter": AuditFilter(),
        "person (a nurse)": AuditFilter(person_id=ids["nurse"]),
        "action (record.read)": AuditFilter(action="record.read"),
        "patient": AuditFilter(patient_id=ids["patient"]),
        "one week mid-year": AuditFilter(date_from=mid, date_to=mid + timedelta(days=6)),
        "person + action": AuditFilter(person_id=ids["nurse"], action="thread.read"),
    }
    print(f"{'filter':24} {'first page':34} deep page (keyset)")
    for name, f in filters.items():
        first = await timed(args.runs, lambda f=f: review.page(officer, f))
        # The deep page: the last page before the oldest 1 % of what this filter finds (walked to by keyset).
        page = await review.page(officer, f, limit=10**7) if name != "no filter" else None
        seqs = [r.seq for r in page.rows] if page else list(range(total, 0, -1))
        before = seqs[int(len(seqs) * 0.99)] if seqs else None
        deep = await timed(args.runs, lambda f=f, b=before: review.page(officer, f, before=b))
        print(f"{name:24} {_ms(first):34} {_ms(deep)}   ({len(seqs):,} match)")

    async with system.db.read() as s:
        offset = []
        for _ in range(max(3, args.runs // 4)):
            t0 = time.perf_counter()
            await s.execute(text("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 50 OFFSET :o"),
                            {"o": int(total * 0.99)})
            offset.append(time.perf_counter() - t0)
        print(f"\nsame deep page by OFFSET (no filter, for comparison): {_ms(offset)}")
        for name, f in filters.items():
            conditions = await review._conditions(s, f)  # noqa: SLF001 - the plan of the very query the page runs
            query = select(AuditEntry.seq).where(*conditions).order_by(AuditEntry.seq.desc()).limit(51)
            compiled = query.compile(compile_kwargs={"literal_binds": True})
            plan = (await s.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))).all()
            print(f"plan, {name}: " + " | ".join(r[-1] for r in plan))

    actions = await timed(args.runs, lambda: review.actions(officer))
    print(f"\naction list (skip-scan): {_ms(actions)}")

    t0 = time.perf_counter()
    rows = 0
    async for chunk in await review.export_csv(officer, AuditFilter(person_id=ids["nurse"])):
        rows += chunk.count("\n")
    print(f"CSV export of one nurse's entries: {rows - 1:,} rows in {time.perf_counter() - t0:.2f} s")

    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            t = time.perf_counter()
            await asyncio.sleep(0.005)
            lags.append(time.perf_counter() - t - 0.005)

    tick = asyncio.create_task(ticker())
    seen = []
    t0 = time.perf_counter()
    result = await review.verify(officer, seen.append)
    elapsed = time.perf_counter() - t0
    done.set()
    await tick
    lags.sort()
    print(f"verify chain (worker thread): {'holds' if result.ok else 'BROKEN'}, {result.entries:,} entries in "
          f"{elapsed:.1f} s, {len(seen)} progress reports; event-loop lag meanwhile p99 "
          f"{lags[int(0.99 * (len(lags) - 1))] * 1000:.1f} ms, max {lags[-1] * 1000:.1f} ms")
    await system.close()


if __name__ == "__main__":
    asyncio.run(main())
