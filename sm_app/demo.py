"""Seed the demo clinic (data/demo_clinic.json) into an empty database: its people, and weeks of their conversations.

The conversations are played through the app's own services (messaging, mailbox, triage, broadcasts, escalation),
in time order, with the clock moved back to each moment: subjects and bodies are sealed, the search index, the audit
chain, the outbox and the response clock are all real, and the reminders and escalations the clinic would have sent
are sent by the real sweep at the moments they fell due. Times are given in business hours before the moment of
seeding, so a demo seeded on any day looks the same: one urgent message, one overdue conversation with its alerts,
one due soon, weeks of answered requests for the dashboard. Nothing is random.

The clock is settable only in the process that seeds (`sm-app demo` builds its System with a `SeedClock`); `sm-app
serve` uses the real clock.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from itertools import count
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from sm_app.adapters.clock import Clock, as_utc
from sm_app.adapters.models import ResponseCycle
from sm_app.care_team.broadcast import Cohort
from sm_app.care_team.response_clock import ResponseClock
from sm_app.identity.accounts import Accounts, Actor
from sm_app.messaging.threads import UrgentCheck

if TYPE_CHECKING:
    from sm_app.bootstrap import System

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo_clinic.json"
HISTORY_SPACING = 45.0  # business hours in a week (5 days of 9 hours): one history week per 45 hours back


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    password: str
    role: str
    name: str


def demo_sign_ins() -> list[DemoSignIn]:
    data = json.loads(DEMO_FILE.read_text())
    return [DemoSignIn(u["email"], u["password"], u["role"], u["name"]) for u in data["users"]]


class SeedClock(Clock):
    """The real time, except while the demo is seeded: then the moment the seeding script has reached."""

    def __init__(self) -> None:
        self._at: datetime | None = None

    def now(self) -> datetime:
        return self._at or datetime.now(UTC)

    def set(self, when: datetime | None) -> None:
        """Stand at `when`; None goes back to the real time."""
        self._at = when


@dataclass(frozen=True)
class DemoSeeded:
    conversations: int
    weeks: int


async def _create_people(accounts: Accounts, data: dict) -> dict[str, str]:
    """The care teams and the people of the demo clinic; returns the teams' ids by name."""
    teams = {name: (await accounts.create_team(name)).id for name in data["teams"]}
    for u in data["users"]:
        await accounts.create_user(email=u["email"], role=u["role"], name=u["name"], password=u["password"])
        if "birth_date" in u:
            await accounts.set_demographics(email=u["email"], birth_date=date.fromisoformat(u["birth_date"]),
                                            sex=u.get("sex"))
        for team in u["teams"]:
            if u["role"] == "patient":
                await accounts.assign_patient(team=team, email=u["email"])
            else:
                await accounts.add_member(team=team, email=u["email"], role=u["role"], lead=u.get("lead", False))
    return teams


async def _team_settings(system: System, data: dict, people: dict[str, Actor], teams: dict[str, str]) -> None:
    """What the admin set in the console: names patients see, a team's own hours, on call, blocks with reasons."""
    admin = next(p for p in people.values() if p.role == "admin")
    for spec in data.get("team_settings", []):
        team_id = teams[spec["team"]]
        await system.team_admin.rename(admin, team_id, name=spec["team"], display_name=spec.get("display_name", ""))
        if "workdays" in spec:
            await system.clinic_settings.set_team_business_hours(
                admin, team_id, workdays=tuple(spec["workdays"]), opens=time.fromisoformat(spec["opens"]),
                closes=time.fromisoformat(spec["closes"]))
        for email in spec.get("on_call", []):
            await system.team_admin.set_marks(admin, team_id, people[email].user_id, on_call=True)
    for block in data.get("blocks", []):
        await system.team_admin.block(admin, teams[block["team"]], people[block["email"]].user_id,
                                      reason=block["reason"])


def business_time_before(clock: ResponseClock, end: datetime, hours: float) -> datetime:
    """The latest minute from which `hours` of business time run until `end` (the inverse of add_business_time)."""
    amount = timedelta(hours=hours)
    lo = end - timedelta(days=hours / 9 * 7 / 5 + 7)
    while clock.business_time_between(lo, end) < amount:
        lo -= timedelta(days=7)
    hi = end
    while hi - lo > timedelta(minutes=1):
        mid = lo + (hi - lo) / 2
        if clock.business_time_between(mid, end) >= amount:
            lo = mid
        else:
            hi = mid
    return lo.replace(second=0, microsecond=0)


@dataclass(order=True)
class _Step:
    at: datetime
    seq: int
    name: str = field(compare=False)
    run: Callable[[], Awaitable[None]] = field(compare=False)
    may_start_clock: bool = field(compare=False, default=False)  # a patient's message: a new response cycle


@dataclass
class _Conversation:
    """One conversation of the script; its thread id is known once its first step has run."""

    spec: dict
    thread_id: str = ""
    threads_by_patient: dict[str, str] = field(default_factory=dict)  # a broadcast: one thread per patient


class _Script:
    """The demo's conversations as steps in time order, run through the services with the clock at each step."""

    def __init__(self, system: System, clock: SeedClock | Clock, now: datetime, response_clock: ResponseClock,
                 people: dict[str, Actor], teams: dict[str, str]):
        self.system = system
        self.clock = clock
        self.now = now
        self.rc = response_clock
        self.zone = ZoneInfo(response_clock.hours.timezone)
        self.people = people
        self.teams = teams
        self.steps: list[_Step] = []
        self._seq = count()
        self._next_alert: datetime | None = None
        self._next_alert_known = False

    def add(self, at: datetime, name: str, run: Callable[[], Awaitable[None]], *, may_start_clock: bool = False
            ) -> None:
        if at > self.now:
            raise ValueError(f"demo data: {name} would happen after the moment of seeding; shorten its steps")
        self.steps.append(_Step(at, next(self._seq), name, run, may_start_clock))

    # -- the script -------------------------------------------------------------------------------------------
    def conversation(self, spec: dict, *, name: str) -> _Conversation:
        conv = _Conversation(spec)
        if "minutes_ago" in spec:  # just arrived: minutes on the wall clock, whatever the day or hour
            at = (self.now - timedelta(minutes=spec["minutes_ago"])).replace(second=0, microsecond=0)
        else:
            at = business_time_before(self.rc, self.now, spec["ago"])
        self.add(at, name, lambda: self._start(conv), may_start_clock=True)
        for i, step in enumerate(spec["steps"]):
            at = self.rc.add_business_time(at, timedelta(hours=step["after"]))
            self.add(at, f"{name}, step {i + 1} ({step['do']})", lambda step=step: self._do(conv, step),
                     may_start_clock=step["do"] == "reply" and self.people[step["by"]].is_patient)
        return conv

    async def _start(self, conv: _Conversation) -> None:
        spec, sys = conv.spec, self.system
        kind = spec["start"]
        if kind == "patient":
            patient = self.people[spec["from"]]
            message = dict(team_id=self.teams[spec["team"]], category=spec["category"], subject=spec["subject"],
                           body=spec["body"], template_key=spec.get("template"), answers=spec.get("answers"))
            if spec.get("urgent"):
                # As on the page: the emergency notice comes back, and the patient chooses "Send anyway".
                try:
                    await sys.messaging.start_thread(patient, **message)
                except UrgentCheck:
                    pass
                else:
                    raise ValueError(f"demo data: {spec['subject']!r} was meant to be urgent but was sent as routine")
                sent = await sys.messaging.start_thread(patient, **message, urgent_acknowledged=True)
            else:
                sent = await sys.messaging.start_thread(patient, **message)
            conv.thread_id = sent.thread_id
        elif kind == "result":
            taken = self.clock.now().astimezone(self.zone).date() - timedelta(days=spec["days_before"])
            conv.thread_id = await sys.broadcasts.result_available(
                self.people[spec["by"]], team_id=self.teams[spec["team"]], patient_id=self.people[spec["to"]].user_id,
                test=spec["test"], test_date=taken.isoformat())
        elif kind == "broadcast":
            sender, team_id = self.people[spec["by"]], self.teams[spec["team"]]
            cohort = Cohort()
            expected = await sys.broadcasts.count(sender, team_id, cohort)
            await sys.broadcasts.send(sender, team_id=team_id, cohort=cohort, category=spec["category"],
                                      subject=spec["subject"], body=spec["body"],
                                      replies_allowed=spec["replies_allowed"], expected_count=expected)
            for patient in self.people.values():
                if patient.is_patient:
                    # Each patient's own thread of the broadcast, found as the patient would find it: in the Inbox.
                    for t in (await sys.mailbox.list_threads(patient, "inbox", page_size=50)).items:
                        if t.subject == spec["subject"]:
                            conv.threads_by_patient[patient.email] = t.id
        else:
            raise ValueError(f"demo data: unknown start {kind!r}")

    async def _do(self, conv: _Conversation, step: dict) -> None:
        sys, who = self.system, self.people[step["by"]]
        thread_id = conv.threads_by_patient.get(who.email) or conv.thread_id
        match step["do"]:
            case "read":
                await sys.mailbox.open_thread(who, thread_id)
            case "reply":
                await sys.messaging.reply(who, thread_id, step["text"])
            case "claim":
                await sys.triage.claim(who, thread_id)
            case "assign":
                await sys.triage.assign(who, thread_id, self.people[step["to"]].user_id, step.get("reason", ""))
            case "route":
                await sys.triage.route(who, thread_id, step["role"], step["reason"])
            case "note":
                await sys.triage.add_note(who, thread_id, step["text"])
            case "status":
                await sys.triage.set_status(who, thread_id, step["status"])
            case "outcome":
                on_date = ""
                if "in_days" in step:
                    on_date = (self.clock.now().astimezone(self.zone).date()
                               + timedelta(days=step["in_days"])).isoformat()
                await sys.messaging.send_outcome(who, thread_id, step["outcome"], on_date=on_date,
                                                 at_time=step.get("time", ""), place=step.get("place", ""),
                                                 note=step.get("note", ""))
            case "close":
                await sys.messaging.close_thread(who, thread_id, step["reason"])
            case other:
                raise ValueError(f"demo data: unknown step {other!r}")

    def history(self, data: dict) -> int:
        """Weeks of answered requests before the conversations: what the workload dashboard shows."""
        requests, hours = data["requests"], data["answer_hours"]
        made = 0
        for team, plan in data["teams"].items():
            k = 0
            turns: dict[str, int] = {}
            for week, per_week in enumerate(plan["per_week"], start=1):
                for i in range(per_week):
                    request = requests[k % len(requests)]
                    category = request["category"]
                    answerers = plan["answerers"].get(category) or plan["answerers"]["*"]
                    turn = turns.get(category, 0)
                    turns[category] = turn + 1
                    answer_after = hours[k % len(hours)]
                    spec = {
                        "ago": HISTORY_SPACING * week + (i + 0.5) * HISTORY_SPACING / per_week,
                        "start": "patient", "from": plan["patients"][k % len(plan["patients"])], "team": team,
                        "category": category, "subject": request["subject"], "body": request["body"],
                        "steps": [
                            {"after": min(1.0, answer_after / 2), "do": "read", "by": answerers[turn % len(answerers)]},
                            {"after": answer_after - min(1.0, answer_after / 2) + 0.05, "do": "reply",
                             "by": answerers[turn % len(answerers)], "text": request["reply"]},
                            {"after": 0.1, "do": "status", "by": answerers[turn % len(answerers)],
                             "status": "completed"},
                        ],
                    }
                    spec["steps"].append({"after": 2, "do": "read", "by": spec["from"]})
                    self.conversation(spec, name=f"history of {team}, week {week}, request {i + 1}")
                    k += 1
                    made += 1
        return made

    # -- running it -------------------------------------------------------------------------------------------
    async def run(self) -> None:
        for step in sorted(self.steps):
            await self._sweep_until(step.at)
            self.clock.set(step.at)
            await step.run()
            if step.may_start_clock:
                self._next_alert_known = False
        await self._sweep_until(self.now)
        self.clock.set(self.now)

    async def _sweep_until(self, until: datetime) -> None:
        """Run the response clock's sweep at each moment a reminder or escalation fell due before `until`, as the
        scheduled job would have (it runs every minute)."""
        while True:
            if not self._next_alert_known:
                # Only a patient's message can bring the next alert forward (a new cycle); the rest move it later.
                async with self.system.db.read() as s:
                    due = (await s.execute(select(func.min(ResponseCycle.next_alert_at)))).scalar_one_or_none()
                self._next_alert, self._next_alert_known = (as_utc(due) if due else None), True
            if self._next_alert is None or self._next_alert > until:
                return
            self.clock.set(self._next_alert)
            await self.system.escalation.sweep()
            self._next_alert_known = False


def _health_records(script: _Script, records: list[dict], people: dict[str, Actor], teams: dict[str, str]) -> None:
    """Patients' own records, entered through the service at their moments, and what each shared with their teams
    (granted before the first entry, so the nurse's view of a conversation shows it)."""
    system, now = script.system, script.now
    for record in records:
        patient = people[record["patient"]]
        first = max(e["hours_ago"] for e in record["entries"]) + 1
        for team, level in record["share"].items():
            script.add(business_time_before(script.rc, now, first), f"{patient.name} shares with {team}",
                       lambda patient=patient, team=teams[team], level=level:
                       system.record_sharing.set_grant(patient, team, level))
        for entry in record["entries"]:
            at = business_time_before(script.rc, now, entry["hours_ago"])
            values = {key: (business_time_before(script.rc, now, float(v[5:])).astimezone(script.zone)
                            .date().isoformat() if isinstance(v, str) and v.startswith("DATE:") else v)
                      for key, v in entry["values"].items()}
            script.add(at, f"{patient.name}'s health record: {entry['section']}",
                       lambda patient=patient, section=entry["section"], values=values:
                       system.health_record.add(patient, patient.user_id, section, values))


def _invitations(script: _Script, invitations: list[dict], people: dict[str, Actor], teams: dict[str, str]) -> None:
    """People invited who have not signed up yet: a patient invited by a nurse, staff invited by the admin."""
    system = script.system
    for spec in invitations:
        by, team_ids = people[spec["by"]], [teams[t] for t in spec["teams"]]
        if spec["role"] == "patient":
            invite = partial(system.invitations.invite_patient, by, team_id=team_ids[0])
        else:
            invite = partial(system.invitations.invite_staff, by, role=spec["role"], team_ids=team_ids)
        script.add(script.now - timedelta(hours=spec["hours_ago"]), f"{by.name} invites {spec['name']}",
                   lambda invite=invite, spec=spec: invite(email=spec["email"], name=spec["name"]))


async def seed_demo(system: System, *, now: datetime | None = None) -> DemoSeeded | None:
    """Create the demo clinic when there are no users yet: its people, and their conversations up to `now` (the
    clock's time by default). Returns None (and changes nothing) when the database has users.

    The system's clock must be settable (`SeedClock`, or a test's `FakeClock`); it is left at the real time (a
    `SeedClock`) or at `now` (any other clock).
    """
    if await system.accounts.count_users() > 0:
        return None
    if not hasattr(system.clock, "set"):
        raise TypeError("seed_demo needs a settable clock (build the System with SeedClock())")
    data = json.loads(DEMO_FILE.read_text())
    clock = system.clock
    now = as_utc(now or clock.now())
    response_clock = await system.clinic_settings.clock()
    weeks = data["history"]["weeks"]
    # The people were there before their first conversation.
    clock.set(business_time_before(response_clock, now, HISTORY_SPACING * (weeks + 1) + 9))
    try:
        teams = await _create_people(system.accounts, data)
        people: dict[str, Actor] = {}
        for u in data["users"]:
            info = await system.accounts.find_user(u["email"])
            people[info.email] = Actor(info.id, info.role, info.name, info.email)
            if info.role == "patient":
                await system.terms.accept(people[info.email])
        await _team_settings(system, data, people, teams)
        script = _Script(system, clock, now, response_clock, people, teams)
        made = script.history(data["history"])
        for i, spec in enumerate(data["conversations"], start=1):
            script.conversation(spec, name=f"conversation {i} ({spec.get('subject') or spec.get('test')})")
        _health_records(script, data.get("health_records", []), people, teams)
        _invitations(script, data.get("invitations", []), people, teams)
        # Staff and the admin had read the alerts of past weeks; the ones of this week are still new to them.
        for person in people.values():
            if not person.is_patient:
                script.add(business_time_before(response_clock, now, HISTORY_SPACING), "alerts read",
                           lambda person=person: system.escalation.mark_all_read(person))
        await script.run()
    finally:
        clock.set(None if isinstance(clock, SeedClock) else now)
    return DemoSeeded(conversations=made + len(data["conversations"]), weeks=weeks)

