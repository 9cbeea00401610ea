"""CPU per call of the reads an open page repeats on every push, and of a reply and an email, in process, through
the real services.

Usage: .venv/bin/python -m bench.bench_reads [--calls 1000] [--messages 16]

bench_live measures a whole message end to end, but its run-to-run spread on a 2-core machine (about ±8 ms of CPU per
message) hides a change of a millisecond or two. This one measures the pieces a push is made of, each in isolation and
with `time.process_time` (CPU, not wall time), so such a change can be seen and checked:

- `Mailbox.view_thread` as a patient's and a nurse's open conversation ask it on a push (`after` = the message the page
  already shows) and as a page load asks it (the whole conversation);
- `Worklist.page` (an open Worklist), `Mailbox.unread_count` (every page's badge), `Worklist.details` (the triage
  panel of a nurse's open conversation);
- `Sessions.current` (every page load and every action checks the session);
- `Database.read` with nothing in it (what a read transaction itself costs);
- `Messaging.reply` from the nurse and from the patient in turn, with a send key as the reply box sends (the send's
  write transaction with its in-transaction handlers: search index, response clock, outbox email; the patient's
  urgent-words check in its worker thread counts, `process_time` being the whole process's CPU);
- `Messaging.reply` in a conversation of 301 messages of 40 random words each (a search index of thousands of
  tokens, which a send must not read whole);
- `Notifications.dispatch` to the demo's file mailer, per email (what the replies above queued: one per nurse reply);
- building the statements that `view_thread`, `Worklist.page` and `unread_count` reuse (`mailbox._thread_head`,
  `worklist._worklist_statements`, `mailbox._unread_count`) with their SQLAlchemy cache key, once per call as before
  they were kept and from the kept ones.

A fresh SQLite clinic in a temporary directory: one care team with a nurse and a patient, one conversation of
--messages messages from both sides. Each read is warmed up with 50 calls first.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import platform
import random
import string
import time

from bench.bench_send import one_team_clinic
from sm_app.care_team.worklist import _worklist_statements
from sm_app.messaging.mailbox import _thread_head, _unread_count

LONG_MESSAGES = 300


def cpu_ms(calls: int, run) -> float:
    start = time.process_time()
    for _ in range(calls):
        run()
    return (time.process_time() - start) / calls * 1000


async def cpu_ms_async(calls: int, run) -> float:
    for _ in range(50):
        await run()
    start = time.process_time()
    for _ in range(calls):
        await run()
    return (time.process_time() - start) / calls * 1000


async def main(calls: int, messages: int) -> None:
    system, team, pat, nurse = await one_team_clinic("sm-bench-reads-")
    thread = (await system.messaging.start_thread(pat, team_id=team.id, category="Test results", subject="A question",
                                                  body="Routine question about my visit.")).thread_id
    for i in range(messages // 2):
        await system.messaging.reply(nurse, thread, body=f"Answer number {i}: your results are normal.")
        await system.messaging.reply(pat, thread, body=f"Thank you, question number {i} about the next visit.")
    shown = (await system.mailbox.view_thread(pat, thread)).messages[-2].id  # a push brings one new message

    print(f"python {platform.python_version()}, {calls} calls each after 50 to warm up; CPU per call "
          f"(time.process_time); a conversation of {messages + 1} messages")
    mailbox, worklist = system.mailbox, system.worklist
    token = (await system.sessions.open_for(nurse.user_id, how="bench")).token

    async def empty_read() -> None:
        async with system.db.read():
            pass

    reads = {
        "view_thread, patient, push": lambda: mailbox.view_thread(pat, thread, after=shown),
        "view_thread, nurse, push": lambda: mailbox.view_thread(nurse, thread, after=shown),
        "view_thread, patient, whole": lambda: mailbox.view_thread(pat, thread),
        "Worklist.page": lambda: worklist.page(nurse),
        "unread_count": lambda: mailbox.unread_count(pat),
        "Worklist.details": lambda: worklist.details(nurse, thread),
        "Sessions.current": lambda: system.sessions.current(token),
        "Database.read, empty": empty_read,
    }
    for name, read in reads.items():
        print(f"  {name:<30} {await cpu_ms_async(calls, read):7.3f} ms")

    turn = itertools.count()

    async def reply() -> None:
        i = next(turn)
        who = nurse if i % 2 == 0 else pat
        # With a send key, as the reply box sends (its claim is part of the send's transaction).
        await system.messaging.reply(who, thread, body=f"Reply number {i} about the results and the next visit.",
                                     send_key=f"bench-{i}")

    replies = max(100, calls // 5)
    print(f"  {'Messaging.reply, in turn':<30} {await cpu_ms_async(replies, reply):7.3f} ms   ({replies} replies)")
    # A long conversation of varied words: its search index holds thousands of tokens, and a send must not read
    # them all (it looks up only its own).
    rng = random.Random(1)
    vocab = ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 10))) for _ in range(20_000)]
    long_thread = (await system.messaging.start_thread(pat, team_id=team.id, category="Test results",
                                                       subject="A long one", body="Routine question.")).thread_id

    def varied() -> str:
        return " ".join(rng.choice(vocab) for _ in range(40))

    for i in range(LONG_MESSAGES):
        await system.messaging.reply(nurse if i % 2 else pat, long_thread, body=varied())
    bodies = [varied() for _ in range(100)]
    start = time.process_time()
    for i, body in enumerate(bodies):
        await system.messaging.reply(nurse if i % 2 else pat, long_thread, body=body)
    print(f"  {f'Messaging.reply, {LONG_MESSAGES + 1}-msg varied':<30} "
          f"{(time.process_time() - start) / len(bodies) * 1000:7.3f} ms   (100 replies of 40 random words)")
    await system.notifications.dispatch()  # the warm-up's emails
    for _ in range(replies):
        await reply()
    start = time.process_time()
    result = await system.notifications.dispatch()
    per_email = (time.process_time() - start) / max(1, result.sent) * 1000
    print(f"  {'dispatch, per email':<30} {per_email:7.3f} ms   ({result.sent} emails to the file mailer)")

    def built(make) -> None:  # a new statement object each call computes its cache key anew
        make()._generate_cache_key()

    def worklist_both(make) -> None:
        for statement in make("all", False, "open", "due"):
            statement._generate_cache_key()

    print("statement and its cache key: built on every call / kept")
    for name, fresh, kept in (
        ("conversation head", lambda: built(lambda: _thread_head.__wrapped__(False)),
         lambda: built(lambda: _thread_head(False))),
        ("Worklist count + page", lambda: worklist_both(_worklist_statements.__wrapped__),
         lambda: worklist_both(_worklist_statements)),
        ("unread badge", lambda: built(lambda: _unread_count.__wrapped__(True)),
         lambda: built(lambda: _unread_count(True))),
    ):
        print(f"  {name:<30} {cpu_ms(calls, fresh):7.3f} ms / {cpu_ms(calls, kept):.4f} ms")
    await system.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.messages))
