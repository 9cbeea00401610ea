"""Scheduled jobs run only in the leading process, and a job cut off by shutdown ends with one line."""

from __future__ import annotations

import asyncio
import logging

from sm_app.adapters.leader import AlwaysLeader
from sm_app.jobs import _lead_or_follow, _only_when_leading, leader_check_seconds


class _Follower:
    is_leader = False


async def test_a_follower_runs_no_job_and_a_leader_does():
    ran = []

    async def job(system) -> None:
        ran.append(system)

    await _only_when_leading(_Follower(), job)("follower")
    await _only_when_leading(AlwaysLeader(), job)("leader")
    assert ran == ["leader"]


async def test_a_job_cancelled_by_shutdown_ends_with_one_line(caplog):
    started = asyncio.Event()

    async def send_emails(system) -> None:
        started.set()
        await asyncio.sleep(30)

    task = asyncio.ensure_future(_only_when_leading(AlwaysLeader(), send_emails)(None))
    await started.wait()
    with caplog.at_level(logging.INFO, logger="sm_app.jobs"):
        task.cancel()
        assert await task is None  # ended, not raised: no "Job raised an exception" traceback from APScheduler
    assert caplog.messages == ["send_emails stopped by shutdown; its unfinished work is picked up at the next run"]


class _SlowLeader:
    """A leader whose check is still waiting on the database."""

    is_leader = True

    def __init__(self) -> None:
        self.asked = asyncio.Event()

    async def check(self) -> bool:
        self.asked.set()
        await asyncio.sleep(30)
        return True


async def test_a_leader_check_cancelled_by_shutdown_ends_with_one_line(caplog):
    leader = _SlowLeader()
    task = asyncio.ensure_future(_lead_or_follow(None, leader))
    await leader.asked.wait()
    with caplog.at_level(logging.INFO, logger="sm_app.jobs"):
        task.cancel()
        assert await task is None  # ended, not raised: no "Job raised an exception" traceback from APScheduler
    assert caplog.messages == ["scheduler: the leader check was stopped by shutdown"]


def test_followers_ask_for_the_lead_well_within_one_sweep_interval():
    assert leader_check_seconds(60) == 5.0
    assert leader_check_seconds(3) == 1.5
    assert leader_check_seconds(0.2) == 0.5
