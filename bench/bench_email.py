"""Email dispatch throughput to a local SMTP server (aiosmtpd, plain SMTP on loopback), on SQLite.

Usage: .venv/bin/python -m bench.bench_email [--emails 2000]

Queues N new-message emails in one transaction, then times Notifications.dispatch() until all are sent:
claim (lease) in batches, one SMTP connection per email (aiosmtplib.send), record "sent" per email.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from aiosmtpd.controller import Controller

from sm_app.adapters.migrate import upgrade
from sm_app.bootstrap import build_system
from sm_app.config import Settings
from sm_app.identity.accounts import Actor
from sm_app.shared.events import EventHandlers, MessageSent, UnitOfWork


class Counter:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def main(emails: int) -> None:
    handler = Counter()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, server_hostname="bench.test")
    controller.start()
    tmp = Path(tempfile.mkdtemp(prefix="sm-bench-email-"))
    url = f"sqlite:///{tmp / 'sm.db'}"
    upgrade(url)
    base = Settings.from_env()
    settings = replace(Settings(data_dir=tmp, database_url=url, key_file=tmp / "keys.json", base_url=base.base_url,
                                host="127.0.0.1", port=8080, clinic_name="Bench", timezone="UTC",
                                storage_secret_file=tmp / "secret"),
                       smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", smtp_from="no-reply@bench.test")
    system = build_system(settings)
    try:
        acc = system.accounts
        await acc.create_team("Bench Team")
        p = await acc.create_user(email="p@bench.org", role="patient", name="P", password="patient-password")
        n = await acc.create_user(email="n@bench.org", role="nurse", name="N", password="nurse-password-long")
        await acc.assign_patient(team="Bench Team", email=p.email)
        await acc.add_member(team="Bench Team", email=n.email, role="nurse")
        nurse = Actor(n.id, n.role, n.name, n.email)
        notifications = system.notifications
        await notifications.set_email_mode(nurse, "each")

        # The outbox's own handler of MessageSent, alone: the messages need no threads for this benchmark.
        only_email = EventHandlers()
        notifications.register_handlers(only_email)
        async with UnitOfWork(system.db, only_email)() as work:
            for i in range(emails):
                work.record(MessageSent("bench", f"bench-{i}", p.id, True, system.clock.now(), (), (n.id,)))

        t0 = time.perf_counter()
        result = await notifications.dispatch()
        elapsed = time.perf_counter() - t0
        assert result.sent == emails == handler.received, (result, handler.received)
        print(f"command: .venv/bin/python -m bench.bench_email {' '.join(sys.argv[1:])}".rstrip())
        print(f"dispatched {emails} emails to a local SMTP server in {elapsed:.2f} s: "
              f"{emails / elapsed:,.0f} emails/s (plain SMTP, one connection per email, SQLite)")
    finally:
        await system.close()
        controller.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.emails))
