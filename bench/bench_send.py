"""Send throughput and inbox time on SQLite (or SM_DATABASE_URL), through the real services.

Usage: .venv/bin/python -m bench.bench_send [--messages 2000] [--threads 5000]

Measures (1) sustained sends: encrypt + commit (fsync) + audit append + push, one after another
and from 8 concurrent senders; (2) p95 server time of a patient's inbox page query and the staff
worklist query with --threads conversations in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sm_app.adapters.migrate import upgrade
from sm_app.bootstrap import build_system
from sm_app.config import Settings
from sm_app.identity.accounts import Actor


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


async def one_team_clinic(prefix: str = "sm-bench-"):
    """A fresh SQLite clinic in a temporary directory with one care team, its nurse and one patient (also used by
    bench_reads): (system, team, patient, nurse)."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    url = f"sqlite:///{tmp / 'sm.db'}"
    upgrade(url)
    base = Settings.from_env()
    settings = Settings(data_dir=tmp, database_url=url, key_file=tmp / "keys.json", base_url=base.base_url,
                        host="127.0.0.1", port=8080, clinic_name="Bench", timezone="UTC",
                        storage_secret_file=tmp / "secret")
    system = build_system(settings)
    acc = system.accounts
    team = await acc.create_team("Bench Team")
    p = await acc.create_user(email="p@bench.org", role="patient", name="P", password="patient-password")
    n = await acc.create_user(email="n@bench.org", role="nurse", name="N", password="nurse-password-long")
    await acc.assign_patient(team="Bench Team", email=p.email)
    await acc.add_member(team="Bench Team", email=n.email, role="nurse")
    return system, team, Actor(p.id, p.role, p.name, p.email), Actor(n.id, n.role, n.name, n.email)


async def main(messages: int, threads: int) -> None:
    system, team, pat, nurse = await one_team_clinic()
    pushes = 0

    def on_push(_event):
        nonlocal pushes
        pushes += 1

    system.bus.subscribe(nurse.user_id, on_push)

    async def send(i: int) -> float:
        t0 = time.perf_counter()
        await system.messaging.start_thread(pat, team_id=team.id, category="General", subject=f"Subject {i}",
                                            body="Routine question about my medication. " * 10)
        return time.perf_counter() - t0

    t0 = time.perf_counter()
    latencies = [await send(i) for i in range(messages)]
    elapsed = time.perf_counter() - t0
    print(f"sequential sends: {messages / elapsed:,.0f} msg/s, p95 {p95(latencies) * 1000:.1f} ms "
          f"(pushes delivered: {pushes})")

    t0 = time.perf_counter()
    sem = asyncio.Semaphore(8)

    async def limited(i):
        async with sem:
            return await send(i)

    latencies = await asyncio.gather(*(limited(i) for i in range(messages, 2 * messages)))
    elapsed = time.perf_counter() - t0
    print(f"8 concurrent senders: {messages / elapsed:,.0f} msg/s, p95 {p95(latencies) * 1000:.1f} ms")

    remaining = max(0, threads - 2 * messages)
    for i in range(remaining):
        await send(2 * messages + i)
    for folder, actor in (("sent", pat), ("worklist", nurse)):
        times = []
        for _ in range(50):
            t0 = time.perf_counter()
            await system.mailbox.list_threads(actor, folder, page_size=50)
            times.append(time.perf_counter() - t0)
        print(f"{folder} page (50 newest of {max(threads, 2 * messages):,} threads): p95 {p95(times) * 1000:.1f} ms")
    print(f"audit chain: {(await system.audit.verify()).entries:,} entries verified")
    await system.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=5000)
    a = ap.parse_args()
    asyncio.run(main(a.messages, a.threads))
