"""APScheduler jobs: the response-clock sweep, the email dispatcher and the daily digests. Each calls one service
method; the services make them safe to run twice.

The scheduler is an AsyncIOScheduler on NiceGUI's event loop, started with the app. It keeps no job
state of its own: what has been sent lives in the database (response cycles' stages, alerts), so a
restart loses nothing and a sweep after downtime catches up.
"""

from __future__ import annotations

import functools
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from sm_app.bootstrap import System
from sm_app.shared.errors import Unavailable

log = logging.getLogger(__name__)


def _next_time_when_busy(job):
    """A busy or unreachable database skips this run with one line: the next run picks the work up (every job is
    idempotent and keeps its state in the database), so a traceback per run would only bury real errors."""

    @functools.wraps(job)
    async def run(system: System) -> None:
        try:
            await job(system)
        except Unavailable:
            log.warning("%s: database busy or unreachable; trying again at the next run", job.__name__)

    return run


@_next_time_when_busy

async def response_clock_sweep(system: System) -> None:
    result = await system.escalation.sweep()
    if result.reminders or result.escalations or result.admin_escalations:
        # Counts only: no ids, names or subjects in logs.
        log.info("response clock: %d reminders, %d escalations, %d admin escalations",
                 result.reminders, result.escalations, result.admin_escalations)


@_next_time_when_busy
async def send_emails(system: System) -> None:
    result = await system.notifications.dispatch()
    if result.retried or result.failed:
        log.info("email: %d sent, %d to retry, %d failed", result.sent, result.retried, result.failed)


@_next_time_when_busy
async def daily_digests(system: System) -> None:
    await system.notifications.send_digests()


def start_scheduler(system: System) -> AsyncIOScheduler:
    """Start the jobs on the running event loop; the first sweep runs at once (catch up after a restart)."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(response_clock_sweep, "interval", args=[system], id="response-clock-sweep",
                      seconds=system.settings.sweep_seconds, next_run_time=datetime.now(UTC),
                      max_instances=1, coalesce=True, misfire_grace_time=None)
    scheduler.add_job(send_emails, "interval", args=[system], id="email-dispatch",
                      seconds=system.settings.mail_seconds, next_run_time=datetime.now(UTC),
                      max_instances=1, coalesce=True, misfire_grace_time=None)
    scheduler.add_job(daily_digests, "interval", args=[system], id="daily-digests", minutes=15,
                      next_run_time=datetime.now(UTC), max_instances=1, coalesce=True, misfire_grace_time=None)
    scheduler.start()
    return scheduler
