"""APScheduler jobs: the response-clock sweep, the email dispatcher and the daily digests. Each calls one service
method; the services make them safe to run twice.

The scheduler is an AsyncIOScheduler on NiceGUI's event loop, started with the app. It keeps no job
state of its own: what has been sent lives in the database (response cycles' stages, alerts), so a
restart loses nothing and a sweep after downtime catches up.

Several processes on one PostgreSQL database each run a scheduler, but only the leader's jobs do anything
(`adapters/leader.py`: an advisory lock). The others ask for the lock every `leader_check_seconds`; the one that
gets it runs every job at once, so a dead leader's work resumes within one sweep interval.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from sm_app.adapters.leader import AdvisoryLockLeader, AlwaysLeader, make_leader
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


JOBS = ("response-clock-sweep", "email-dispatch", "daily-digests")


def leader_check_seconds(sweep_seconds: float) -> float:
    """How often a follower asks for the lock: well within one sweep interval, at most every 5 s."""
    return max(0.5, min(5.0, sweep_seconds / 2))


@dataclass
class Scheduled:
    scheduler: AsyncIOScheduler
    leader: AlwaysLeader | AdvisoryLockLeader

    async def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.leader.close()


def _only_when_leading(leader: AlwaysLeader | AdvisoryLockLeader, job):
    @functools.wraps(job)
    async def run(system: System) -> None:
        if not leader.is_leader:
            return
        try:
            await job(system)
        except asyncio.CancelledError:
            # Shutdown cancels a job still running (a long email batch): what it claimed comes back after the lease
            # and the next leader picks it up, so one line, not APScheduler's traceback.
            log.info("%s stopped by shutdown; its unfinished work is picked up at the next run", job.__name__)

    return run


async def _lead_or_follow(scheduler: AsyncIOScheduler, leader: AlwaysLeader | AdvisoryLockLeader) -> None:
    was = leader.is_leader
    try:
        now = await leader.check()
    except asyncio.CancelledError:
        # Shutdown cancels a check still waiting on PostgreSQL; the lock goes with the connection, so there is
        # nothing to finish: one line, not APScheduler's traceback (seen in the scale-out test's server log).
        log.info("scheduler: the leader check was stopped by shutdown")
        return
    if now and not was:
        # Pid only: which process of several leads, for whoever reads the logs.
        log.info("scheduler: process %d leads the scheduled jobs", os.getpid())
        for job_id in JOBS:  # catch up at once: the old leader may have died mid-interval
            scheduler.modify_job(job_id, next_run_time=datetime.now(UTC))
    elif was and not now:
        log.warning("scheduler: process %d no longer leads the scheduled jobs", os.getpid())


async def start_scheduler(system: System) -> Scheduled:
    """Start the jobs on the running event loop; the first sweep runs at once (catch up after a restart)."""
    settings = system.settings
    leader = make_leader(settings.database_url)
    scheduler = AsyncIOScheduler(timezone=UTC)
    first = datetime.now(UTC) if leader.is_leader else None  # a follower's jobs start when it leads
    for job_id, job, seconds in (("response-clock-sweep", response_clock_sweep, settings.sweep_seconds),
                                 ("email-dispatch", send_emails, settings.mail_seconds),
                                 ("daily-digests", daily_digests, 15 * 60)):
        scheduler.add_job(_only_when_leading(leader, job), "interval", args=[system], id=job_id, seconds=seconds,
                          next_run_time=first, max_instances=1, coalesce=True, misfire_grace_time=None)
    if isinstance(leader, AdvisoryLockLeader):
        scheduler.add_job(_lead_or_follow, "interval", args=[scheduler, leader], id="scheduler-leader",
                          seconds=leader_check_seconds(settings.sweep_seconds), next_run_time=datetime.now(UTC),
                          max_instances=1, coalesce=True, misfire_grace_time=None)
    scheduler.start()
    return Scheduled(scheduler, leader)
